// The cached ledger index (renderer/src/workspace/ledger-index.ts), against a private web host in Chromium: after
// a reload the case list and the case timeline paint at once from this workstation's index — the timeline drawn
// as "checking", never green — and the host's verified answers replace them when they come. The host's answers
// are held back (page.route) to see the first paint; a screenshot of each state is saved, in English and 中文.
import type { Page, Route } from '@playwright/test';
import { test, expect } from './fixtures';
import { createOfficer } from './first-run-steps';
import { usePrivateWebHost } from './ui-host';

const host = usePrivateWebHost();

const PASS = 'amber quarry eleven gulls';

/** Holds the host's answers to `method` until `release()` (the request itself is not changed). */
async function holdBack(page: Page, method: string): Promise<{ release(): Promise<void> }> {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const handler = async (route: Route) => {
    await gate;
    await route.continue();
  };
  const url = new RegExp(`/api/${method.replace('.', '\\.')}$`);
  await page.route(url, handler);
  return {
    // The route stays: once open, it passes every request straight on.
    release() {
      open();
      return Promise.resolve();
    },
  };
}

/** Entries in the page's cached index (IndexedDB), read as the page sees them. */
function indexedEntries(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const req = indexedDB.open('evidence-workspace');
        req.onerror = () => reject(new Error(String(req.error)));
        req.onsuccess = () => {
          const db = req.result;
          if (!db.objectStoreNames.contains('ledgerEntries')) {
            db.close();
            resolve(0);
            return;
          }
          const count = db.transaction('ledgerEntries').objectStore('ledgerEntries').count();
          count.onsuccess = () => {
            db.close();
            resolve(count.result);
          };
        };
      }),
  );
}

test('ledger index: a reload paints cases and the timeline from the cache, then the verified state', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const shot = (name: string) => page.screenshot({ path: testInfo.outputPath(`${name}.png`), animations: 'disabled' });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(host().url);
  await page.getByTestId('mode-standalone').click();
  await page.getByTestId('mode-continue').click();
  await createOfficer(page, 'Sun Hao', 'PB-3090', PASS);

  for (const { caseId, title } of [
    { caseId: 'CASE-2026-00031', title: 'Warehouse break-in, Minhang' },
    { caseId: 'CASE-2026-00032', title: 'Phishing calls to pensioners' },
  ]) {
    await page.getByRole('menuitem', { name: 'Cases' }).click();
    await page.getByTestId('new-case').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Case number').fill(caseId);
    await dialog.getByLabel('Title').fill(title);
    await dialog.getByLabel('Agency').fill('Minhang District Police');
    await page.getByTestId('case-submit').click();
    await expect(page.getByTestId('case-title')).toHaveText(title, { timeout: 30_000 });
  }
  await page.getByRole('menuitem', { name: 'Cases' }).click();
  const table = page.getByTestId('cases-table');
  await expect(table).toHaveAttribute('data-source', 'host');
  // The index follows the verified ledger (genesis, enrolments and the two cases).
  await expect.poll(() => indexedEntries(page), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);

  // Reload with the host's case list held back: the list paints from the index, marked as being checked.
  let held = await holdBack(page, 'cases.list');
  await page.reload();
  await expect(table).toHaveAttribute('data-source', 'cache', { timeout: 15_000 });
  await expect(table.getByText(/^CASE-2026-0003\d$/)).toHaveCount(2);
  await expect(table).toContainText('Phishing calls to pensioners');
  await expect(page.getByTestId('cases-from-cache')).toBeVisible();
  await shot('i01-cases-from-cache');
  // Search works on the cached list too.
  await page.getByPlaceholder('Search by number, title, agency or description').fill('warehouse');
  await expect(table.getByText(/^CASE-2026-0003\d$/)).toHaveCount(1);
  await page.getByPlaceholder('Search by number, title, agency or description').fill('');
  await held.release();
  await expect(table).toHaveAttribute('data-source', 'host');
  await expect(page.getByTestId('cases-from-cache')).toHaveCount(0);
  await shot('i02-cases-verified');

  // 中文, and a reload with the verified timeline held back: the case timeline is "checking", never green.
  await page.getByText('中文').click();
  await page.getByTestId('cases-table').getByText('CASE-2026-00031').click();
  await page.getByRole('tab', { name: '案件时间线' }).click();
  await expect(page.getByTestId('case-timeline')).toHaveAttribute('data-source', 'host');
  held = await holdBack(page, 'timeline.case');
  await page.reload();
  await page.getByTestId('cases-table').getByText('CASE-2026-00031').click();
  await page.getByRole('tab', { name: '案件时间线' }).click();
  const timeline = page.getByTestId('case-timeline');
  await expect(timeline).toHaveAttribute('data-source', 'cache', { timeout: 15_000 });
  await expect(timeline.locator('.event')).toHaveCount(1);
  await expect(timeline.locator('.event[data-verdict="checking"]')).toHaveCount(1);
  await expect(timeline).toContainText('核对中');
  await expect(timeline).toContainText('Warehouse break-in, Minhang');
  await expect(timeline.locator('.status-verified')).toHaveCount(0);
  await shot('i03-zh-timeline-from-cache');
  await held.release();
  await expect(timeline).toHaveAttribute('data-source', 'host');
  await expect(timeline.locator('.event[data-verdict="verified"]')).toHaveCount(1);
  await expect(timeline).toContainText('已验证');
  await shot('i04-zh-timeline-verified');
});

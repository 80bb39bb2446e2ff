// Keyboard only, at the smallest supported window (1280×720): first run, a new case, the rail, and evidence chosen
// through the drop zone's file dialog — every control reached with Tab, used with Enter/Space/typing, and showing
// a visible focus mark when reached. Nothing overflows the window sideways. Screenshots of focused states are saved.
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { usePrivateWebHost } from './ui-host';

const host = usePrivateWebHost();

/** Presses Tab until `target` (or something inside it) has focus, then checks the focus is visible. */
async function tabTo(page: Page, target: Locator, max = 60): Promise<void> {
  for (let i = 0; i <= max; i++) {
    if (await target.evaluate((el) => el === document.activeElement || el.contains(document.activeElement))) {
      const visible = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const s = getComputedStyle(el);
        const wrap = el.closest('.ant-input-affix-wrapper, .ant-select, .ant-input-number, .ant-picker');
        const w = wrap ? getComputedStyle(wrap) : undefined;
        const marked = (x: CSSStyleDeclaration) => (x.outlineStyle !== 'none' && parseFloat(x.outlineWidth) > 0) || x.boxShadow !== 'none';
        return marked(s) || (w !== undefined && marked(w));
      });
      expect(visible, `the focused control ${await target.evaluate((el) => el.outerHTML.slice(0, 120))} shows its focus`).toBe(true);
      return;
    }
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab did not reach ${target.toString()} in ${max} presses`);
}

const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

test('keyboard only at 1280×720: first run, a case, the rail, evidence through the file dialog', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const shot = (name: string) => page.screenshot({ path: testInfo.outputPath(`${name}.png`), animations: 'disabled' });
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(host().url);

  // First run: the mode cards are a radio group; Space picks one, Enter continues.
  const standalone = page.getByTestId('mode-standalone');
  await tabTo(page, standalone);
  await page.keyboard.press('Space');
  await expect(standalone).toHaveAttribute('aria-checked', 'true');
  await shot('01-mode-focused');
  await tabTo(page, page.getByTestId('mode-continue'));
  await page.keyboard.press('Enter');

  const pass = 'quiet harbour lantern 2026';
  for (const [label, text] of [
    ['Full name', 'Zhang Min'],
    ['Badge or staff number', 'PB-5120'],
  ] as const) {
    await tabTo(page, page.getByLabel(label));
    await page.keyboard.type(text);
  }
  await tabTo(page, page.getByLabel('Passphrase', { exact: true }));
  await page.keyboard.type(pass);
  await tabTo(page, page.getByLabel('Repeat the passphrase'));
  await page.keyboard.type(pass);
  await shot('02-identity-typed');
  await page.keyboard.press('Enter'); // submits the form
  await expect(page.getByText('The workstation is ready')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('first-run-done')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('officer')).toContainText('Zhang Min');
  expect(await noSidewaysScroll(page)).toBe(true);

  // A new case: the dialog takes the focus, Tab walks its fields, Enter on the button opens the case.
  await tabTo(page, page.getByTestId('new-case'));
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  for (const [label, text] of [
    ['Case number', 'CASE-2026-00311'],
    ['Title', 'Harbour customs seizure'],
    ['Agency', 'Port Police'],
  ] as const) {
    await tabTo(page, dialog.getByLabel(label));
    await page.keyboard.type(text);
  }
  await tabTo(page, page.getByTestId('case-submit'));
  await shot('03-case-dialog');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('case-title')).toHaveText('Harbour customs seizure', { timeout: 30_000 });
  expect(await noSidewaysScroll(page)).toBe(true);

  // Evidence: the drop zone is a button; Enter opens the file dialog.
  await tabTo(page, page.getByTestId('add-evidence'));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('intake-case')).toContainText('CASE-2026-00311');
  const zone = page.locator('.ant-upload-drag [role="button"]');
  await tabTo(page, zone);
  await shot('04-dropzone-focused');
  const chooser = page.waitForEvent('filechooser');
  await page.keyboard.press('Enter');
  await (await chooser).setFiles([
    { name: '扣押清单.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7 seizure list '.repeat(500)) },
    { name: 'dashcam.mp4', mimeType: 'video/mp4', buffer: Buffer.from('dashcam frames '.repeat(2000)) },
  ]);
  const items = page.getByTestId('intake-items');
  await expect(items).toContainText('扣押清单.pdf', { timeout: 30_000 });
  await expect(items).toContainText('dashcam.mp4');
  await shot('05-intake-chosen');
  expect(await noSidewaysScroll(page)).toBe(true);

  // The rail is one Tab stop (an ARIA menu): the arrow keys move within it, Enter opens the screen.
  const rail = page.getByRole('navigation', { name: 'Main' }).getByRole('menu');
  for (const [item, sign] of [
    ['Ledger', 'ledger-state'],
    ['Reports', 'print-report'],
  ] as const) {
    await tabTo(page, rail);
    const target = page.getByRole('menuitem', { name: item });
    for (let i = 0; i < 6 && !(await target.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('ArrowDown');
    await expect(target).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId(sign)).toBeVisible({ timeout: 30_000 });
    expect(await noSidewaysScroll(page)).toBe(true);
  }
  await shot('06-reports-by-keyboard');
});

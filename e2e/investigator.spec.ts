// The investigator's flow end to end, against a private web host in Chromium, as a new user would do it:
// first run → new case → drop three files (one with a Chinese name) → metadata (and a reload mid-intake loses
// nothing) → deposit → countersigned, recorded, witnessed → the timeline is all verified → change one byte of one
// file on disk → Verify now → that exhibit's mismatch in red with the reason → custody transfer to a second
// officer → 中文. A screenshot of each step goes to the test output folder.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from './fixtures';
import { createOfficer } from './first-run-steps';
import { usePrivateWebHost } from './ui-host';

const host = usePrivateWebHost();

const PASS_1 = 'harbour lantern violet 1987';
const PASS_2 = 'granite orchard seventeen kites';
const FILES = [
  { name: '现场照片-01.jpg', type: 'image/jpeg', body: 'JPEG scene photo '.repeat(4000) },
  { name: 'phone-extraction.ufdr', type: 'application/octet-stream', body: 'UFDR extraction '.repeat(9000) },
  { name: 'ledger-scan.pdf', type: 'application/pdf', body: '%PDF-1.7 ledger scan '.repeat(3000) },
];

function findFile(dir: string, name: string): string | undefined {
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) {
      const found = findFile(p, name);
      if (found) return found;
    } else if (entry === name) return p;
  }
  return undefined;
}

test('investigator: intake to verified timeline, mismatch, transfer, 中文', async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  const shot = (name: string) => page.screenshot({ path: testInfo.outputPath(`${name}.png`), animations: 'disabled' });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(host().url);

  // First run: standalone, one officer.
  await page.getByTestId('mode-standalone').click();
  await page.getByTestId('mode-continue').click();
  await createOfficer(page, 'Li Wei', 'PB-4471', PASS_1);
  await expect(page.getByTestId('mode-badge')).toHaveText('Standalone — no independent parties');

  // New case.
  await page.getByTestId('new-case').click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Case number').fill('CASE-2026-00017');
  await dialog.getByLabel('Title').fill('Invoice fraud — Pudong warehouse');
  await dialog.getByLabel('Agency').fill('Metropolitan Police Cyber Unit');
  await dialog.getByLabel('Description').fill('Forged supplier invoices found on seized devices.');
  await shot('01-new-case');
  await page.getByTestId('case-submit').click();
  await expect(page.getByTestId('case-title')).toHaveText('Invoice fraud — Pudong warehouse', { timeout: 30_000 });
  await shot('02-case-opened');

  // Intake: drop three files (one with a Chinese name) on the drop zone.
  await page.getByTestId('add-evidence').click();
  await expect(page.getByTestId('intake-case')).toContainText('CASE-2026-00017');
  const dataTransfer = await page.evaluateHandle((files) => {
    const dt = new DataTransfer();
    for (const f of files) dt.items.add(new File([f.body], f.name, { type: f.type }));
    return dt;
  }, FILES);
  await page.locator('.ant-upload-drag .ant-upload-btn').dispatchEvent('drop', { dataTransfer });
  const items = page.getByTestId('intake-items');
  await expect(items).toBeVisible({ timeout: 30_000 });
  for (const f of FILES) await expect(items).toContainText(f.name);
  await expect(items.locator('tbody tr.ant-table-row')).toHaveCount(3);

  // Metadata per item; the draft survives a reload.
  await page.getByLabel(`Description of ${FILES[0]!.name}`).fill('Photo of the warehouse office desk');
  await page.getByLabel(`Description of ${FILES[1]!.name}`).fill('Extraction of the suspect’s phone');
  await page.getByLabel(`Description of ${FILES[2]!.name}`).fill('Scanned ledger book');
  await items.locator('.ant-table-row-expand-icon').first().click();
  await page.getByLabel('Seized at (place)').fill('Pudong warehouse, office 2');
  await page.getByLabel('Seized by').fill('Li Wei');
  await shot('03-intake-metadata');
  await page.waitForTimeout(300);
  await page.reload();
  await page.getByRole('menuitem', { name: 'Intake' }).click();
  await expect(page.getByLabel(`Description of ${FILES[1]!.name}`)).toHaveValue('Extraction of the suspect’s phone');
  await items.locator('.ant-table-row-expand-icon').first().click();
  await expect(page.getByLabel('Seized at (place)')).toHaveValue('Pudong warehouse, office 2');

  // Deposit: review → sign → upload → countersigned → recorded → witnessed.
  await page.getByTestId('start-deposit').click();
  await expect(page.getByRole('dialog', { name: /Deposit evidence/ })).toBeVisible();
  await shot('04-deposit-review');
  await page.getByTestId('deposit-review-ok').click();
  await page.getByTestId('deposit-passphrase').fill('not my passphrase');
  await page.getByTestId('deposit-sign').click();
  await expect(page.getByTestId('deposit-error')).toContainText('passphrase', { timeout: 30_000 });
  await page.getByTestId('deposit-passphrase').fill(PASS_1);
  await shot('05-deposit-sign');
  await page.getByTestId('deposit-sign').click();
  await expect(page.getByTestId('deposit-done')).toBeVisible({ timeout: 60_000 });
  const progress = page.getByTestId('deposit-progress');
  await expect(progress).toContainText('Li Wei, Standalone provider');
  await expect(progress.getByText(/Verified · 1 witness/)).toHaveCount(3);
  await shot('06-deposit-witnessed');
  await page.getByTestId('deposit-done').click();

  // The case timeline: every event verified from the ledger.
  await page.getByRole('tab', { name: 'Case timeline' }).click();
  const timeline = page.getByTestId('case-timeline');
  await expect(timeline.locator('.event')).toHaveCount(4);
  await expect(timeline.locator('.event[data-verdict="verified"]')).toHaveCount(4);
  await shot('07-case-timeline-verified');
  await timeline.locator('.event').nth(1).click();
  await expect(page.getByTestId('event-drawer').getByText('Proof of inclusion')).toBeVisible();
  await shot('08-event-drawer');
  await page.keyboard.press('Escape');

  // Change one byte of the phone extraction on disk, then Verify now.
  const staged = findFile(join(host().dataDir, 'staging'), FILES[1]!.name);
  expect(staged, 'the staged copy of the phone extraction').toBeDefined();
  const bytes = readFileSync(staged!);
  bytes[100] = bytes[100]! ^ 0x01;
  writeFileSync(staged!, bytes);
  await page.getByRole('tab', { name: /Exhibits/ }).click();
  await page.getByTestId('exhibits-table').getByText(FILES[1]!.name).click();
  await page.getByTestId('verify-now').click();
  const exhibitTimeline = page.getByTestId('exhibit-timeline');
  await expect(exhibitTimeline.locator('.event[data-verdict="failed"]').first()).toBeVisible({ timeout: 30_000 });
  await expect(exhibitTimeline).toContainText('local copy re-hashed by Li Wei: MISMATCH');
  await expect(exhibitTimeline).toContainText('the local copy hashes to');
  await expect(exhibitTimeline).toContainText('provider copy re-hashed for Li Wei: matches');
  await expect(page.getByTestId('exhibits-table')).toContainText('Verification failed');
  await shot('09-mismatch');

  // A second officer, set up on this workstation; then Li Wei transfers custody to her.
  await page.getByTestId('lock').click();
  await page.getByRole('button', { name: 'Set up another officer' }).click();
  await createOfficer(page, 'Chen Fang', 'PB-2090', PASS_2, 'Evidence custodian');
  await page.getByTestId('lock').click();
  await page.getByLabel('Officer').click();
  await page.locator('.ant-select-item-option').filter({ hasText: 'Li Wei' }).click();
  await page.getByLabel('Passphrase').fill(PASS_1);
  await page.getByTestId('unlock').click();
  await expect(page.getByTestId('officer')).toContainText('Li Wei', { timeout: 30_000 });
  await page.getByRole('menuitem', { name: 'Cases' }).click();
  await page.getByTestId('cases-table').getByText('CASE-2026-00017').click();
  await page.getByTestId('exhibits-table').getByText(FILES[0]!.name).click();
  await page.getByTestId('transfer').click();
  await page.getByRole('combobox', { name: 'Receiving officer' }).click();
  await page.locator('.ant-select-item-option').filter({ hasText: 'Chen Fang' }).click();
  await page.getByLabel('Purpose').fill('Forensic imaging at the lab');
  await page.getByLabel('Location').fill('Evidence room B');
  await page.getByLabel(/Releasing officer's passphrase/).fill(PASS_1);
  await page.getByLabel("Receiving officer's passphrase").fill(PASS_2);
  await shot('10-transfer');
  await page.getByTestId('transfer-submit').click();
  await expect(page.getByTestId('holder')).toContainText('Chen Fang', { timeout: 30_000 });
  await expect(page.getByTestId('exhibit-timeline')).toContainText('custody: Li Wei → Chen Fang');
  await expect(page.getByTestId('exhibit-timeline').locator('.event').last()).toHaveAttribute('data-verdict', 'verified');
  await shot('11-transferred');

  // 中文: the same case in Chinese.
  await page.getByText('中文').click();
  await expect(page.getByRole('menuitem', { name: '案件' })).toBeVisible();
  await expect(page.getByTestId('exhibit-timeline')).toContainText('保管移交：Li Wei → Chen Fang');
  await shot('12-zh-exhibit');
  await page.getByRole('tab', { name: '案件时间线' }).click();
  await expect(page.getByTestId('case-timeline')).toContainText('已验证');
  await expect(page.getByTestId('case-timeline')).toContainText('验证失败');
  await expect(page.getByTestId('case-timeline')).toContainText('本地副本的哈希为');
  await shot('13-zh-case-timeline');
  await page.getByRole('menuitem', { name: '账本' }).click();
  await expect(page.getByTestId('checkpoints')).toBeVisible();
  await shot('14-zh-ledger');
  await page.getByText('English').click();
  await page.getByRole('menuitem', { name: 'Ledger' }).click();
  await shot('15-ledger');

  // The chain-of-custody report of the case, in both languages.
  await page.getByRole('menuitem', { name: 'Reports' }).click();
  await page.getByText('Both', { exact: true }).click();
  await page.getByTestId('print-report').click();
  await expect(page.getByTestId('report-printed')).toContainText('.pdf', { timeout: 90_000 });
  await shot('16-report');
  // On paper: the browser's print dialog gets the exact PDF the host wrote, from a hidden same-origin frame.
  // Headless Chromium has no print dialog (its page crashes on one): each frame records the call instead.
  const pdfPath = (await page.getByTestId('report-printed').locator('code').first().textContent())!;
  await page.addInitScript(() => {
    window.print = () => {
      (window.top as unknown as { printed?: string[] }).printed = [...((window.top as unknown as { printed?: string[] }).printed ?? []), location.pathname];
    };
  });
  await page.getByTestId('print-paper').click();
  const paper = page.getByTestId('report-paper-frame');
  await expect(paper).toHaveAttribute('src', /^\/documents\/[0-9a-f]{32}\/report\.pdf$/);
  const served = await page.evaluate(async (src) => Array.from(new Uint8Array(await (await fetch(src)).arrayBuffer())), (await paper.getAttribute('src'))!);
  expect(Buffer.from(served).equals(readFileSync(pdfPath))).toBe(true);
  await expect.poll(() => page.evaluate(() => (window as unknown as { printed?: string[] }).printed)).toEqual([await paper.getAttribute('src')]);
  await expect(page.getByTestId('print-paper')).not.toHaveClass(/ant-btn-loading/);
});

// A large drop (issue 5: a phone extraction is thousands of files) stays workable: the intake table shows a page
// of rows at a time (every row holds inputs; thousands at once froze the screen for seconds), the deposit still
// takes every file, and an edit on a later page lands on its own file.
import { test, expect } from './fixtures';
import { createOfficer } from './first-run-steps';
import { usePrivateWebHost } from './ui-host';

const host = usePrivateWebHost();
const COUNT = 250;

test('a drop of 250 files is paged 100 rows at a time and the deposit takes all 250', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(host().url);
  await page.getByTestId('mode-standalone').click();
  await page.getByTestId('mode-continue').click();
  await createOfficer(page, 'Zhao Min', 'PB-5120', 'copper meadow eleven herons');
  await page.getByTestId('new-case').click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Case number').fill('CASE-2026-00250');
  await dialog.getByLabel('Title').fill('Phone extraction, loose files');
  await dialog.getByLabel('Agency').fill('Digital Forensics Unit');
  await page.getByTestId('case-submit').click();
  await expect(page.getByTestId('case-title')).toHaveText('Phone extraction, loose files', { timeout: 30_000 });

  await page.getByTestId('add-evidence').click();
  const dataTransfer = await page.evaluateHandle((n) => {
    const dt = new DataTransfer();
    for (let i = 0; i < n; i++) dt.items.add(new File([`photo ${i} `.repeat(40)], `IMG_${String(i).padStart(4, '0')}.jpg`, { type: 'image/jpeg' }));
    return dt;
  }, COUNT);
  await page.locator('.ant-upload-drag .ant-upload-btn').dispatchEvent('drop', { dataTransfer });
  await expect(page.getByTestId('start-deposit')).toHaveText(`Deposit ${COUNT} exhibit(s)…`, { timeout: 120_000 });
  const rows = page.getByTestId('intake-items').locator('tbody tr.ant-table-row');
  await expect(rows).toHaveCount(100);
  await expect(page.getByText(`${COUNT} files`)).toBeVisible();
  await page.getByText(`${COUNT} files`).scrollIntoViewIfNeeded();
  await page.screenshot({ path: testInfo.outputPath('01-first-page-end.png'), animations: 'disabled' });

  // The last page: 50 rows; a description typed there belongs to that file, and stays after paging away.
  await page.getByRole('listitem', { name: '3' }).click();
  await expect(rows).toHaveCount(COUNT - 200);
  // Typed key by key as fast as it goes: every key stays (a field bound to the saved draft dropped keys typed
  // while the draft was being saved).
  await page.getByLabel('Description of IMG_0249.jpg').pressSequentially('last photo of the extraction');
  await expect(page.getByLabel('Description of IMG_0249.jpg')).toHaveValue('last photo of the extraction');
  await page.getByRole('listitem', { name: '1' }).click();
  await expect(page.getByLabel('Description of IMG_0000.jpg')).toHaveValue('');
  await page.getByRole('listitem', { name: '3' }).click();
  await expect(page.getByLabel('Description of IMG_0249.jpg')).toHaveValue('last photo of the extraction');
  await expect(page.getByTestId('start-deposit')).toBeEnabled();

  // The deposition's review lists all 250, a page at a time too.
  await page.getByTestId('start-deposit').click();
  const wizard = page.getByRole('dialog');
  await expect(wizard.locator('tbody tr.ant-table-row')).toHaveCount(100);
  await expect(wizard.getByText(`${COUNT} files`)).toBeVisible();
  await wizard.getByRole('button', { name: 'Back' }).click();
  await expect(wizard).toBeHidden();
});

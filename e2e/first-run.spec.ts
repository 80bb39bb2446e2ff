// First run as a new user: choose standalone, create an identity with a strong passphrase, lock, unlock, add a
// second officer, switch the UI to Chinese. Screenshots of each step are saved in the test output folder.
import { test, expect } from './fixtures';
import { usePrivateWebHost } from './ui-host';

// This flow starts its own web host; the desktop app runs the same screens through the Electron project's specs.
const host = usePrivateWebHost();
test.describe.configure({ mode: 'serial' });

test('first run: standalone, create identity, lock and unlock, second officer, 中文', async ({ page }, testInfo) => {
  const shot = (name: string) => page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: false, animations: 'disabled' });
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(host().url);

  await expect(page.getByRole('heading', { name: 'Set up this workstation' }).or(page.getByText('Set up this workstation'))).toBeVisible();
  await shot('01-first-run-mode');
  await page.getByTestId('mode-standalone').click();
  await page.getByTestId('mode-continue').click();

  await page.getByLabel('Full name').fill('Li Wei');
  await page.getByLabel('Badge or staff number').fill('PC 4471');
  const pass = page.getByLabel('Passphrase', { exact: true });
  await pass.fill('short');
  await expect(page.getByTestId('passphrase-strength')).toContainText('Too short');
  await pass.fill('harbour lantern violet 1987');
  await expect(page.getByTestId('passphrase-strength')).toContainText(/Good|Strong/);
  await page.getByLabel('Repeat the passphrase').fill('harbour lantern violet 1987');
  await shot('02-first-run-identity');
  await page.getByTestId('identity-create').click();

  await expect(page.getByText('The workstation is ready')).toBeVisible({ timeout: 30_000 });
  await shot('03-first-run-done');
  await page.getByTestId('first-run-done').click();

  // The shell: rail, officer, amber standalone badge, status strip.
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  for (const item of ['Cases', 'Intake', 'Ledger', 'Reports', 'Settings']) {
    await expect(page.getByRole('menuitem', { name: item })).toBeVisible();
  }
  await expect(page.getByTestId('officer')).toContainText('Li Wei');
  await expect(page.getByTestId('officer')).toContainText('PC 4471');
  await expect(page.getByTestId('mode-badge')).toHaveText('Standalone — no independent parties');
  await expect(page.getByTestId('status-strip')).toBeVisible();
  await page.getByRole('menuitem', { name: 'Settings' }).click();
  await expect(page.getByTestId('app-info')).toContainText(host().dataDir);
  await shot('04-settings');

  // Lock, then a wrong passphrase is refused in words, the right one unlocks.
  await page.getByTestId('lock').click();
  await expect(page.getByText('Unlock the workstation')).toBeVisible();
  await page.getByLabel('Passphrase').fill('wrong passphrase here');
  await page.getByTestId('unlock').click();
  await expect(page.getByTestId('unlock-error')).toContainText('passphrase', { timeout: 30_000 });
  await shot('05-unlock-error');
  await page.getByLabel('Passphrase').fill('harbour lantern violet 1987');
  await page.getByTestId('unlock').click();
  await expect(page.getByTestId('officer')).toContainText('Li Wei', { timeout: 30_000 });

  // 中文: every visible string switches, and stays after a reload (the host keeps the setting).
  await page.getByText('中文').click();
  await expect(page.getByRole('menuitem', { name: '案件' })).toBeVisible();
  await expect(page.getByTestId('mode-badge')).toHaveText('单机 — 无独立方');
  await page.reload();
  await expect(page.getByRole('menuitem', { name: '设置' })).toBeVisible();
  await page.getByRole('menuitem', { name: '设置' }).click();
  await shot('06-settings-zh');
  await page.getByText('English').click();
  await expect(page.getByRole('menuitem', { name: 'Cases' })).toBeVisible();
});

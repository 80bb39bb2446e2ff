import { test, expect, skipWithoutShell } from './fixtures';

skipWithoutShell();

test('the app loads, shows the shell and talks to the host through the contract', async ({ app }, testInfo) => {
  await expect(app.getByRole('navigation', { name: 'Main' })).toBeVisible();
  for (const item of ['Cases', 'Intake', 'Ledger', 'Reports', 'Settings']) {
    await expect(app.getByRole('menuitem', { name: item })).toBeVisible();
  }
  // app.info answered: the mode badge and the data folder come from the host.
  await expect(app.getByTestId('mode-badge')).toHaveText('Not set up');
  await expect(app.getByTestId('app-info')).toContainText('Data folder');
  await expect(app.getByRole('status')).toContainText('Connected to the workstation host');
  // The token left the address bar once read.
  if (testInfo.project.name === 'web') expect(new URL(app.url()).hash).toBe('');
  await app.screenshot({ path: testInfo.outputPath('shell.png'), fullPage: true });

  // settings.update round-trips, and the host's onSettingsChanged event updates the page.
  await app.getByText('中文').click();
  await expect(app.getByTestId('language')).toHaveText('zh-CN');
  await app.reload();
  await expect(app.getByTestId('language')).toHaveText('zh-CN');
  await app.getByText('English').click();
  await expect(app.getByTestId('language')).toHaveText('en');
});

test('without the token the page says how to get in, and the host refuses calls', async ({ shell, page, webHostUrl }) => {
  test.skip(shell !== 'web', 'the token guards the web host only');
  const origin = new URL(webHostUrl).origin;
  await page.goto(`${origin}/`);
  await expect(page.getByTestId('host-error')).toContainText('Open the exact address');
  const status = await page.evaluate(async (o) => (await fetch(`${o}/api/app.info`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status, origin);
  expect(status).toBe(401);
});

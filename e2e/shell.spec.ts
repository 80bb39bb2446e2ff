import { test, expect, skipWithoutShell } from './fixtures';

skipWithoutShell();

test('the app loads, asks a new user to set up, and talks to the host through the contract', async ({ app }, testInfo) => {
  // app.info / settings.get / identity.status answered: a fresh data folder means first run.
  await expect(app.getByText('Set up this workstation')).toBeVisible();
  await expect(app.getByTestId('mode-standalone')).toBeVisible();
  // The token left the address bar once read.
  if (testInfo.project.name === 'web') expect(new URL(app.url()).hash).toBe('');
  await app.screenshot({ path: testInfo.outputPath('shell.png'), animations: 'disabled' });

  // settings.update round-trips, and the language is kept by the host across a reload.
  await app.getByText('中文').click();
  await expect(app.getByText('设置此工作站')).toBeVisible();
  await app.reload();
  await expect(app.getByText('设置此工作站')).toBeVisible();
  await app.getByText('English').click();
  await expect(app.getByText('Set up this workstation')).toBeVisible();
});

test('without the token the page says how to get in, and the host refuses calls', async ({ shell, page, webHostUrl }) => {
  test.skip(shell !== 'web', 'the token guards the web host only');
  const origin = new URL(webHostUrl).origin;
  await page.goto(`${origin}/`);
  await expect(page.getByTestId('host-error')).toContainText('Open the exact address');
  const status = await page.evaluate(async (o) => (await fetch(`${o}/api/app.info`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status, origin);
  expect(status).toBe(401);
});

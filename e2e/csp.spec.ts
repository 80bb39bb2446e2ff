// The page runs under its Content-Security-Policy without a single violation: what the UI needs (antd's styles,
// fonts, images) is allowed, and nothing else is.
import { test, expect } from './fixtures';

test.skip(({ shell }) => shell !== 'web', 'the web host serves the same renderer; Electron adds only its own header');

test('the UI loads without Content-Security-Policy violations', async ({ page, webHostUrl }) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  const response = await page.goto(webHostUrl);
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  // The first screen has rendered (antd's styles, fonts, icons); the host's state is shared, so change nothing.
  await expect(page.getByText('中文').first()).toBeVisible();
  await page.waitForLoadState('networkidle');
  expect(violations).toEqual([]);
  // And the policy really is enforced: an inline script does not run.
  const ran = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inline = true';
    document.body.appendChild(s);
    return (window as unknown as { __inline?: boolean }).__inline === true;
  });
  expect(ran).toBe(false);
});

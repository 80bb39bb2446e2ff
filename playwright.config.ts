// End-to-end tests: the same specs against the web host in Chromium (`web`) and against the desktop app
// (`electron`, skipped where no Electron runtime is installed). `npm test` runs them after vitest.
import { defineConfig } from '@playwright/test';
import type { ShellKind } from './e2e/fixtures';
import { existsSync } from 'node:fs';

/** $CHROMIUM_PATH, else Debian's /usr/bin/chromium, else Playwright's own browser (`npx playwright install chromium`). */
function chromiumPath(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return fromEnv;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  return undefined;
}

export default defineConfig<{ shell: ShellKind }>({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './e2e/global-setup.ts',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [['list']],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: { width: 1280, height: 800 },
  },
  projects: [
    {
      name: 'web',
      use: {
        shell: 'web',
        browserName: 'chromium',
        launchOptions: {
          executablePath: chromiumPath(),
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
          ],
        },
      },
    },
    { name: 'electron', use: { shell: 'electron' } },
  ],
});

// One `app` fixture for both projects: in `web` a Chromium page on the web host, in `electron` the desktop app's
// first window. Specs are written once against it, and call `skipWithoutShell()` first so that a project whose
// runtime is missing skips before anything starts.
import { test as base, _electron, type Page } from '@playwright/test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ELECTRON_DIST = join('node_modules', 'electron', 'dist');

export type ShellKind = 'web' | 'electron';

export const test = base.extend<{ shell: ShellKind; app: Page; webHostUrl: string }>({
  shell: ['web', { option: true }],
  // Playwright reads a fixture's dependencies from its destructured first argument; this one has none.
  // eslint-disable-next-line no-empty-pattern
  webHostUrl: async ({}, use) => {
    const url = process.env.WEB_HOST_URL;
    if (!url) throw new Error('WEB_HOST_URL is not set: run the specs through playwright.config.ts (its globalSetup starts the host).');
    await use(url);
  },
  app: async ({ shell, page, webHostUrl }, use) => {
    if (shell === 'web') {
      await page.goto(webHostUrl);
      await use(page);
      return;
    }
    // A fresh data folder, never the user's own.
    const dataDir = mkdtempSync(join(tmpdir(), 'e2e-electron-'));
    const electronApp = await _electron.launch({ args: ['.', `--data=${dataDir}`] });
    await use(await electronApp.firstWindow());
    await electronApp.close();
    rmSync(dataDir, { recursive: true, force: true });
  },
});

/** Skips the file's tests in the `electron` project when no Electron runtime is installed. */
export function skipWithoutShell(): void {
  test.skip(
    ({ shell }) => shell === 'electron' && !existsSync(ELECTRON_DIST),
    `no Electron runtime in ${ELECTRON_DIST} (it is downloaded on first start; offline here)`,
  );
}

export { expect } from '@playwright/test';

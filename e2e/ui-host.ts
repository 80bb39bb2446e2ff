// A private web host for one UI spec file: `evidence serve` on a free port with its own fresh data folder, so each
// flow starts as a new user would, independent of the other spec files. The renderer was built by global-setup.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from './fixtures';

export interface UiHost {
  url: string;
  origin: string;
  dataDir: string;
  /** Stops the host (SIGTERM: it finishes its writes); the data folder is removed unless `keepData`. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/** `dataDir` and `port`: start the same workstation again (a restart keeps the page's origin and its drafts). */
export async function startUiHost(options: { dataDir?: string; port?: number } = {}): Promise<UiHost> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'e2e-ui-'));
  const child: ChildProcess = spawn(process.execPath, ['bin/evidence.mjs', 'serve', '--data', dataDir, '--port', String(options.port ?? 0)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`evidence serve did not print its address in 30 s: ${stderr}`)), 30_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Open: (http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{64})/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`evidence serve exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    origin: new URL(url).origin,
    dataDir,
    async stop(o?: { keepData?: boolean }) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      if (!o?.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * For a spec file of the web project: starts a private host before the file's tests and stops it after, and
 * skips the file in the Electron project (the desktop app runs its own host). Call at the top level; the
 * returned function gives the running host inside a test.
 */
export function usePrivateWebHost(): () => UiHost {
  let host: UiHost | undefined;
  test.beforeAll(async ({ shell }) => {
    if (shell === 'web') host = await startUiHost();
  });
  test.afterAll(async () => {
    await host?.stop();
  });
  test.skip(({ shell }) => shell !== 'web', 'drives a private web host in Chromium');
  return () => {
    if (!host) throw new Error('the private web host is not running: usePrivateWebHost() must be called at the top level of a web spec');
    return host;
  };
}

// Builds the UI and the command line, then starts the web host (`evidence serve`) on a free port with a fresh
// data folder, exactly as a person would, and hands its address (with the token) to the specs through WEB_HOST_URL.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default async function globalSetup(): Promise<() => Promise<void>> {
  execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build'], { stdio: 'pipe' });
  execFileSync(process.execPath, ['bin/build-cli.mjs'], { stdio: 'pipe' });
  const dataDir = mkdtempSync(join(tmpdir(), 'e2e-data-'));
  const child = spawn(process.execPath, ['bin/evidence.mjs', 'serve', '--data', dataDir, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`evidence serve did not print its address in 30 s: ${stderr}`)), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Open: (http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{64})/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`evidence serve exited with ${code}: ${stderr}`)));
  });
  process.env.WEB_HOST_URL = url;
  process.env.WEB_HOST_DATA = dataDir;
  return async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  };
}

// Slow suite (npm run test:slow): a sparse file over 4 GiB against coreutils, and crash-and-resume loops.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resumeBatch, startIntake } from './index';
import { JOURNAL_FILE } from './journal';
import { coreutilsDigests, patternBytes } from '../testing/intake-corpus';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

describe('files over 4 GiB', () => {
  it('hashes a 4 GiB + 4097 byte sparse file exactly as sha256sum and md5sum do', async () => {
    const dir = tempDir('intake-4g-');
    const file = join(dir, 'sparse.img');
    const size = 4 * 2 ** 30 + 4097;
    const fd = openSync(file, 'w');
    try {
      // Data at the start, straddling the 4 GiB (2^32) boundary, and at the very end; holes between.
      writeSync(fd, patternBytes(5000, 'start'), 0, 5000, 0);
      writeSync(fd, patternBytes(8192, 'boundary'), 0, 8192, 2 ** 32 - 4096);
      writeSync(fd, patternBytes(100, 'end'), 0, 100, size - 100);
    } finally {
      closeSync(fd);
    }
    const result = await startIntake({ paths: [file], algorithms: ['md5'] });
    const item = result.items[0];
    expect(item?.error).toBeNull();
    expect(item?.size).toBe(size);
    expect(item?.hashes?.sha256).toBe(execFileSync('sha256sum', [file]).toString().slice(0, 64));
    expect(item?.hashes?.md5).toBe(execFileSync('md5sum', [file]).toString().slice(0, 32));
  });
});

describe('crash mid-batch, then resume', () => {
  const repo = resolve(__dirname, '../..');
  const childSource = (paths: string, batchDir: string): string => `
    import { startIntake } from ${JSON.stringify(join(repo, 'app/intake/index.ts'))};
    await startIntake({ paths: [${JSON.stringify(paths)}], batchDir: ${JSON.stringify(batchDir)}, algorithms: ['sha1'], workers: 2 });
  `;

  for (const killAfter of [3, 40, 120]) {
    it(`SIGKILL after ${killAfter} journaled items: resume finishes with every digest right`, async () => {
      const dir = tempDir('intake-crash-');
      const files: string[] = [];
      for (let i = 0; i < 160; i++) {
        const rel = `f${String(i).padStart(3, '0')}`;
        writeFileSync(join(dir, rel), patternBytes(300 << 10, rel));
        files.push(rel);
      }
      const batchDir = join(tempDir('intake-crash-batch-'), 'b');
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', childSource(dir, batchDir)], { cwd: repo, stdio: 'ignore' });
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      const journaled = (): number => (existsSync(join(batchDir, JOURNAL_FILE)) ? readFileSync(join(batchDir, JOURNAL_FILE), 'utf8').split('\n').length - 2 : 0);
      for (let i = 0; i < 6000 && journaled() < killAfter; i++) await new Promise((r) => setTimeout(r, 5));
      child.kill('SIGKILL');
      await exited;
      const before = journaled();
      expect(before).toBeGreaterThanOrEqual(killAfter);
      expect(before).toBeLessThan(files.length); // it really was killed mid-batch

      const result = await resumeBatch(batchDir);
      const expected256 = coreutilsDigests('sha256sum', dir, files);
      const expected1 = coreutilsDigests('sha1sum', dir, files);
      expect(result.items).toHaveLength(files.length);
      for (const item of result.items) {
        expect(item.error).toBeNull();
        expect(item.hashes?.sha256).toBe(expected256.get(item.relPath as string));
        expect(item.hashes?.sha1).toBe(expected1.get(item.relPath as string));
      }
      expect(result.folders[0]?.fileCount).toBe(files.length);
    });
  }
});

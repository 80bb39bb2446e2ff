import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileAtomic, writeFileAtomic, writeJsonAtomic } from './atomic';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'evidence-atomic-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const enc = (s: string) => new TextEncoder().encode(s);

describe('writeFileAtomic', () => {
  it('creates the file with the exact mode and leaves no temp file', async () => {
    const path = join(dir, 'a');
    const old = process.umask(0o077);
    try {
      await writeFileAtomic(path, enc('one'), { mode: 0o640 });
    } finally {
      process.umask(old);
    }
    expect(readFileSync(path, 'utf8')).toBe('one');
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('without overwrite fails with EEXIST, keeps the old content and cleans up', async () => {
    const path = join(dir, 'b');
    await writeFileAtomic(path, enc('old'), { mode: 0o600 });
    await expect(writeFileAtomic(path, enc('new'), { mode: 0o600 })).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('with overwrite replaces the file', async () => {
    const path = join(dir, 'c');
    await writeFileAtomic(path, enc('old'), { mode: 0o600 });
    await writeFileAtomic(path, enc('new'), { mode: 0o600, overwrite: true });
    expect(readFileSync(path, 'utf8')).toBe('new');
  });

  it('fails cleanly when the directory does not exist', async () => {
    await expect(writeFileAtomic(join(dir, 'missing', 'x'), enc('x'), { mode: 0o600 })).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('createFileAtomic and writeJsonAtomic', () => {
  it('creates once, then reports false and keeps the first content', async () => {
    const path = join(dir, 'once.json');
    expect(await createFileAtomic(path, 'first')).toBe(true);
    expect(await createFileAtomic(path, 'second')).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe('first');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('replaces JSON and creates missing folders durably when asked', async () => {
    const path = join(dir, 'x', 'y', 'v.json');
    await writeFileAtomic(path, '{}', { mode: 0o644, mkdir: true });
    await writeJsonAtomic(path, { a: 1 });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ a: 1 });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});

import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCached } from './audit-bundle';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-bundle-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs a CommonJS bundle and returns its exports. */
const run = (code: string): Record<string, unknown> => {
  const module = { exports: {} as Record<string, unknown> };
  runInNewContext(code, { module, exports: module.exports });
  return module.exports;
};

describe('bundleCached', () => {
  it('bundles every import, reuses the cache while the inputs are unchanged, and rebuilds when one changes', async () => {
    const t = { entry: join(dir, 'entry.ts'), workDir: dir, cacheFile: join(dir, 'cache', 'entry.json') };
    await writeFile(join(dir, 'dep.ts'), 'export const answer: number = 41;\n');
    await writeFile(t.entry, "import { answer } from './dep';\nexport const value = answer + 1;\n");
    const first = await bundleCached(t);
    expect(run(first).value).toBe(42);
    const cached = await stat(t.cacheFile);
    expect(JSON.parse(await readFile(t.cacheFile, 'utf8')).inputs.map((i: [string]) => i[0]).sort()).toEqual([join(dir, 'dep.ts'), t.entry]);

    expect(await bundleCached(t)).toBe(first);
    expect((await stat(t.cacheFile)).mtimeMs).toBe(cached.mtimeMs); // served from the cache, not rewritten

    await writeFile(join(dir, 'dep.ts'), 'export const answer: number = 999;\n');
    expect(run(await bundleCached(t)).value).toBe(1000);
  });

  it('rebuilds over a damaged cache file', async () => {
    const t = { entry: join(dir, 'other.ts'), workDir: dir, cacheFile: join(dir, 'cache', 'other.json') };
    await writeFile(t.entry, 'export const value = 7;\n');
    await bundleCached(t);
    await writeFile(t.cacheFile, '{"format":1,"entry":');
    expect(run(await bundleCached(t)).value).toBe(7);
    expect(JSON.parse(await readFile(t.cacheFile, 'utf8')).format).toBe(1);
  });
});

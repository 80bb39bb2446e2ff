import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { walk, type WalkEntry } from './walk';

const root = mkdtempSync(join(tmpdir(), 'intake-walk-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function collect(paths: Array<string | Buffer>, options: Parameters<typeof walk>[1] = {}): Promise<WalkEntry[]> {
  const out: WalkEntry[] = [];
  for await (const slice of walk(paths, options)) out.push(...slice);
  return out;
}
const rels = (entries: WalkEntry[]): string[] => entries.map((e) => `${e.kind}:${e.rel === null ? '(root)' : e.rel.toString()}`);

describe('walk', () => {
  mkdirSync(join(root, 'tree/b/c'), { recursive: true });
  writeFileSync(join(root, 'tree/b.txt'), 'x');
  writeFileSync(join(root, 'tree/a'), 'x');
  writeFileSync(join(root, 'tree/b/c/deep'), 'xyz');
  writeFileSync(join(root, 'tree/B'), 'x');
  symlinkSync('b', join(root, 'tree/link'));

  it('is depth-first with names sorted by bytes, rel paths relative to the input folder', async () => {
    expect(rels(await collect([join(root, 'tree')]))).toEqual([
      'directory:(root)', 'file:B', 'file:a', 'directory:b', 'directory:b/c', 'file:b/c/deep', 'file:b.txt', 'symlink:link',
    ]);
  });

  it('gives the same rel paths when the input folder has a trailing slash', async () => {
    const entries = await collect([`${join(root, 'tree')}/`]);
    const deep = entries.find((e) => e.rel?.toString() === 'b/c/deep');
    expect(deep?.path.toString()).toBe(join(root, 'tree/b/c/deep'));
  });

  it('reports sizes and inode identity of files, and link targets', async () => {
    const entries = await collect([join(root, 'tree')]);
    const deep = entries.find((e) => e.rel?.toString() === 'b/c/deep');
    expect(deep).toMatchObject({ kind: 'file', size: 3 });
    const link = entries.find((e) => e.kind === 'symlink');
    expect(link?.kind === 'symlink' && link.target.toString()).toBe('b');
  });

  it('follows a link to a folder when asked, and walks a folder only once', async () => {
    const entries = await collect([join(root, 'tree')], { followSymlinks: true });
    expect(rels(entries)).toContain('failed:link');
    expect(entries.find((e) => e.rel?.toString() === 'link')).toMatchObject({ error: { code: 'E_INTAKE_SYMLINK_LOOP' } });
  });

  it('takes a file given directly (rel null) and a missing path as a failed entry, in input order', async () => {
    const entries = await collect([join(root, 'tree/a'), join(root, 'nope')]);
    expect(entries.map((e) => [e.kind, e.rel, e.root])).toEqual([['file', null, 0], ['failed', null, 1]]);
    expect(entries[1]).toMatchObject({ error: { code: 'E_INTAKE_VANISHED' } });
  });

  it('yields in slices and stops on abort', async () => {
    const many = join(root, 'many');
    mkdirSync(many);
    for (let i = 0; i < 50; i++) writeFileSync(join(many, `f${i}`), '');
    const sizes: number[] = [];
    for await (const slice of walk([many], { sliceSize: 16 })) sizes.push(slice.length);
    expect(sizes.reduce((a, b) => a + b)).toBe(51);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(16);
    const ac = new AbortController();
    ac.abort();
    await expect(collect([many], { sliceSize: 16, signal: ac.signal })).rejects.toThrow();
  });
});

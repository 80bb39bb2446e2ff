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

  it('lists files inside folders without a stat; statFiles (and a file given directly) gets size and inode identity', async () => {
    const listed = await collect([join(root, 'tree')]);
    expect(listed.find((e) => e.rel === 'b/c/deep')).toMatchObject({ kind: 'file', stat: null });
    const stated = await collect([join(root, 'tree')], { statFiles: true });
    const deep = stated.find((e) => e.rel === 'b/c/deep');
    expect(deep?.kind === 'file' && deep.stat).toMatchObject({ size: 3, dev: expect.any(BigInt), ino: expect.any(BigInt) });
    const [direct] = await collect([join(root, 'tree/b/c/deep')]);
    expect(direct?.kind === 'file' && direct.stat?.size).toBe(3);
    const link = listed.find((e) => e.kind === 'symlink');
    expect(link?.kind === 'symlink' && link.target).toBe('b');
  });

  it('keeps names that are not UTF-8 as exact byte strings, sorted by bytes', async () => {
    const odd = join(root, 'odd');
    mkdirSync(odd);
    const names = [Buffer.from([0x61, 0xff]), Buffer.from('é', 'utf8'), Buffer.from('b\nc')];
    for (const n of names) writeFileSync(Buffer.concat([Buffer.from(`${odd}/`), n]), 'x');
    const entries = (await collect([Buffer.from(odd)])).filter((e) => e.kind === 'file');
    const expected = [...names].sort(Buffer.compare);
    expect(entries.map((e) => Buffer.from(e.rel as string, 'latin1'))).toEqual(expected);
    expect(entries.map((e) => Buffer.from(e.path, 'latin1').equals(Buffer.concat([Buffer.from(`${odd}/`), Buffer.from(e.rel as string, 'latin1')])))).toEqual([true, true, true]);
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

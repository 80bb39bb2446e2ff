import { mkdtemp, readdir, readFile, rm, truncate, appendFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError } from '../tiles';
import { FsLogDriver, StorageError, writeFileDurable } from './fs';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ledger-fs-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FsLogDriver', () => {
  it('writes and reads tlog-tiles resources, leaving no temp files', async () => {
    const d = new FsLogDriver(join(dir, 'log'));
    await d.put('tile/0/x001/234', Uint8Array.of(1, 2, 3));
    await d.put('checkpoint', Uint8Array.of(9));
    await d.put('checkpoint', Uint8Array.of(10));
    expect(await d.get('tile/0/x001/234')).toEqual(Uint8Array.of(1, 2, 3));
    expect(await d.get('checkpoint')).toEqual(Uint8Array.of(10));
    expect(await readdir(join(dir, 'log'))).toEqual(['checkpoint', 'tile']);
  });
  it('reports a missing resource as NotFoundError', async () => {
    const d = new FsLogDriver(join(dir, 'log'));
    await expect(d.get('tile/0/000')).rejects.toThrow(NotFoundError);
    await d.put('tile/0/000', Uint8Array.of(1));
    await expect(d.get('tile/0/000/001')).rejects.toThrow(NotFoundError);
  });
  it.each(['../x', '/etc/passwd', 'tile/../../x', '.tmp-1', 'tile/.hidden', ''])('refuses path %j', async (p) => {
    const d = new FsLogDriver(join(dir, 'log'));
    await expect(d.put(p, Uint8Array.of(1))).rejects.toThrow(StorageError);
  });
  it('deletes the partial versions of a tile', async () => {
    const d = new FsLogDriver(join(dir, 'log'));
    await d.put('tile/0/000.p/1', Uint8Array.of(1));
    await d.put('tile/0/000.p/2', Uint8Array.of(1));
    await d.put('tile/0/000', Uint8Array.of(1));
    await d.deletePartials('tile/0/000');
    expect(await readdir(join(dir, 'log/tile/0'))).toEqual(['000']);
    await d.deletePartials('tile/0/001'); // nothing to delete is fine
  });
  it('has no journal when opened read-only', async () => {
    await expect(new FsLogDriver(dir).journal()).rejects.toThrow(/read-only/);
  });
});

describe('journal', () => {
  it('appends, reads back, and rewrites', async () => {
    const d = new FsLogDriver(join(dir, 'log'), join(dir, 'journal'));
    const j = await d.journal();
    await j.append([Uint8Array.of(1), Uint8Array.of(2, 2)]);
    await j.append([new Uint8Array(0)]);
    expect(await j.readAll()).toEqual([Uint8Array.of(1), Uint8Array.of(2, 2), new Uint8Array(0)]);
    await j.rewrite([Uint8Array.of(7)]);
    await j.append([Uint8Array.of(8)]);
    expect(await j.readAll()).toEqual([Uint8Array.of(7), Uint8Array.of(8)]);
    await d.close();
    expect((await stat(join(dir, 'journal'))).mode & 0o777).toBe(0o600);
  });
  it('drops a torn tail and keeps appending after the intact prefix', async () => {
    const d = new FsLogDriver(join(dir, 'log'), join(dir, 'journal'));
    const j = await d.journal();
    await j.append([Uint8Array.of(1, 1, 1), Uint8Array.of(2, 2, 2)]);
    await d.close();
    const size = (await readFile(join(dir, 'journal'))).length;
    await truncate(join(dir, 'journal'), size - 1);
    expect(await j.readAll()).toEqual([Uint8Array.of(1, 1, 1)]);
    await j.append([Uint8Array.of(3)]);
    expect(await j.readAll()).toEqual([Uint8Array.of(1, 1, 1), Uint8Array.of(3)]);
    await d.close();
  });
  it('drops a corrupted tail record (checksum)', async () => {
    const d = new FsLogDriver(join(dir, 'log'), join(dir, 'journal'));
    const j = await d.journal();
    await j.append([Uint8Array.of(1)]);
    await d.close();
    await appendFile(join(dir, 'journal'), Buffer.from([0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5]));
    expect(await j.readAll()).toEqual([Uint8Array.of(1)]);
  });
});

describe('writeFileDurable', () => {
  it('creates nested directories and the file with the given mode', async () => {
    await writeFileDurable(join(dir, 'a/b/c/key'), Uint8Array.of(1), 0o600);
    expect((await stat(join(dir, 'a/b/c/key'))).mode & 0o777).toBe(0o600);
  });
});

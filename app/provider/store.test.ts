import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IntegrityError, ObjectNotFoundError, QuotaExceededError, StoreFullError, StorePermissionError } from './errors';
import { ObjectStore } from './store';
import { mountTmpfs, tmpfsUnavailable, unmountAll } from '../testing/tmpfs';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

function listTree(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listTree(p).map((x) => `${e.name}/${x}`));
    else out.push(e.name);
  }
  return out;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'store-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('ObjectStore', () => {
  it('stores an object under objects/ab/cdef…, read-only, and reads it back verified', async () => {
    const store = await ObjectStore.open(dir);
    const data = Buffer.from('exhibit bytes\n');
    const r = await store.putStream(Readable.from([data]), { sha256: sha(data), size: data.length });
    expect(r).toEqual({ sha256: sha(data), size: data.length, deduplicated: false });
    const p = join(dir, 'objects', r.sha256.slice(0, 2), r.sha256.slice(2));
    expect(store.pathOf(r.sha256)).toBe(p);
    expect(statSync(p).mode & 0o777).toBe(0o444);
    expect(await store.stat(r.sha256)).toEqual({ sha256: r.sha256, size: data.length });
    const { stream, size } = await store.openVerified(r.sha256);
    expect(size).toBe(data.length);
    expect(await readAll(stream)).toEqual(data);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    expect(store.usedBytes).toBe(data.length);
  });

  it('de-duplicates identical content and never replaces the stored file', async () => {
    const store = await ObjectStore.open(dir);
    const data = Buffer.alloc(100_000, 7);
    const a = await store.putStream(Readable.from([data]));
    const ino = statSync(store.pathOf(a.sha256)).ino;
    const b = await store.putStream(Readable.from([data.subarray(0, 50_000), data.subarray(50_000)]));
    expect(b).toEqual({ sha256: a.sha256, size: data.length, deduplicated: true });
    expect(statSync(store.pathOf(a.sha256)).ino).toBe(ino);
    expect(listTree(join(dir, 'objects'))).toHaveLength(1);
    expect(store.usedBytes).toBe(data.length);
  });

  it.each([
    ['a wrong hash', (d: Buffer) => ({ sha256: sha('other'), size: d.length })],
    ['a short size', (d: Buffer) => ({ sha256: sha(d), size: d.length - 1 })],
    ['a long size', (d: Buffer) => ({ sha256: sha(d), size: d.length + 1 })],
  ])('rejects bytes that do not match %s and keeps nothing', async (_name, expected) => {
    const store = await ObjectStore.open(dir);
    const data = Buffer.from('the real bytes');
    await expect(store.putStream(Readable.from([data]), expected(data))).rejects.toBeInstanceOf(IntegrityError);
    expect(listTree(join(dir, 'objects'))).toEqual([]);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    expect(store.usedBytes).toBe(0);
  });

  it('enforces the quota with a 507 QuotaExceededError and keeps nothing', async () => {
    const store = await ObjectStore.open(dir, { quotaBytes: 1000 });
    await store.putStream(Readable.from([Buffer.alloc(600, 1)]));
    const err = await store.putStream(Readable.from([Buffer.alloc(600, 2)])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QuotaExceededError);
    expect((err as QuotaExceededError).status).toBe(507);
    expect((err as QuotaExceededError).message).toMatch(/quota of 1000 bytes/);
    const undeclared = await store
      .putStream(Readable.from([Buffer.alloc(300, 3), Buffer.alloc(300, 3)]))
      .catch((e: unknown) => e);
    expect(undeclared).toBeInstanceOf(QuotaExceededError);
    expect(listTree(join(dir, 'objects'))).toHaveLength(1);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    // The usage survives a reopen.
    expect((await ObjectStore.open(dir, { quotaBytes: 1000 })).usedBytes).toBe(600);
  });

  it('adopts a finished upload file only when it matches the declared hash and size', async () => {
    const store = await ObjectStore.open(dir);
    mkdirSync(join(dir, 'staging'));
    const f = join(dir, 'staging', 'u1');
    writeFileSync(f, 'uploaded');
    await expect(store.adoptFile(f, { sha256: sha('uploadeD'), size: 8 })).rejects.toBeInstanceOf(IntegrityError);
    expect(listTree(join(dir, 'objects'))).toEqual([]);
    const r = await store.adoptFile(f, { sha256: sha('uploaded'), size: 8 });
    expect(r.deduplicated).toBe(false);
    expect(readdirSync(join(dir, 'staging'))).toEqual([]);
    expect(statSync(store.pathOf(r.sha256)).mode & 0o777).toBe(0o444);
  });

  it('detects a damaged object when reading it and when re-verifying it', async () => {
    const store = await ObjectStore.open(dir);
    const data = Buffer.alloc(3 << 20, 9);
    const r = await store.putStream(Readable.from([data]));
    expect((await store.verify(r.sha256)).match).toBe(true);
    const p = store.pathOf(r.sha256);
    chmodSync(p, 0o644);
    const damaged = Buffer.from(data);
    damaged[1 << 20] = 0;
    writeFileSync(p, damaged);
    const v = await store.verify(r.sha256);
    expect(v.match).toBe(false);
    expect(v.observed.sha256).toBe(sha(damaged));
    const { stream } = await store.openVerified(r.sha256);
    await expect(readAll(stream)).rejects.toBeInstanceOf(IntegrityError);
    await expect(store.openVerified(sha('absent'))).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('removes leftovers of interrupted writes when it opens', async () => {
    await ObjectStore.open(dir);
    writeFileSync(join(dir, 'tmp', 'put-partial'), 'half');
    await ObjectStore.open(dir);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
  });
});

// Real disk-full and permission failures need a small file system of their own: a tmpfs mount (root only).
describe.skipIf(tmpfsUnavailable !== undefined)(`ObjectStore on a real small file system${tmpfsUnavailable ? ` (skipped: ${tmpfsUnavailable})` : ''}`, () => {
  afterAll(unmountAll);

  it('reports a full disk as a 507 StoreFullError and leaves no partial object', async () => {
    const m = mountTmpfs('1m');
    const store = await ObjectStore.open(m);
    const err = await store.putStream(Readable.from([Buffer.alloc(2 << 20, 5)])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreFullError);
    expect((err as StoreFullError).status).toBe(507);
    expect((err as StoreFullError).code).toBe('STORE_FULL');
    expect(listTree(join(m, 'objects'))).toEqual([]);
    expect(readdirSync(join(m, 'tmp'))).toEqual([]);
    // The store still works for what fits.
    expect((await store.putStream(Readable.from([Buffer.from('small')]))).size).toBe(5);
  });

  it('reports a read-only store as a StorePermissionError', async () => {
    const m = mountTmpfs('1m');
    const store = await ObjectStore.open(m);
    execFileSync('mount', ['-o', 'remount,ro', m]);
    const err = await store.putStream(Readable.from([Buffer.from('x')])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorePermissionError);
    expect((err as StorePermissionError).message).toMatch(/EROFS/);
  });
});

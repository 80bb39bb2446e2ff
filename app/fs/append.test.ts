import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppendFile, wholeLines } from './append';
import { StorageFullError, StorageIoError } from './errors';
import { writeFileAtomic } from './atomic';
import { injectFaults, type InjectedFaults } from '../testing/faulty-io';
import { mountTmpfs, resizeTmpfs, tmpfsUnavailable, unmountAll } from '../testing/tmpfs';

let dir: string;
let n = 0;
let faults: InjectedFaults | undefined;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'evidence-append-'));
});
afterEach(() => {
  faults?.restore();
  faults = undefined;
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  unmountAll();
});
const line = (s: string) => Buffer.from(`${s}\n`);
const fresh = () => join(dir, `f${++n}`, 'journal');

describe('AppendFile', () => {
  it('appends whole records and reopens with exactly them', async () => {
    const path = fresh();
    const { file } = await AppendFile.open(path, { intact: wholeLines });
    await file.append(line('one'));
    await file.append(line('two'));
    await file.close();
    const again = await AppendFile.open(path, { intact: wholeLines });
    expect(again.bytes.toString()).toBe('one\ntwo\n');
    await again.file.close();
  });

  it('cuts a torn tail at open, keeps the cut bytes beside the file, and appends after the intact prefix', async () => {
    const path = fresh();
    await writeFileAtomic(path, 'one\ntw', { mode: 0o600, overwrite: true, mkdir: true });
    const { file, bytes } = await AppendFile.open(path, { intact: wholeLines });
    expect(bytes.toString()).toBe('one\n');
    await file.append(line('three'));
    await file.close();
    expect(readFileSync(path, 'utf8')).toBe('one\nthree\n');
    const torn = readdirSync(join(path, '..')).filter((f) => f.startsWith('journal.torn-'));
    expect(torn.map((f) => readFileSync(join(path, '..', f), 'utf8'))).toEqual(['tw']);
  });

  it('completes a short write instead of acknowledging part of the record', async () => {
    const path = fresh();
    faults = injectFaults({ path: /journal$/, shortWriteAt: 1 });
    const { file } = await AppendFile.open(path, { intact: wholeLines });
    await file.append(line('a-long-record'));
    expect(faults.injected).toBe(1);
    await file.close();
    expect(readFileSync(path, 'utf8')).toBe('a-long-record\n');
  });

  it.each([
    ['a write failing with EIO half-way', { failWriteAt: 2, errno: 'EIO' as const }, StorageIoError],
    ['a write failing with ENOSPC half-way', { failWriteAt: 2, errno: 'ENOSPC' as const }, StorageFullError],
    ['a failed fdatasync', { failSyncAt: 2, errno: 'EIO' as const }, StorageIoError],
    ['EDQUOT', { failWriteAt: 2, errno: 'EDQUOT' as const }, StorageFullError],
  ])('after %s: rejects with the named fault, keeps every acknowledged record, and appends again', async (_name, plan, named) => {
    const path = fresh();
    faults = injectFaults({ path: /journal$/, ...plan });
    const { file } = await AppendFile.open(path, { intact: wholeLines });
    await file.append(line('first'));
    await expect(file.append(line('second-not-acknowledged'))).rejects.toBeInstanceOf(named);
    expect(readFileSync(path, 'utf8')).toBe('first\n'); // the torn attempt is cut at once
    await file.append(line('third'));
    await file.close();
    expect(readFileSync(path, 'utf8')).toBe('first\nthird\n');
  });

  it('when even the cut fails, cuts before the next append once the fault clears', async () => {
    const path = fresh();
    faults = injectFaults({ path: /journal$/, failAllFrom: 2, errno: 'EIO' });
    const { file } = await AppendFile.open(path, { intact: wholeLines });
    await file.append(line('first'));
    await expect(file.append(line('torn'))).rejects.toBeInstanceOf(StorageIoError);
    await expect(file.append(line('torn-again'))).rejects.toBeInstanceOf(StorageIoError);
    faults.heal();
    await file.append(line('after'));
    await file.close();
    expect(readFileSync(path, 'utf8')).toBe('first\nafter\n');
  });

  it('replace() swaps the whole file and appends continue after it', async () => {
    const path = fresh();
    const { file } = await AppendFile.open(path, { intact: wholeLines });
    await file.append(line('old'));
    await file.replace(line('new'));
    await file.append(line('next'));
    await file.close();
    expect(readFileSync(path, 'utf8')).toBe('new\nnext\n');
  });
});

describe.skipIf(tmpfsUnavailable !== undefined)(`AppendFile on a full tmpfs${tmpfsUnavailable ? ` (skipped: ${tmpfsUnavailable})` : ''}`, () => {
  it('refuses with StorageFullError, keeps what was acknowledged, and appends again once space is freed', async () => {
    const m = mountTmpfs('64k');
    const path = join(m, 'journal');
    const { file } = await AppendFile.open(path, { intact: wholeLines });
    const record = Buffer.alloc(5012, 0x61);
    record[record.length - 1] = 0x0a;
    let acknowledged = 0;
    let err: unknown;
    for (let i = 0; i < 100 && err === undefined; i++) {
      await file.append(record).then(() => acknowledged++, (e: unknown) => (err = e));
    }
    expect(err).toBeInstanceOf(StorageFullError);
    expect(acknowledged).toBeGreaterThan(0);
    expect(readFileSync(path).length).toBe(acknowledged * record.length);
    resizeTmpfs(m, '256k');
    await file.append(record);
    await file.close();
    const reopened = await AppendFile.open(path, { intact: wholeLines });
    expect(reopened.bytes.length).toBe((acknowledged + 1) * record.length);
    await reopened.file.close();
    writeFileSync(join(m, 'ok'), 'space is back');
  });
});

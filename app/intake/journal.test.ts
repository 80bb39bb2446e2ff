import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IntakeBatchExistsError, IntakeJournalError } from './errors';
import { JOURNAL_FILE, JournalWriter, readJournal, type JournalHeader } from './journal';
import { StorageFullError } from '../fs/errors';
import { injectFaults } from '../testing/faulty-io';

const base = mkdtempSync(join(tmpdir(), 'intake-journal-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const batchDir = (): string => join(base, `b${n++}`);
const header: JournalHeader = { t: 'batch', v: 1, batchId: 'id', startedAt: '2026-01-01T00:00:00.000Z', paths: ['L3RtcA=='], algorithms: ['sha256'], followSymlinks: false };

describe('batch journal', () => {
  it('writes the header at once and group-commits appended records', async () => {
    const dir = batchDir();
    const w = await JournalWriter.create(dir, header);
    expect(readJournal(dir)).toEqual({ header, items: [], done: false });
    for (let i = 0; i < 50; i++) w.append({ t: 'item', item: { index: i } });
    await w.flush();
    expect(readJournal(dir).items).toHaveLength(50);
    w.append({ t: 'done' });
    await w.close();
    expect(readJournal(dir).done).toBe(true);
    expect(() => w.append({ t: 'done' })).toThrow(IntakeJournalError);
  });

  it('refuses a folder that already holds a journal', async () => {
    const dir = batchDir();
    await (await JournalWriter.create(dir, header)).close();
    await expect(JournalWriter.create(dir, header)).rejects.toThrow(IntakeBatchExistsError);
  });

  it('drops a torn last line on reading and cuts it off on reopening', async () => {
    const dir = batchDir();
    await (await JournalWriter.create(dir, header)).close();
    writeFileSync(join(dir, JOURNAL_FILE), `${JSON.stringify(header)}\n{"t":"item","item":{"index":0}}\n{"t":"it`);
    expect(readJournal(dir).items).toHaveLength(1);
    const w = await JournalWriter.reopen(dir);
    w.append({ t: 'item', item: { index: 1 } });
    await w.close();
    expect(readJournal(dir).items).toEqual([{ index: 0 }, { index: 1 }]);
  });

  it.each([
    ['a bad line before the end', `${JSON.stringify(header)}\n{oops\n{"t":"done"}\n`, /line 2 is not JSON/],
    ['no header', '{"t":"done"}\n', /batch header/],
    ['an unknown record', `${JSON.stringify(header)}\n{"t":"mystery"}\n`, /unknown record/],
  ])('rejects a journal with %s', async (_label, text, message) => {
    const dir = batchDir();
    await (await JournalWriter.create(dir, header)).close();
    writeFileSync(join(dir, JOURNAL_FILE), text);
    expect(() => readJournal(dir)).toThrow(message);
  });

  it('a full disk fails the batch with a journal error naming it, and keeps every record flushed before', async () => {
    const dir = batchDir();
    const faults = injectFaults({ path: /intake\.journal$/, failWriteAt: 3, errno: 'ENOSPC' });
    try {
      const w = await JournalWriter.create(dir, header);
      w.append({ t: 'item', item: { index: 0 } });
      await w.flush();
      w.append({ t: 'item', item: { index: 1 } });
      const err = await w.flush().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IntakeJournalError);
      expect((err as Error).cause).toBeInstanceOf(StorageFullError);
      expect((err as Error).message).toMatch(/disk is full \(ENOSPC\)/);
      await w.close().catch(() => undefined);
    } finally {
      faults.restore();
    }
    expect(readJournal(dir).items).toEqual([{ index: 0 }]);
  });
});

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IntakeBatchExistsError, IntakeJournalError } from './errors';
import { JOURNAL_FILE, JournalWriter, readJournal, writeFileDurably, type JournalHeader } from './journal';

const base = mkdtempSync(join(tmpdir(), 'intake-journal-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const batchDir = (): string => join(base, `b${n++}`);
const header: JournalHeader = { t: 'batch', v: 1, batchId: 'id', startedAt: '2026-01-01T00:00:00.000Z', paths: ['L3RtcA=='], algorithms: ['sha256'], followSymlinks: false };

describe('batch journal', () => {
  it('writes the header at once and group-commits appended records', async () => {
    const dir = batchDir();
    const w = JournalWriter.create(dir, header);
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
    await JournalWriter.create(dir, header).close();
    expect(() => JournalWriter.create(dir, header)).toThrow(IntakeBatchExistsError);
  });

  it('drops a torn last line on reading and cuts it off on reopening', async () => {
    const dir = batchDir();
    await JournalWriter.create(dir, header).close();
    writeFileSync(join(dir, JOURNAL_FILE), `${JSON.stringify(header)}\n{"t":"item","item":{"index":0}}\n{"t":"it`);
    expect(readJournal(dir).items).toHaveLength(1);
    const w = JournalWriter.reopen(dir);
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
    await JournalWriter.create(dir, header).close();
    writeFileSync(join(dir, JOURNAL_FILE), text);
    expect(() => readJournal(dir)).toThrow(message);
  });

  it('writeFileDurably replaces a file whole and leaves no temp file', async () => {
    const dir = batchDir();
    await JournalWriter.create(dir, header).close();
    writeFileDurably(dir, 'result.json', '{"a":1}');
    writeFileDurably(dir, 'result.json', '{"a":2}');
    expect(readFileSync(join(dir, 'result.json'), 'utf8')).toBe('{"a":2}');
    expect(existsSync(join(dir, `.result.json.${process.pid}.tmp`))).toBe(false);
  });
});

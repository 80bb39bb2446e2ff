// The batch journal makes a batch recoverable: a crash mid-batch loses at most the files in flight.
// `<batchDir>/intake.journal` is JSON lines, append-only:
//   {"t":"batch","v":1,...}   header: batch id, input paths (base64 bytes), algorithms, followSymlinks
//   {"t":"item","item":{...}} one per finished item (IntakeItem), in completion order
//   {"t":"done"}              after result.json was written
// Durability: the header is written and fsynced (and the folder fsynced) before any work; finished items are
// group-committed — appended then fdatasync'ed, and items finishing during a sync go in the next one — so the
// journal trails the workers by at most one sync. A torn last line (crash mid-append) is ignored on reading and
// cut off when the journal is reopened; appends go through app/fs/append.ts (whole, or cut back and rejected).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppendFile, wholeLines } from '../fs/append';
import { IntakeBatchExistsError, IntakeJournalError } from './errors';
import type { Algorithm, IntakeItem } from './types';

export const JOURNAL_FILE = 'intake.journal';
export const RESULT_FILE = 'result.json';

export interface JournalHeader {
  t: 'batch';
  v: 1;
  batchId: string;
  startedAt: string;
  paths: string[]; // base64 of each input path's bytes
  algorithms: Algorithm[];
  followSymlinks: boolean;
}

export interface JournalContents {
  header: JournalHeader;
  items: IntakeItem[];
  done: boolean;
}

export class JournalWriter {
  private queue: string[] = [];
  private syncing: Promise<void> | null = null;
  private failure: Error | null = null;
  private closed = false;

  private constructor(private readonly file: AppendFile) {}

  /** Starts a new journal in `batchDir` (created if missing); fails if one is already there. */
  static async create(batchDir: string, header: JournalHeader): Promise<JournalWriter> {
    const path = join(batchDir, JOURNAL_FILE);
    if (existsSync(path)) throw new IntakeBatchExistsError(`batch folder ${JSON.stringify(batchDir)} already holds a journal; resume it with resumeBatch or give an empty folder`);
    const w = new JournalWriter(await JournalWriter.open(path));
    w.append(header);
    await w.flush();
    return w;
  }

  /** Re-opens an existing journal for appending (resumeBatch), first cutting off a torn last line. */
  static async reopen(batchDir: string): Promise<JournalWriter> {
    return new JournalWriter(await JournalWriter.open(join(batchDir, JOURNAL_FILE)));
  }

  private static async open(path: string): Promise<AppendFile> {
    try {
      return (await AppendFile.open(path, { intact: wholeLines })).file;
    } catch (err) {
      throw new IntakeJournalError(`cannot open the batch journal ${JSON.stringify(path)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  /** Queues a line; it is durable once a later `flush()` resolves (group commit runs in the background). */
  append(record: object): void {
    if (this.closed) throw new IntakeJournalError('journal is closed');
    this.queue.push(`${JSON.stringify(record)}\n`);
    this.syncing ??= this.drain();
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0 && this.failure === null) {
        const data = Buffer.from(this.queue.join(''), 'utf8');
        this.queue = [];
        await this.file.append(data); // whole and fdatasynced, or cut back and rejected (app/fs/append.ts)
      }
    } catch (err) {
      this.failure = new IntakeJournalError(`cannot write the batch journal: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    } finally {
      this.syncing = null;
    }
  }

  /** Resolves when every appended line is on disk; rejects if a write failed. */
  async flush(): Promise<void> {
    while (this.syncing) await this.syncing;
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      if (!this.closed) {
        this.closed = true;
        await this.file.close();
      }
    }
  }
}

/** Reads a journal; a torn final line is dropped, any other bad line is an error. */
export function readJournal(batchDir: string): JournalContents {
  const path = join(batchDir, JOURNAL_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new IntakeJournalError(`cannot read batch journal ${JSON.stringify(path)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const lines = text.split('\n');
  lines.pop(); // after the last LF: empty, or a torn line from a crash mid-append
  const records = lines.map((line, i) => {
    try {
      return JSON.parse(line) as { t?: unknown; item?: IntakeItem };
    } catch (err) {
      throw new IntakeJournalError(`batch journal ${JSON.stringify(path)} line ${i + 1} is not JSON; the journal is corrupt`, { cause: err });
    }
  });
  const header = records[0] as JournalHeader | undefined;
  if (!header || header.t !== 'batch' || header.v !== 1) {
    throw new IntakeJournalError(`batch journal ${JSON.stringify(path)} does not start with a version 1 batch header`);
  }
  const items: IntakeItem[] = [];
  let done = false;
  for (const r of records.slice(1)) {
    if (r.t === 'item' && r.item) items.push(r.item);
    else if (r.t === 'done') done = true;
    else throw new IntakeJournalError(`batch journal ${JSON.stringify(path)} has an unknown record ${JSON.stringify(r).slice(0, 80)}`);
  }
  return { header, items, done };
}

// The batch journal makes a batch recoverable: a crash mid-batch loses at most the files in flight.
// `<batchDir>/intake.journal` is JSON lines, append-only:
//   {"t":"batch","v":1,...}   header: batch id, input paths (base64 bytes), algorithms, followSymlinks
//   {"t":"item","item":{...}} one per finished item (IntakeItem), in completion order
//   {"t":"done"}              after result.json was written
// Durability: the header is written and fsynced (and the folder fsynced) before any work; finished items are
// group-committed — appended then fdatasync'ed, and items finishing during a sync go in the next one — so the
// journal trails the workers by at most one sync. A torn last line (crash mid-append) is ignored on reading.
import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { fdatasync, write } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { IntakeBatchExistsError, IntakeJournalError } from './errors';
import type { Algorithm, IntakeItem } from './types';

export const JOURNAL_FILE = 'intake.journal';
export const RESULT_FILE = 'result.json';

const writeAsync = promisify(write);
const fdatasyncAsync = promisify(fdatasync);

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

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes `bytes` to `dir/name` durably: temp file → fsync → rename → fsync folder. */
export function writeFileDurably(dir: string, name: string, bytes: Uint8Array | string): void {
  const tmp = join(dir, `.${name}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, name));
  fsyncDir(dir);
}

export class JournalWriter {
  private readonly fd: number;
  private queue: string[] = [];
  private syncing: Promise<void> | null = null;
  private failure: Error | null = null;
  private closed = false;

  private constructor(fd: number) {
    this.fd = fd;
  }

  /** Starts a new journal in `batchDir` (created if missing); fails if one is already there. */
  static create(batchDir: string, header: JournalHeader): JournalWriter {
    mkdirSync(batchDir, { recursive: true });
    const path = join(batchDir, JOURNAL_FILE);
    if (existsSync(path)) throw new IntakeBatchExistsError(`batch folder ${JSON.stringify(batchDir)} already holds a journal; resume it with resumeBatch or give an empty folder`);
    const fd = openSync(path, 'wx');
    writeSync(fd, `${JSON.stringify(header)}\n`);
    fsyncSync(fd);
    fsyncDir(batchDir);
    return new JournalWriter(fd);
  }

  /** Re-opens an existing journal for appending (resumeBatch), first cutting off a torn last line. */
  static reopen(batchDir: string): JournalWriter {
    const path = join(batchDir, JOURNAL_FILE);
    const bytes = readFileSync(path);
    const end = bytes.lastIndexOf(0x0a) + 1;
    const fd = openSync(path, 'r+');
    try {
      if (end < bytes.length) {
        ftruncateSync(fd, end);
        fsyncSync(fd);
      }
    } catch (err) {
      closeSync(fd);
      throw new IntakeJournalError(`cannot repair the torn end of batch journal ${JSON.stringify(path)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    closeSync(fd);
    return new JournalWriter(openSync(path, 'a'));
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
        let off = 0;
        while (off < data.length) off += (await writeAsync(this.fd, data, off, data.length - off, null)).bytesWritten;
        await fdatasyncAsync(this.fd);
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
        closeSync(this.fd);
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

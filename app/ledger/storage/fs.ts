// Local-files storage driver. The public folder is exactly the C2SP tlog-tiles layout (checkpoint, tile/…), so
// any static HTTP server can serve it as-is. Every write is temp → fsync → rename → fsync(dir); a new
// directory is fsynced into its parent too, so a crash never leaves a renamed file that is not durable.
import { readFile, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { dirname, relative, resolve, sep } from 'node:path';
import { NotFoundError } from '../tiles';
import type { Journal, LogDriver } from './driver';
import { fsyncDir, writeFileAtomic } from '../../fs/atomic';
import { AppendFile } from '../../fs/append';
import { EvidenceError } from '../../common/errors';

export class StorageError extends EvidenceError<'LEDGER_STORAGE'> {
  override name = 'StorageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('LEDGER_STORAGE', message, options);
  }
}

/** Writes `data` to `path` durably and atomically (temp → fsync → rename → fsync dir), creating folders. */
export async function writeFileDurable(path: string, data: Uint8Array, mode = 0o644): Promise<void> {
  await writeFileAtomic(path, data, { mode, overwrite: true, mkdir: true });
}

// Journal frame: u32 BE payload length ‖ SHA-256(payload)[:8] ‖ payload. The checksum finds a torn tail.
const FRAME_HEADER = 12;
const MAX_RECORD = 1 << 24;

function frame(records: readonly Uint8Array[]): Buffer {
  const parts: Buffer[] = [];
  for (const r of records) {
    if (r.length > MAX_RECORD) throw new StorageError(`journal record of ${r.length} bytes exceeds ${MAX_RECORD}`);
    const h = Buffer.alloc(FRAME_HEADER);
    h.writeUInt32BE(r.length, 0);
    createHash('sha256').update(r).digest().copy(h, 4, 0, 8);
    parts.push(h, Buffer.from(r.buffer, r.byteOffset, r.length));
  }
  return Buffer.concat(parts);
}

function unframe(buf: Buffer): { records: Uint8Array[]; intactBytes: number } {
  const records: Uint8Array[] = [];
  let p = 0;
  while (p + FRAME_HEADER <= buf.length) {
    const len = buf.readUInt32BE(p);
    if (len > MAX_RECORD || p + FRAME_HEADER + len > buf.length) break;
    const payload = buf.subarray(p + FRAME_HEADER, p + FRAME_HEADER + len);
    if (!createHash('sha256').update(payload).digest().subarray(0, 8).equals(buf.subarray(p + 4, p + 12))) break;
    records.push(new Uint8Array(payload));
    p += FRAME_HEADER + len;
  }
  return { records, intactBytes: p };
}

class FsJournal implements Journal {
  private file: AppendFile | undefined;
  constructor(private readonly path: string) {}

  async append(records: readonly Uint8Array[]): Promise<void> {
    if (records.length === 0) return;
    if (!this.file) await this.readAll();
    await this.file!.append(frame(records)); // whole, fdatasynced, or cut back and rejected (app/fs/append.ts)
  }

  async readAll(): Promise<Uint8Array[]> {
    await this.close();
    // A torn tail from a crash mid-append was never acknowledged: it is cut off so later appends follow the
    // intact prefix.
    const { file, bytes } = await AppendFile.open(this.path, { intact: (b) => unframe(b).intactBytes });
    this.file = file;
    return unframe(bytes).records;
  }

  async rewrite(records: readonly Uint8Array[]): Promise<void> {
    if (!this.file) await this.readAll();
    await this.file!.replace(frame(records));
  }

  async close(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    await file?.close();
  }
}

/**
 * Files under `root`: the public log in `root` itself (checkpoint, tile/...) and the journal at `journalPath`
 * (keep it outside the served folder).
 */
export class FsLogDriver implements LogDriver {
  readonly root: string;
  private readonly journalFile: FsJournal | undefined;

  constructor(root: string, journalPath?: string) {
    this.root = resolve(root);
    this.journalFile = journalPath === undefined ? undefined : new FsJournal(resolve(journalPath));
  }

  private file(path: string): string {
    const full = resolve(this.root, path);
    const rel = relative(this.root, full);
    if (rel === '' || rel.startsWith('..') || rel.split(sep).some((s) => s.startsWith('.'))) {
      throw new StorageError(`path ${JSON.stringify(path)} escapes the log folder or names a hidden file`);
    }
    return full;
  }

  async get(path: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await readFile(this.file(path)));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') throw new NotFoundError(`${path} not found in ${this.root}`, { cause: err });
      throw err;
    }
  }

  async put(path: string, data: Uint8Array): Promise<void> {
    await writeFileDurable(this.file(path), data);
  }

  async deletePartials(fullPath: string): Promise<void> {
    const dir = this.file(`${fullPath}.p`);
    await rm(dir, { recursive: true, force: true });
    await fsyncDir(dirname(dir));
  }

  async journal(): Promise<Journal> {
    if (!this.journalFile) throw new StorageError(`the log folder ${this.root} was opened without a journal (read-only)`);
    return this.journalFile;
  }

  async close(): Promise<void> {
    await this.journalFile?.close();
  }
}

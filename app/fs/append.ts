// Durable append-only files (the node's journal, the provider's nonce cache, the intake batch journal): one
// implementation of "nothing is acknowledged that is not fully on disk".
//
// - append(bytes) writes the whole buffer at the end (looping over short writes, at an explicit offset, so a
//   retry overwrites a torn attempt), fdatasyncs, and only then resolves. It never resolves after a partial write.
// - A failed append (ENOSPC, EIO, a failed fdatasync …) cuts the file back to its last acknowledged length and
//   rejects with a named fault (app/fs/errors.ts). If even that cut fails, the next append makes it first, so the
//   file never holds a torn record in front of a later acknowledged one, and appends work again once the fault
//   clears — no restart needed.
// - open() keeps the intact prefix the caller's parser reports and cuts the rest — a torn tail of an append
//   that never resolved (a crash mid-write). The cut bytes are kept beside the file (`<name>.torn-<time>`) rather
//   than destroyed, in case they are not what the parser thinks.
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { ensureDirDurable, fsyncDir, writeFileAtomic } from './atomic';
import { storageFault } from './errors';
import { fileIo, writeAll } from './io';

export interface AppendFileOptions {
  /** File mode of a new file (default 0600). */
  mode?: number;
  /** Length of the intact prefix of the file's bytes: whole records only. The rest is a torn tail. */
  intact(bytes: Buffer): number;
}

export class AppendFile {
  private chain: Promise<unknown> = Promise.resolve();
  /** True when a failed append may have left bytes past `length` that are not yet cut off. */
  private dirty = false;

  private constructor(
    readonly path: string,
    private readonly mode: number,
    private fh: FileHandle | undefined,
    private length: number,
  ) {}

  /**
   * Opens (creating, with its folders) the file at `path`; resolves to the file and its intact bytes. A torn
   * tail past `options.intact(bytes)` is cut off durably before anything is appended.
   */
  static async open(path: string, options: AppendFileOptions): Promise<{ file: AppendFile; bytes: Buffer }> {
    const mode = options.mode ?? 0o600;
    try {
      await ensureDirDurable(dirname(path));
      let bytes: Buffer;
      try {
        bytes = await fs.readFile(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        bytes = Buffer.alloc(0);
      }
      const keep = options.intact(bytes);
      if (!(Number.isInteger(keep) && keep >= 0 && keep <= bytes.length)) throw new RangeError(`intact prefix ${keep} of ${path} is not within 0..${bytes.length}`);
      if (keep < bytes.length) {
        const torn = `${path}.torn-${new Date().toISOString().replace(/[:.]/g, '-')}`;
        await writeFileAtomic(torn, bytes.subarray(keep), { mode, overwrite: true });
      }
      const io = fileIo();
      const created = bytes.length === 0;
      const fh = await io.open(path, created ? 'w+' : 'r+', mode); // never O_APPEND: writes go at `length`
      try {
        if (keep < bytes.length) {
          await io.truncate(fh, keep);
          await io.sync(fh, 'full');
        }
        if (created) await fsyncDir(dirname(path));
      } catch (err) {
        await fh.close();
        throw err;
      }
      return { file: new AppendFile(path, mode, fh, keep), bytes: bytes.subarray(0, keep) };
    } catch (err) {
      throw storageFault(err, `opening ${path}`) ?? err;
    }
  }

  /** Bytes acknowledged so far. */
  get size(): number {
    return this.length;
  }

  /** Appends `data` durably (whole, fdatasynced); rejects with a named fault, leaving the file as it was. */
  append(data: Uint8Array): Promise<void> {
    return this.serial(async () => {
      const fh = this.handle();
      const io = fileIo();
      await this.repair(fh);
      try {
        this.dirty = true;
        await writeAll(fh, data, this.length);
        await io.sync(fh, 'data');
        this.dirty = false;
        this.length += data.length;
      } catch (err) {
        await this.repair(fh).catch(() => undefined); // retried before the next append
        throw storageFault(err, `appending to ${this.path}`) ?? err;
      }
    });
  }

  /** Atomically replaces the whole file with `data` (temp → fsync → rename); appends continue after it. */
  replace(data: Uint8Array): Promise<void> {
    return this.serial(async () => {
      await writeFileAtomic(this.path, data, { mode: this.mode, overwrite: true });
      const old = this.fh;
      this.fh = undefined;
      await old?.close();
      this.fh = await fileIo().open(this.path, 'r+', this.mode);
      this.length = data.length;
      this.dirty = false;
    });
  }

  async close(): Promise<void> {
    await this.chain;
    const fh = this.fh;
    this.fh = undefined;
    await fh?.close();
  }

  private handle(): FileHandle {
    if (!this.fh) throw new Error(`${basename(this.path)} is closed`);
    return this.fh;
  }

  /** Cuts bytes of a failed append off, so the file ends at the last acknowledged record. */
  private async repair(fh: FileHandle): Promise<void> {
    if (!this.dirty) return;
    const io = fileIo();
    try {
      await io.truncate(fh, this.length);
      await io.sync(fh, 'full');
    } catch (err) {
      throw storageFault(err, `cutting a failed append off ${this.path}`) ?? err;
    }
    this.dirty = false;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(fn);
    this.chain = p.catch(() => undefined);
    return p;
  }
}

/** Intact prefix of newline-terminated lines: everything up to and including the last LF. */
export function wholeLines(bytes: Buffer): number {
  return bytes.lastIndexOf(0x0a) + 1;
}


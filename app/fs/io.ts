// The file operations every durable write goes through (app/fs/atomic.ts, app/fs/append.ts). Product code uses
// the node:fs implementation; the fault-injection kit (app/testing/faulty-io.ts) swaps in one that writes
// short, fails with EIO/ENOSPC or fails fsync at the Nth call, so the tests reach faults a real disk rarely shows.
import { promises as fs, type Mode } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { StorageFullError } from './errors';

export interface FileIo {
  open(path: string, flags: string, mode?: Mode): Promise<FileHandle>;
  /** One write(2) at `position`; resolves to the bytes written, which may be fewer than `length`. */
  write(fh: FileHandle, data: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  /** fdatasync(2) (`data`) or fsync(2) (`full`). */
  sync(fh: FileHandle, kind: 'data' | 'full'): Promise<void>;
  truncate(fh: FileHandle, length: number): Promise<void>;
}

/** The path each open handle was opened with (for the fault-injection kit's path filter). */
const opened = new WeakMap<FileHandle, string>();

/** The path `fh` was opened with through this layer, if it was. */
export function openedPath(fh: FileHandle): string | undefined {
  return opened.get(fh);
}

export const nodeIo: FileIo = {
  open: async (path, flags, mode) => {
    const fh = await fs.open(path, flags, mode);
    opened.set(fh, path);
    return fh;
  },
  write: async (fh, data, offset, length, position) => (await fh.write(data, offset, length, position)).bytesWritten,
  sync: (fh, kind) => (kind === 'data' ? fh.datasync() : fh.sync()),
  truncate: (fh, length) => fh.truncate(length),
};

let current: FileIo = nodeIo;

/** The file operations in use. */
export function fileIo(): FileIo {
  return current;
}

/** Replaces the file operations (fault-injection tests only); returns the function that restores the previous ones. */
export function setFileIo(next: FileIo): () => void {
  const previous = current;
  current = next;
  return () => {
    current = previous;
  };
}

/**
 * Writes all of `data` at `position`, looping over short writes (write(2) may store fewer bytes than asked, e.g.
 * as a disk fills). A write that stores nothing is a full disk.
 */
export async function writeAll(fh: FileHandle, data: Uint8Array, position: number): Promise<void> {
  const io = current;
  let done = 0;
  while (done < data.length) {
    const n = await io.write(fh, data, done, data.length - done, position + done);
    if (!(n > 0)) throw new StorageFullError('ENOSPC', `a write stored ${done} of ${data.length} bytes and then no more; the disk is probably full`);
    done += n;
  }
}

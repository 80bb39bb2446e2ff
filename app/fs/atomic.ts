// Durable file writes, the one implementation every part uses (keystores, settings, journals, receipts, tiles):
// write a temp file in the same folder, fsync it, move it into place, fsync the folder — so after a crash the
// path holds either nothing (or the old file) or the complete new file, never a torn one. Writes loop over
// short writes (app/fs/io.ts); ENOSPC, EDQUOT, EIO and EROFS reject with the named faults of app/fs/errors.ts,
// and nothing partial is left behind. Appending to journals: app/fs/append.ts.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { storageFault } from './errors';
import { fileIo, writeAll } from './io';

export interface AtomicWriteOptions {
  /** File mode of the new file (applied with fchmod, so the umask cannot widen or narrow it). */
  mode: number;
  /** Replace an existing file (rename). Without it the write fails with EEXIST if `path` exists (link). */
  overwrite?: boolean;
  /** Create missing parent folders first, each fsynced into its parent (`ensureDirDurable`). */
  mkdir?: boolean;
}

/**
 * Writes `data` to `path` atomically and durably. Without `overwrite`, the final step is link(2), which
 * fails with EEXIST instead of replacing a file that appeared meanwhile; with it, rename(2).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions): Promise<void> {
  try {
    await writeAtomic(path, typeof data === 'string' ? Buffer.from(data, 'utf8') : data, options);
  } catch (err) {
    throw storageFault(err, `writing ${path}`) ?? err;
  }
}

async function writeAtomic(path: string, data: Uint8Array, options: AtomicWriteOptions): Promise<void> {
  const dir = dirname(path);
  if (options.mkdir) await ensureDirDurable(dir);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const io = fileIo();
  const handle = await io.open(tmp, 'wx', options.mode);
  let closed = false;
  let placed = false;
  try {
    await handle.chmod(options.mode);
    await writeAll(handle, data, 0);
    await io.sync(handle, 'full');
    await handle.close();
    closed = true;
    if (options.overwrite) {
      await fs.rename(tmp, path);
    } else {
      await fs.link(tmp, path);
      placed = true;
      await fs.unlink(tmp);
    }
    placed = true;
    await fsyncDir(dir);
  } finally {
    if (!closed) await handle.close();
    if (!placed) await fs.rm(tmp, { force: true });
  }
}

/** `writeFileAtomic` of pretty-printed JSON, replacing any earlier version (mode 0600 unless given). */
export async function writeJsonAtomic(path: string, value: unknown, mode = 0o600): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n', { mode, overwrite: true });
}

/** Atomically creates `path` with `data`; resolves false (writing nothing) when `path` already exists. */
export async function createFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<boolean> {
  try {
    await writeFileAtomic(path, data, { mode });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** fsync a directory so a rename/link/unlink in it survives a crash (POSIX; a no-op where unsupported). */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } catch (err) {
    // Windows and some network filesystems refuse fsync on a directory handle.
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EBADF'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    await handle.close();
  }
}

/** mkdir -p that fsyncs the parent of every folder it creates, so a new folder is itself durable. */
export async function ensureDirDurable(dir: string): Promise<void> {
  const created = await fs.mkdir(dir, { recursive: true });
  if (created === undefined) return;
  // `created` is the first folder made: fsync the parent of every folder from `dir` up to it.
  for (let d = dir; ; d = dirname(d)) {
    await fsyncDir(dirname(d));
    if (d === created || dirname(d) === d) break;
  }
}

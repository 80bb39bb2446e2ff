// Atomic small-file writes (journals, receipts, key files): temp → fsync → rename → fsync folder, so a crash
// leaves either the old or the new content, never a torn file.
import { randomBytes } from 'node:crypto';
import { link, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fsyncDir } from './store';

/** Writes `data` to `file` atomically (temp → fsync → rename → fsync folder). */
export async function writeAtomic(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  await fsyncDir(dirname(file));
}

/** `writeAtomic` of pretty-printed JSON. */
export async function writeJsonAtomic(file: string, value: unknown, mode = 0o600): Promise<void> {
  await writeAtomic(file, JSON.stringify(value, null, 2) + '\n', mode);
}

/** Atomically creates `file` with `data`; resolves false (writing nothing) when `file` already exists. */
export async function createAtomic(file: string, data: string | Uint8Array, mode = 0o600): Promise<boolean> {
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await link(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    await unlink(tmp);
    return false;
  }
  await unlink(tmp);
  await fsyncDir(dirname(file));
  return true;
}

// The tus staging folder: uploads in progress, one data file per upload plus its JSON description. It
// survives restarts, so an interrupted upload resumes at the offset on disk (tus 1.0.0 "core protocol": the
// offset is what HEAD reports). Descriptions are written atomically (the stock FileConfigstore writes them in
// place), and a full disk while receiving answers 507 instead of tus's generic 500.
import { createHash, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileStore } from '@tus/file-store';
import type { KvStore, Upload } from '@tus/utils';
import { writeJsonAtomic } from '../fs/atomic';
import { storeErrorFrom } from './errors';

/** tus's KvStore with atomic, fsynced writes (temp → fsync → rename → fsync folder). */
export class AtomicKvStore implements KvStore<Upload> {
  constructor(readonly directory: string) {}

  private path(key: string): string {
    if (!/^[0-9a-f]{32}$/.test(key)) throw Object.assign(new Error(`bad upload id ${JSON.stringify(key)}`), { status_code: 404, body: 'The file for this url was not found\n' });
    return join(this.directory, `${key}.json`);
  }

  async get(key: string): Promise<Upload | undefined> {
    try {
      return JSON.parse(await readFile(this.path(key), 'utf8')) as Upload;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async set(key: string, value: Upload): Promise<void> {
    await writeJsonAtomic(this.path(key), value);
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  async list(): Promise<string[]> {
    const names = new Set(await readdir(this.directory));
    return [...names].filter((n) => n.endsWith('.json') && names.has(n.slice(0, -5))).map((n) => n.slice(0, -5));
  }
}

/** Progress of the SHA-256 computed while an upload's bytes arrive, valid while `offset` equals the file size. */
export interface RunningHash {
  offset: number;
  hash: Hash;
}

/**
 * tus FileStore whose writes map ENOSPC/EDQUOT to 507 and EACCES/EROFS to a named 500, and which hashes the
 * bytes as they are written when they continue the running hash of the upload (so completion does not need
 * to read the whole file again; after a restart it falls back to re-reading it).
 */
export class StagingStore extends FileStore {
  readonly running = new Map<string, RunningHash>();
  private readonly kv: AtomicKvStore;

  constructor(directory: string) {
    const kv = new AtomicKvStore(directory);
    super({ directory, configstore: kv });
    this.kv = kv;
  }

  /** Creates the empty data file and its description; on failure (a full disk) neither is left behind. */
  override async create(file: Upload): Promise<Upload> {
    try {
      return await super.create(file);
    } catch (err) {
      await this.discard(file.id);
      const named = storeErrorFrom(err, `creating upload ${file.id}`);
      if (named) throw { status_code: named.status, body: JSON.stringify({ error: { code: named.code, message: named.message } }) + '\n' };
      throw err;
    }
  }

  /** Removes an upload's data file and description, whichever exist. */
  async discard(id: string): Promise<void> {
    this.running.delete(id);
    await rm(join(this.directory, id), { force: true });
    await this.configstore.delete(id);
  }

  /** Removes data files without a description (a creation that failed before the fix of 507s) and temp files. */
  async removeOrphans(): Promise<void> {
    const names = new Set(await readdir(this.directory));
    for (const n of names) {
      if ((/^[0-9a-f]{32}$/.test(n) && !names.has(`${n}.json`)) || (n.startsWith('.') && n.endsWith('.tmp'))) await rm(join(this.directory, n), { force: true });
    }
  }

  /**
   * Uploads not finished within `expiryMs` of their last activity (creation or last byte received): tus
   * 1.0.0 "expiration" — their bytes are removed and their ids returned, so their quota can be released.
   */
  async expired(expiryMs: number, now: number): Promise<string[]> {
    const out: string[] = [];
    for (const id of await this.kv.list()) {
      const upload = await this.kv.get(id);
      if (!upload) continue;
      const created = Date.parse(upload.creation_date ?? '') || 0;
      const touched = await stat(join(this.directory, id)).then((st) => st.mtimeMs, () => 0);
      if (Math.max(created, touched) + expiryMs <= now) {
        await this.discard(id);
        out.push(id);
      }
    }
    return out;
  }

  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    let run = this.running.get(id);
    if (run && run.offset !== offset) {
      this.running.delete(id);
      run = undefined;
    }
    if (!run && offset === 0) {
      run = { offset: 0, hash: createHash('sha256') };
      this.running.set(id, run);
    }
    let received = 0;
    const hashing = run;
    const tap = new Transform({
      transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
        received += chunk.length;
        if (hashing) {
          // If the write fails the running hash is dropped below, so it never runs ahead of the file.
          hashing.hash.update(chunk);
          hashing.offset += chunk.length;
        }
        cb(null, chunk);
      },
    });
    const file = createWriteStream(join(this.directory, id), { flags: 'r+', start: offset, highWaterMark: 1 << 20 });
    try {
      await pipeline(readable, tap, file);
    } catch (err) {
      this.running.delete(id);
      const named = storeErrorFrom(err, `receiving upload ${id}`) ?? storeErrorFrom((err as { cause?: unknown }).cause, `receiving upload ${id}`);
      if (named) throw { status_code: named.status, body: JSON.stringify({ error: { code: named.code, message: named.message } }) + '\n' };
      // A client that disconnects mid-chunk is normal for resumable uploads: tus answers it as FILE_WRITE_ERROR.
      throw { status_code: 500, body: 'Something went wrong receiving the file\n', cause: err };
    }
    return offset + received;
  }
}

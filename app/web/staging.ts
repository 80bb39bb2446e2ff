// The web host's staging folder: a browser cannot hand the host a path, so dropped files are uploaded here
// (one folder per drop, keeping the dropped folders' relative paths) and intake then reads them from disk, exactly
// as it reads the paths Electron's preload resolves.
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { randomBytes } from 'node:crypto';
import type { Envelope } from '../contract/api';
import { fail } from '../host/dispatch';
import { EvidenceError } from '../common/errors';

export interface StagedFile {
  /** Absolute path of the staged file on the host. */
  path: string;
  /** The drop's folder: pass this to intake to take a dropped folder as one exhibit. */
  batchDir: string;
  size: number;
}

const BATCH_RE = /^[A-Za-z0-9-]{8,64}$/;

/** Checks a relative path from the browser: `/`-separated, no empty, `.` or `..` segment, no `\` or NUL. */
export function checkRelativePath(path: string | undefined): string | undefined {
  if (path === undefined || path.length === 0) return 'the path is empty';
  if (path.length > 4096) return 'the path is longer than 4096 characters';
  if (path.includes('\0') || path.includes('\\')) return 'the path contains NUL or a backslash';
  const segments = path.split('/');
  for (const s of segments) {
    if (s === '' || s === '.' || s === '..') return `the path ${JSON.stringify(path)} has an empty, "." or ".." part`;
    if (Buffer.byteLength(s) > 255) return `the name ${JSON.stringify(s)} is longer than 255 bytes`;
  }
  return undefined;
}

export class StagingArea {
  constructor(
    readonly root: string,
    private readonly maxBytes: number,
  ) {}

  /** The drop's folder for a batch id from the browser, or why the id is refused. */
  private batchDir(batch: string | undefined): string | Envelope<never> {
    if (batch === undefined || !BATCH_RE.test(batch)) {
      return fail('UPLOAD_INVALID', `The upload's batch id ${JSON.stringify(batch)} is not 8–64 letters, digits or dashes.`);
    }
    return join(this.root, batch);
  }

  /** Where a file given by its relative path is staged (its folder made) and its temp name, or why not. */
  private async place(batchDir: string, relPath: string | undefined): Promise<{ target: string; tmp: string } | string> {
    const problem = checkRelativePath(relPath);
    if (problem !== undefined || relPath === undefined) return `Cannot stage this file: ${problem}.`;
    const target = resolve(batchDir, ...relPath.split('/'));
    if (!target.startsWith(batchDir + sep)) return `The path ${JSON.stringify(relPath)} leaves its batch.`;
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    return { target, tmp: `${target}.${randomBytes(6).toString('hex')}.part` };
  }

  async receive(
    batch: string | undefined,
    relPath: string | undefined,
    body: NodeJS.ReadableStream,
  ): Promise<Envelope<StagedFile>> {
    const batchDir = this.batchDir(batch);
    if (typeof batchDir !== 'string') return batchDir;
    const placed = await this.place(batchDir, relPath);
    if (typeof placed === 'string') return fail('UPLOAD_INVALID', placed);
    const { target, tmp } = placed;
    let size = 0;
    const max = this.maxBytes;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        if (size > max) cb(new Error(`the file is larger than the ${max}-byte upload limit`));
        else cb(null, chunk);
      },
    });
    try {
      await pipeline(body, counter, createWriteStream(tmp, { flags: 'wx', mode: 0o600 }));
      const fh = await open(tmp, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      return fail('UPLOAD_FAILED', `The file ${JSON.stringify(relPath)} could not be staged: ${(err as Error).message}. Drop it again.`);
    }
    return { ok: true, value: { path: target, batchDir, size } };
  }

  /** Stages every file of an /upload-many body (see FrameReader), each as `receive` does: temp, fsync, rename. */
  async receiveMany(batch: string | undefined, body: AsyncIterable<Buffer>): Promise<Envelope<StagedFile[]>> {
    const batchDir = this.batchDir(batch);
    if (typeof batchDir !== 'string') return batchDir;
    const reader = new FrameReader();
    const staged: StagedFile[] = [];
    let current: { fh: FileHandle; tmp: string; target: string; size: number } | null = null;
    try {
      for await (const chunk of body) {
        for (const event of reader.feed(chunk)) {
          if (event.kind === 'start') {
            if (event.size > this.maxBytes) throw new StageRefusal(`The file ${JSON.stringify(event.path)} is larger than the ${this.maxBytes}-byte upload limit.`);
            const placed = await this.place(batchDir, event.path);
            if (typeof placed === 'string') throw new StageRefusal(placed);
            current = { fh: await open(placed.tmp, 'wx', 0o600), ...placed, size: event.size };
          } else if (event.kind === 'data') {
            await writeAll((current as NonNullable<typeof current>).fh, event.bytes);
          } else {
            const file = current as NonNullable<typeof current>;
            await file.fh.sync();
            await file.fh.close();
            await rename(file.tmp, file.target);
            current = null;
            staged.push({ path: file.target, batchDir, size: file.size });
          }
        }
      }
      if (!reader.between) throw new FrameError('a body that ends inside a file');
    } catch (err) {
      if (current !== null) {
        await current.fh.close().catch(() => undefined);
        await rm(current.tmp, { force: true });
      }
      if (err instanceof StageRefusal) return fail('UPLOAD_INVALID', err.message);
      if (err instanceof FrameError) return fail('UPLOAD_INVALID', `The dropped files arrived garbled (${err.message}). Drop them again.`);
      return fail('UPLOAD_FAILED', `The dropped files could not be staged: ${(err as Error).message}. Drop them again.`);
    }
    return { ok: true, value: staged };
  }
}

/**
 * The body of `POST /upload-many`: many dropped files in one request (one request per file cost the browser
 * ~10 ms each: 3,000 small files took half a minute to stage). Frames back to back, each
 *   [header length: u32, big-endian][header: UTF-8 JSON {"path": relative path, "size": bytes}][the file's bytes]
 * and nothing after the last one.
 */
export type FrameEvent = { kind: 'start'; path: string; size: number } | { kind: 'data'; bytes: Buffer } | { kind: 'end' };

/** Longest frame header accepted, in bytes (a 4,096-character path in JSON, escaped, fits). */
const MAX_FRAME_HEADER = 64 * 1024;
const NO_BYTES = Buffer.alloc(0);

export class FrameError extends EvidenceError<'UPLOAD_INVALID'> {
  constructor(message: string) {
    super('UPLOAD_INVALID', message);
  }
}

/** Splits an /upload-many body, fed in chunks of any size, into file starts, file bytes and file ends. */
export class FrameReader {
  private head: Buffer = NO_BYTES;
  /** Bytes of the current file still to come; -1 between files. */
  private left = -1;

  /** True when the body so far ends exactly after a whole file (or is empty). */
  get between(): boolean {
    return this.left < 0 && this.head.length === 0;
  }

  feed(chunk: Buffer): FrameEvent[] {
    const out: FrameEvent[] = [];
    let rest = chunk;
    while (rest.length > 0) {
      if (this.left > 0) {
        const n = Math.min(this.left, rest.length);
        out.push({ kind: 'data', bytes: rest.subarray(0, n) });
        rest = rest.subarray(n);
        this.left -= n;
        if (this.left === 0) {
          out.push({ kind: 'end' });
          this.left = -1;
        }
        continue;
      }
      this.head = this.head.length === 0 ? rest : Buffer.concat([this.head, rest]);
      rest = NO_BYTES;
      if (this.head.length < 4) break;
      const length = this.head.readUInt32BE(0);
      if (length === 0 || length > MAX_FRAME_HEADER) throw new FrameError(`a file header of ${length} bytes (1 to ${MAX_FRAME_HEADER} allowed)`);
      if (this.head.length < 4 + length) break;
      let header: unknown;
      try {
        header = JSON.parse(this.head.subarray(4, 4 + length).toString('utf8'));
      } catch {
        throw new FrameError('a file header that is not JSON');
      }
      const { path, size } = (header ?? {}) as { path?: unknown; size?: unknown };
      if (typeof path !== 'string' || typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
        throw new FrameError('a file header without a path and a size');
      }
      rest = this.head.subarray(4 + length);
      this.head = NO_BYTES;
      out.push({ kind: 'start', path, size });
      if (size === 0) out.push({ kind: 'end' });
      else this.left = size;
    }
    return out;
  }
}

class StageRefusal extends EvidenceError<'UPLOAD_INVALID'> {
  constructor(message: string) {
    super('UPLOAD_INVALID', message);
  }
}

async function writeAll(fh: FileHandle, bytes: Buffer): Promise<void> {
  for (let done = 0; done < bytes.length; ) done += (await fh.write(bytes, done)).bytesWritten;
}


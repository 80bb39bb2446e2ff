// The web host's staging folder: a browser cannot hand the host a path, so dropped files are uploaded here
// (one folder per drop, keeping the dropped folders' relative paths) and intake then reads them from disk, exactly
// as it reads the paths Electron's preload resolves.
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { randomBytes } from 'node:crypto';
import type { Envelope } from '../contract/api';
import { fail } from '../host/dispatch';

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

  async receive(
    batch: string | undefined,
    relPath: string | undefined,
    body: NodeJS.ReadableStream,
  ): Promise<Envelope<StagedFile>> {
    if (batch === undefined || !BATCH_RE.test(batch)) {
      return fail('UPLOAD_INVALID', `The upload's batch id ${JSON.stringify(batch)} is not 8–64 letters, digits or dashes.`);
    }
    const problem = checkRelativePath(relPath);
    if (problem !== undefined || relPath === undefined) return fail('UPLOAD_INVALID', `Cannot stage this file: ${problem}.`);
    const batchDir = join(this.root, batch);
    const target = resolve(batchDir, ...relPath.split('/'));
    if (!target.startsWith(batchDir + sep)) return fail('UPLOAD_INVALID', `The path ${JSON.stringify(relPath)} leaves its batch.`);
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    const tmp = `${target}.${randomBytes(6).toString('hex')}.part`;
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
}

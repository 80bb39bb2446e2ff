// Walks the intake's input paths: files as given, folders recursively. Names are handled as Buffers end to end
// so a name is kept exactly as the file system gives it (Linux names are bytes; a string round-trip would
// replace invalid UTF-8). Symbolic links are recorded, not followed, unless `followSymlinks` is set; then a
// directory reached twice (a loop, or two links to one folder) is walked once, guarded by its dev:ino.
// Devices, sockets and FIFOs are refused with a reason; an unreadable entry becomes an error entry and the walk
// goes on. The walk does synchronous file-system calls in small slices and yields to the event loop between
// slices, so the process stays responsive while walking 100,000 files.
import { lstatSync, readdirSync, readlinkSync, statSync, type BigIntStats } from 'node:fs';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { ItemError } from './errors';
import { displayName } from './escape';

export type FileType = 'file' | 'directory' | 'symlink' | 'block-device' | 'character-device' | 'fifo' | 'socket' | 'unknown';

interface EntryBase {
  /** Full path as bytes, exactly as given + as the file system named each component. */
  path: Buffer;
  /** Index of the input path this entry came from. */
  root: number;
  /** Path relative to the input folder ('/'-separated bytes), or null when the input path is this file. */
  rel: Buffer | null;
}
export interface FileEntry extends EntryBase {
  kind: 'file';
  dev: bigint;
  ino: bigint;
  size: number;
  mtimeNs: bigint;
  ctimeNs: bigint;
}
export interface SymlinkEntry extends EntryBase {
  kind: 'symlink';
  target: Buffer;
}
export interface FailedEntry extends EntryBase {
  kind: 'failed';
  fileType: FileType;
  error: ItemError;
}
export interface DirectoryEntry extends EntryBase {
  kind: 'directory';
}
export type WalkEntry = FileEntry | SymlinkEntry | FailedEntry | DirectoryEntry;

export interface WalkOptions {
  followSymlinks?: boolean;
  signal?: AbortSignal;
  /** Entries per slice between yields to the event loop. */
  sliceSize?: number;
}

const SLASH = Buffer.from('/');

export function fileTypeOf(st: BigIntStats): FileType {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isBlockDevice()) return 'block-device';
  if (st.isCharacterDevice()) return 'character-device';
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  return 'unknown';
}

function join(a: Buffer, b: Buffer): Buffer {
  return a.length > 0 && a[a.length - 1] === 0x2f ? Buffer.concat([a, b]) : Buffer.concat([a, SLASH, b]);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

function unreadable(path: Buffer, what: string, err: unknown): ItemError {
  const code = errnoCode(err) === 'ENOENT' ? 'E_INTAKE_VANISHED' : 'E_INTAKE_UNREADABLE';
  return { code, message: `${what} ${JSON.stringify(displayName(path))}: ${describe(err)}` };
}

function refused(path: Buffer, type: FileType): ItemError {
  return {
    code: 'E_INTAKE_SPECIAL_FILE',
    message: `refused ${JSON.stringify(displayName(path))}: it is a ${type}, not a regular file; only regular files and folders can be taken as evidence (image a device first, e.g. to an E01 or raw file)`,
  };
}

interface DirFrame {
  path: Buffer;
  rel: Buffer | null;
  names: Buffer[];
  next: number;
}

/**
 * Walks `paths` and yields entries in slices. Order: input order; inside a folder, depth-first with each
 * folder's names sorted by bytes. Directories are yielded too (kind 'directory') so callers can count them.
 */
export async function* walk(paths: ReadonlyArray<string | Buffer>, options: WalkOptions = {}): AsyncGenerator<WalkEntry[]> {
  const follow = options.followSymlinks === true;
  const sliceSize = options.sliceSize ?? 512;
  const visited = new Set<string>();
  let slice: WalkEntry[] = [];

  // Classifies one path; pushes a frame for directories. Returns the entry (or null for a directory to descend).
  const visit = (path: Buffer, root: number, rel: Buffer | null, stack: DirFrame[]): void => {
    let st: BigIntStats;
    try {
      st = lstatSync(path, { bigint: true });
    } catch (err) {
      slice.push({ kind: 'failed', path, root, rel, fileType: 'unknown', error: unreadable(path, 'cannot read entry', err) });
      return;
    }
    if (st.isSymbolicLink()) {
      let target: Buffer;
      try {
        target = readlinkSync(path, { encoding: 'buffer' });
      } catch (err) {
        slice.push({ kind: 'failed', path, root, rel, fileType: 'symlink', error: unreadable(path, 'cannot read link', err) });
        return;
      }
      if (!follow) {
        slice.push({ kind: 'symlink', path, root, rel, target });
        return;
      }
      try {
        st = statSync(path, { bigint: true });
      } catch (err) {
        slice.push({ kind: 'failed', path, root, rel, fileType: 'symlink', error: unreadable(path, 'cannot follow link', err) });
        return;
      }
    }
    const type = fileTypeOf(st);
    if (type === 'file') {
      slice.push({ kind: 'file', path, root, rel, dev: st.dev, ino: st.ino, size: Number(st.size), mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs });
      return;
    }
    if (type !== 'directory') {
      slice.push({ kind: 'failed', path, root, rel, fileType: type, error: refused(path, type) });
      return;
    }
    const key = `${st.dev}:${st.ino}`;
    if (visited.has(key)) {
      slice.push({
        kind: 'failed', path, root, rel, fileType: 'directory',
        error: { code: 'E_INTAKE_SYMLINK_LOOP', message: `not walked again ${JSON.stringify(displayName(path))}: this folder (dev:ino ${key}) was already reached through another path or a link loop` },
      });
      return;
    }
    visited.add(key);
    let names: Buffer[];
    try {
      names = readdirSync(path, { encoding: 'buffer' });
    } catch (err) {
      slice.push({ kind: 'failed', path, root, rel, fileType: 'directory', error: unreadable(path, 'cannot list folder', err) });
      return;
    }
    names.sort(Buffer.compare);
    slice.push({ kind: 'directory', path, root, rel });
    stack.push({ path, rel, names, next: 0 });
  };

  for (let root = 0; root < paths.length; root++) {
    const given = paths[root] as string | Buffer;
    const rootPath = typeof given === 'string' ? Buffer.from(given, 'utf8') : Buffer.from(given);
    const stack: DirFrame[] = [];
    visit(rootPath, root, null, stack);
    const top = stack[0];
    if (top) top.rel = Buffer.alloc(0);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as DirFrame;
      const name = frame.names[frame.next++];
      if (name === undefined) {
        stack.pop();
        continue;
      }
      const path = join(frame.path, name);
      // rel is the tail of path after the input folder and its '/': a view, no copy.
      const rel = frame.rel && frame.rel.length > 0 ? path.subarray(path.length - frame.rel.length - 1 - name.length) : path.subarray(path.length - name.length);
      visit(path, root, rel, stack);
      if (slice.length >= sliceSize) {
        options.signal?.throwIfAborted();
        yield slice;
        slice = [];
        await yieldToLoop();
      }
    }
  }
  if (slice.length > 0) yield slice;
}

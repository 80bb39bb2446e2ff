// Walks the intake's input paths: files as given, folders recursively. Names are handled as *byte strings* end to
// end — latin1 strings, one char per byte (`Buffer.from(s, 'latin1')` gives the bytes back) — so a name is kept
// exactly as the file system gives it (Linux names are bytes; a UTF-8 round-trip would replace invalid UTF-8),
// and JavaScript's string order is the bytes' order. (Measured: Buffer names and Buffer.concat'd paths cost
// the main thread an ArrayBuffer per name, most of the walk's time went to the garbage collector.)
// Symbolic links are recorded, not followed, unless `followSymlinks` is set; then a directory reached twice (a
// loop, or two links to one folder) is walked once, guarded by its dev:ino. Devices, sockets and FIFOs are
// refused with a reason; an unreadable entry becomes an error entry and the walk goes on.
// Inside folders, the type comes from the directory listing (d_type) and regular files are not stat'ed here
// (`stat: null`): the hash worker takes size, identity and times from the open file (fstat), which it must do
// anyway, and that saves an lstat per file. `statFiles` stats them here too (used to resume a batch, which
// compares each file with its journaled record). Entries whose listing has no type (DT_UNKNOWN) are lstat'ed.
// The walk does synchronous file-system calls in small slices and yields to the event loop between slices, so
// the process stays responsive while walking 100,000 files.
import { lstatSync, readdirSync, readlinkSync, statSync, type BigIntStats, type Dirent } from 'node:fs';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { ItemError } from './errors';
import { displayName } from './escape';

export type FileType = 'file' | 'directory' | 'symlink' | 'block-device' | 'character-device' | 'fifo' | 'socket' | 'unknown';

interface EntryBase {
  /** Full path as a byte string (latin1), exactly as given + as the file system named each component. */
  path: string;
  /** Index of the input path this entry came from. */
  root: number;
  /** Path relative to the input folder ('/'-separated byte string), or null when the input path is this file. */
  rel: string | null;
}
/** What an lstat (or, following links, a stat) of a regular file told. */
export interface FileStat {
  dev: bigint;
  ino: bigint;
  size: number;
  mtimeNs: bigint;
  ctimeNs: bigint;
}
export interface FileEntry extends EntryBase {
  kind: 'file';
  /** null when the walk took the type from the folder listing without a stat (see the header). */
  stat: FileStat | null;
}
export interface SymlinkEntry extends EntryBase {
  kind: 'symlink';
  /** The link's target as a byte string. */
  target: string;
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
  /** Stat every regular file (default false: files listed inside folders come with `stat: null`). */
  statFiles?: boolean;
  signal?: AbortSignal;
  /** Entries per slice between yields to the event loop. */
  sliceSize?: number;
}

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

/** A byte string as a path argument for `fs`: ASCII as is (UTF-8 of ASCII is itself), else its bytes. */
export function fsPath(bytes: string): string | Buffer {
  return NON_ASCII.test(bytes) ? Buffer.from(bytes, 'latin1') : bytes;
}

export function fileTypeOf(st: BigIntStats | Dirent): FileType {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isBlockDevice()) return 'block-device';
  if (st.isCharacterDevice()) return 'character-device';
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  return 'unknown';
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

function shown(path: string): string {
  return JSON.stringify(displayName(Buffer.from(path, 'latin1')));
}

function unreadable(path: string, what: string, err: unknown): ItemError {
  const code = errnoCode(err) === 'ENOENT' ? 'E_INTAKE_VANISHED' : 'E_INTAKE_UNREADABLE';
  return { code, message: `${what} ${shown(path)}: ${describe(err)}` };
}

function refused(path: string, type: FileType): ItemError {
  return {
    code: 'E_INTAKE_SPECIAL_FILE',
    message: `refused ${shown(path)}: it is a ${type}, not a regular file; only regular files and folders can be taken as evidence (image a device first, e.g. to an E01 or raw file)`,
  };
}

interface DirFrame {
  path: string;
  /** rel of this folder + '/' ('' for the input folder itself). */
  relPrefix: string;
  entries: Dirent[];
  next: number;
}

const byName = (a: Dirent, b: Dirent): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Walks `paths` and yields entries in slices. Order: input order; inside a folder, depth-first with each
 * folder's names sorted by bytes. Directories are yielded too (kind 'directory') so callers can count them.
 */
export async function* walk(paths: ReadonlyArray<string | Buffer>, options: WalkOptions = {}): AsyncGenerator<WalkEntry[]> {
  const follow = options.followSymlinks === true;
  const statFiles = options.statFiles === true;
  const sliceSize = options.sliceSize ?? 512;
  const visited = new Set<string>();
  let slice: WalkEntry[] = [];

  // Classifies one path (with its lstat) and pushes a frame for a directory to descend.
  const visit = (path: string, root: number, rel: string | null, stack: DirFrame[]): void => {
    const p = fsPath(path);
    let st: BigIntStats;
    try {
      st = lstatSync(p, { bigint: true });
    } catch (err) {
      slice.push({ kind: 'failed', path, root, rel, fileType: 'unknown', error: unreadable(path, 'cannot read entry', err) });
      return;
    }
    if (st.isSymbolicLink()) {
      let target: string;
      try {
        target = readlinkSync(p, { encoding: 'latin1' });
      } catch (err) {
        slice.push({ kind: 'failed', path, root, rel, fileType: 'symlink', error: unreadable(path, 'cannot read link', err) });
        return;
      }
      if (!follow) {
        slice.push({ kind: 'symlink', path, root, rel, target });
        return;
      }
      try {
        st = statSync(p, { bigint: true });
      } catch (err) {
        slice.push({ kind: 'failed', path, root, rel, fileType: 'symlink', error: unreadable(path, 'cannot follow link', err) });
        return;
      }
    }
    const type = fileTypeOf(st);
    if (type === 'file') {
      slice.push({ kind: 'file', path, root, rel, stat: { dev: st.dev, ino: st.ino, size: Number(st.size), mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs } });
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
        error: { code: 'E_INTAKE_SYMLINK_LOOP', message: `not walked again ${shown(path)}: this folder (dev:ino ${key}) was already reached through another path or a link loop` },
      });
      return;
    }
    visited.add(key);
    let entries: Dirent[];
    try {
      entries = readdirSync(p, { encoding: 'latin1', withFileTypes: true });
    } catch (err) {
      slice.push({ kind: 'failed', path, root, rel, fileType: 'directory', error: unreadable(path, 'cannot list folder', err) });
      return;
    }
    entries.sort(byName);
    slice.push({ kind: 'directory', path, root, rel });
    stack.push({ path: path.endsWith('/') ? path : `${path}/`, relPrefix: rel === null || rel === '' ? '' : `${rel}/`, entries, next: 0 });
  };

  for (let root = 0; root < paths.length; root++) {
    const given = paths[root] as string | Buffer;
    const rootPath = typeof given === 'string' ? Buffer.from(given, 'utf8').toString('latin1') : given.toString('latin1');
    const stack: DirFrame[] = [];
    visit(rootPath, root, null, stack);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as DirFrame;
      const dirent = frame.entries[frame.next++];
      if (dirent === undefined) {
        stack.pop();
        continue;
      }
      const path = frame.path + dirent.name;
      const rel = frame.relPrefix + dirent.name;
      // A regular file as listed: no stat here (see the header); anything else gets the full classification.
      if (!statFiles && dirent.isFile()) slice.push({ kind: 'file', path, root, rel, stat: null });
      else visit(path, root, rel, stack);
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

// Public types of the intake engine (see index.ts for the API).
import type { ItemError } from './errors';

export type Algorithm = 'sha256' | 'sha1' | 'md5';
export const ALGORITHMS: readonly Algorithm[] = ['sha256', 'sha1', 'md5'];

export interface Hashes {
  sha256: string;
  sha1?: string;
  md5?: string;
}

/** One evidence-item candidate: a file (hashed or failed), a symbolic link, or a refused/unreadable entry. */
export interface IntakeItem {
  /** Position in batch order (input order; inside a folder depth-first, names sorted by bytes). */
  index: number;
  /** Index of the input path this item came from. */
  root: number;
  /** Full path as UTF-8 text. Exact unless `pathBase64` is present (the name is not valid UTF-8). */
  path: string;
  /** The exact path bytes, base64, present only when the path is not valid UTF-8. */
  pathBase64?: string;
  /** Path relative to the input folder ('/'-separated), or null when the input path is this item. */
  relPath: string | null;
  /** The path escaped for display (escape.ts `displayName`): printable, one line, unambiguous. */
  displayPath: string;
  /** Base name, UTF-8 text (lossy only when pathBase64 is present). */
  name: string;
  kind: 'file' | 'symlink' | 'other';
  size: number | null;
  /** ISO 8601 times from the open file's fstat before reading. */
  mtime: string | null;
  ctime: string | null;
  birthtime: string | null;
  /** Nanosecond times and inode identity, decimal strings (used to resume a batch). */
  mtimeNs: string | null;
  ctimeNs: string | null;
  dev: string | null;
  ino: string | null;
  hashes: Hashes | null;
  mediaType: string | null;
  /** For a symbolic link: its target, as text, escaped for display. */
  linkTarget?: string;
  /** Set when the SHA-256 is already in the case (`inCase`) or shared with other items of this batch. */
  duplicate?: { inCase: boolean; firstIndex: number; count: number };
  /** Why this item has no hash; null for hashed files and recorded links. */
  error: ItemError | null;
}

/** A folder given as an input path, taken as one exhibit with a manifest (manifest.ts). */
export interface FolderExhibit {
  root: number;
  path: string;
  displayPath: string;
  fileCount: number;
  totalBytes: number;
  /** Canonical manifest bytes (manifest.ts); null when the folder could not be read completely. */
  manifest: Buffer | null;
  /** SHA-256 of the manifest: the exhibit's hash. */
  manifestSha256: string | null;
  /** Set when some entry of the folder failed (the manifest would not cover the whole folder). */
  error: ItemError | null;
}

export interface IntakeResult {
  batchId: string;
  algorithms: Algorithm[];
  startedAt: string;
  finishedAt: string;
  items: IntakeItem[];
  folders: FolderExhibit[];
  totals: { files: number; hashed: number; failed: number; links: number; bytes: number; duplicates: number };
}

export interface FileProgress {
  index: number;
  displayPath: string;
  bytesDone: number;
  size: number;
  /** Bytes per second over this file so far. */
  rate: number;
  etaSeconds: number | null;
}

export interface IntakeProgress {
  /** True while folders are still being walked or files listed without a stat are not yet sized by a worker:
   *  totals may still grow and etaSeconds is null. */
  walking: boolean;
  filesDone: number;
  filesTotal: number;
  failed: number;
  bytesDone: number;
  bytesTotal: number;
  /** Bytes per second, smoothed. */
  rate: number;
  etaSeconds: number | null;
  elapsedSeconds: number;
  /** Files being read right now. */
  current: FileProgress[];
}

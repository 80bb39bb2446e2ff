// Binds a deposition journal to the bytes it was written for: each file's identity (device, inode, size,
// modification and change times in ns) is recorded with its hash. On resume a file whose identity changed is
// hashed again, and one whose bytes changed is refused — its journal, request and receipt are for the old bytes.
import { stat } from 'node:fs/promises';
import { hashFile } from '../provider/store';

/** A file's identity: it changes whenever its bytes (or its inode) may have changed. */
export async function fileIdentity(path: string): Promise<string> {
  const st = await stat(path, { bigint: true });
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}

export interface BoundFile {
  path: string;
  sha256: string;
  size: number;
  /** fileIdentity at hashing time (absent in journals written before it was recorded). */
  identity?: string;
}

/**
 * The first file that no longer holds the bytes the journal recorded, with what it holds now (or why it cannot
 * be read); undefined when every file is unchanged.
 */
export async function changedFile(files: readonly BoundFile[]): Promise<{ file: BoundFile; now: string } | undefined> {
  for (const f of files) {
    try {
      if (f.identity !== undefined && (await fileIdentity(f.path)) === f.identity) continue;
      const h = await hashFile(f.path);
      if (h.sha256 !== f.sha256 || h.size !== f.size) return { file: f, now: `sha256 ${h.sha256}, ${h.size} bytes` };
    } catch (err) {
      return { file: f, now: `unreadable: ${(err as Error).message}` };
    }
  }
  return undefined;
}

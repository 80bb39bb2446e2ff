// Test support: builds a corpus of files with awkward sizes and names under a fresh temp folder, and runs the
// coreutils digest tools on it as the independent reference.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';

/** Deterministic pseudo-random bytes (SHA-256 in counter mode) so failures reproduce. */
export function patternBytes(size: number, seed: string): Buffer {
  const out = Buffer.allocUnsafe(size);
  for (let off = 0, i = 0; off < size; i++) {
    const block = createHash('sha256').update(`${seed}:${i}`).digest();
    off += block.copy(out, off);
  }
  return out;
}

export const ODD_NAMES = [
  '证据 照片.jpg', 'with space', 'new\nline', '-leading-dash', 'back\\slash', 'carriage\rreturn', 'tab\there', '#hash',
  'ünïcödé-é', 'emoji-🔒.bin', '  two leading spaces',
];

export interface Corpus {
  dir: string;
  /** Relative paths (UTF-8) of every regular file. */
  files: string[];
}

/** A folder of files: sizes around `bufferSize` and the small-file batching limit, odd names, nested folders. */
export function makeCorpus(bufferSize: number, prefix = 'intake-corpus-'): Corpus {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const files: string[] = [];
  const add = (rel: string, size: number): void => {
    writeFileSync(join(dir, rel), patternBytes(size, rel));
    files.push(rel);
  };
  const sizes = [0, 1, bufferSize - 1, bufferSize, bufferSize + 1, 2 * bufferSize, (256 << 10) - 1, 256 << 10, (256 << 10) + 1, 3 * bufferSize + 7];
  for (const s of sizes) add(`size-${s}`, s);
  for (const [i, name] of ODD_NAMES.entries()) add(name, 100 + i * 37);
  mkdirSync(join(dir, 'nested/deeper/深层'), { recursive: true });
  mkdirSync(join(dir, 'empty-folder'));
  add('nested/a', 10);
  add('nested/deeper/b', bufferSize * 2 + 3);
  add('nested/deeper/深层/c d', 5000);
  add('nested/deeper/深层/new\nline too', 0);
  return { dir, files };
}

/** `<tool> -- files…` run in `cwd`, parsed to a map from relative path to hex digest. */
export function coreutilsDigests(tool: 'sha256sum' | 'sha1sum' | 'md5sum', cwd: string, files: string[]): Map<string, string> {
  const out = execFileSync(tool, ['-z', '--', ...files], { cwd, maxBuffer: 64 << 20 });
  // -z: NUL-terminated lines and no escaping, so names come back verbatim.
  const map = new Map<string, string>();
  for (const rec of out.toString('utf8').split('\0')) {
    if (rec.length === 0) continue;
    const sep = rec.indexOf('  ');
    map.set(rec.slice(sep + 2), rec.slice(0, sep));
  }
  return map;
}

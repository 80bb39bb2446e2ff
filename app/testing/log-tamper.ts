// Tamper-detection harness (tamper.test.ts, tamper.slow.test.ts): copies a seeded log, damages it in one random
// way — a flipped byte in any hash tile, entry bundle or the checkpoint, a deleted entry, reordered entries, a
// deleted file — and checks that the audit (`evidence log verify`) fails and names where.
import { cp, readFile, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { auditLog } from '../ledger/audit';
import { bundlesForSize, tilePath, tilesForSize } from '../ledger/layout';
import { LogVerifyError } from '../ledger/log';
import { FsLogDriver } from '../ledger/storage/fs';
import { rng } from '../common/rng';
export { rng };

export type Tamper = 'flip-tile' | 'flip-bundle' | 'flip-checkpoint' | 'delete-entry' | 'reorder-entries' | 'delete-file';
export const TAMPERS: readonly Tamper[] = ['flip-tile', 'flip-bundle', 'flip-checkpoint', 'delete-entry', 'reorder-entries', 'delete-file'];

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(p)));
    else out.push(p);
  }
  return out;
}

function split(b: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let p = 0; p < b.length; ) {
    const len = b.readUInt16BE(p);
    out.push(b.subarray(p, p + 2 + len));
    p += 2 + len;
  }
  return out;
}

/** Applies one tamper to the log folder `log`; returns a description of what was done. */
export async function tamper(log: string, kind: Tamper, rand: () => number): Promise<string> {
  // Only the files the checkpoint commits to: a partial tile left from an earlier tree size is no longer part of
  // the log (c2sp.org/tlog-tiles lets a log delete it), so damaging it is not tampering.
  const size = Number((await readFile(join(log, 'checkpoint'), 'utf8')).split('\n')[1]);
  const live = new Set([...tilesForSize(size), ...bundlesForSize(size)].map(tilePath));
  const all = (await files(log)).map((f) => relative(log, f).split(sep).join('/'));
  const tiles = all.filter((f) => live.has(f) && !f.startsWith('tile/entries/'));
  const bundles = all.filter((f) => live.has(f) && f.startsWith('tile/entries/'));
  if (tiles.length === 0 || bundles.length === 0) throw new Error(`no tiles or entry bundles of tree size ${size} in ${log}`);
  const pick = (list: string[]) => list[Math.floor(rand() * list.length)]!;
  const flip = async (f: string) => {
    const b = await readFile(join(log, f));
    const at = Math.floor(rand() * b.length);
    b[at]! ^= 1 + Math.floor(rand() * 255);
    await writeFile(join(log, f), b);
    return `flipped byte ${at} of ${f}`;
  };
  switch (kind) {
    case 'flip-tile':
      return flip(pick(tiles));
    case 'flip-bundle':
      return flip(pick(bundles));
    case 'flip-checkpoint':
      return flip('checkpoint');
    case 'delete-entry': {
      const f = pick(bundles);
      const entries = split(await readFile(join(log, f)));
      const i = Math.floor(rand() * entries.length);
      entries.splice(i, 1);
      await writeFile(join(log, f), Buffer.concat(entries));
      return `deleted entry ${i} of ${f}`;
    }
    case 'reorder-entries': {
      const f = pick(bundles.filter((b) => !b.endsWith('.p/1')));
      const entries = split(await readFile(join(log, f)));
      const i = Math.floor(rand() * (entries.length - 1));
      [entries[i], entries[i + 1]] = [entries[i + 1]!, entries[i]!];
      await writeFile(join(log, f), Buffer.concat(entries));
      return `swapped entries ${i} and ${i + 1} of ${f}`;
    }
    case 'delete-file': {
      const f = pick([...tiles, ...bundles, 'checkpoint']);
      await unlink(join(log, f));
      return `deleted ${f}`;
    }
  }
}

/** Copies `nodeDir`, tampers with its log, audits it; resolves to the audit's error (throws if none). */
export async function tamperTrial(nodeDir: string, work: string, kind: Tamper, rand: () => number): Promise<{ what: string; error: LogVerifyError }> {
  await rm(work, { recursive: true, force: true });
  await cp(join(nodeDir, 'log'), work, { recursive: true });
  const what = await tamper(work, kind, rand);
  try {
    await auditLog(new FsLogDriver(work), { workers: 1 });
  } catch (err) {
    if (err instanceof LogVerifyError) return { what, error: err };
    throw err;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  throw new Error(`tamper not detected: ${what}`);
}


// Fork evidence: two checkpoints of the same log, both validly signed by the log key, that cannot both be
// views of one append-only tree (same size with different roots, or a smaller tree whose root differs from the
// larger tree's prefix). Each is kept in DIR/forks/ as an immutable JSON file holding both signed notes verbatim,
// so anyone can re-check the log's misbehaviour with the log's public key alone.
import { randomBytes } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDirDurable, writeFileAtomic } from '../fs/atomic';
import { utf8ToBytes } from '../ledger/bytes';
import { peekCheckpoint } from '../ledger/checkpoint';

export interface ForkEvidence {
  readonly origin: string;
  readonly detectedAt: string;
  /** Why the two checkpoints are inconsistent. */
  readonly reason: string;
  /** The two signed checkpoint notes, verbatim: ours (trusted before) and the conflicting one. */
  readonly ours: string;
  readonly theirs: string;
  /** Where `theirs` came from (peer URL or "add-checkpoint"). */
  readonly source: string;
  /** For different sizes: our tree's root at the smaller size (base64), recomputed from verified entries. */
  readonly prefixRoot?: string;
}

/** A fork between the same pair of notes is recorded once. */
const pairKey = (a: string, b: string): string => [peekCheckpoint(a), peekCheckpoint(b)].map((c) => `${c.size}:${Buffer.from(c.root).toString('hex')}`).sort().join('|');

export class ForkStore {
  private readonly seen = new Set<string>();
  private loaded = false;
  constructor(readonly dir: string) {}

  private async load(): Promise<void> {
    if (this.loaded) return;
    for (const f of await this.list()) this.seen.add(`${f.origin}|${pairKey(f.ours, f.theirs)}`);
    this.loaded = true;
  }

  /** Persists the evidence (durably) unless this pair was already recorded; resolves to true if it is new. */
  async record(e: Omit<ForkEvidence, 'detectedAt'>): Promise<boolean> {
    await this.load();
    const key = `${e.origin}|${pairKey(e.ours, e.theirs)}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    await ensureDirDurable(this.dir);
    const ev: ForkEvidence = { ...e, detectedAt: new Date().toISOString() };
    const name = `${Date.now()}-${randomBytes(4).toString('hex')}.json`;
    await writeFileAtomic(join(this.dir, name), utf8ToBytes(`${JSON.stringify(ev, null, 2)}\n`), { mode: 0o444 });
    return true;
  }

  async list(): Promise<ForkEvidence[]> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => n.endsWith('.json')).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return Promise.all(names.map(async (n) => JSON.parse(await readFile(join(this.dir, n), 'utf8')) as ForkEvidence));
  }
}

// Fork detection by gossip: a peer's log-signed checkpoint is compared with the verified tree we hold. Same size
// and a different root, or a smaller size whose root is not our tree's prefix at that size, is a fork (the log
// signed two views): both notes are persisted as evidence. A larger checkpoint cannot be judged without its
// tree; the peer holding it judges ours when we send it (gossip is two-way).
import { bytesEqual } from '../ledger/bytes';
import { toBase64 } from '../crypto/encoding';
import { type Checkpoint, openCheckpoint } from '../ledger/checkpoint';
import type { NoteVerifier } from '../ledger/note';
import type { ForkEvidence, ForkStore } from './fork';

export type Observation = 'consistent' | 'ahead' | 'fork' | 'unknown';

export interface GossipView {
  readonly origin: string;
  readonly logKey: NoteVerifier;
  /** Our trusted checkpoint (undefined: none yet). */
  readonly current: { readonly checkpoint: Checkpoint; readonly note: string } | undefined;
  /** Root of our verified tree at `size` ≤ current size. */
  rootAt(size: number): Uint8Array;
  readonly forks: ForkStore;
}

/**
 * Judges a gossiped checkpoint note against our view; resolves to the verdict and, for a new fork, the evidence
 * that was persisted. Throws (NoteError/CheckpointError) when the note is not validly signed by the log key.
 */
export async function observeCheckpoint(view: GossipView, note: string, source: string): Promise<{ verdict: Observation; evidence?: Omit<ForkEvidence, 'detectedAt'>; isNew?: boolean }> {
  const cp = openCheckpoint(note, view.logKey, { origin: view.origin }).checkpoint;
  const ours = view.current;
  if (!ours) return { verdict: cp.size > 0 ? 'ahead' : 'consistent' };
  if (cp.size > ours.checkpoint.size) return { verdict: 'ahead' };
  const prefix = view.rootAt(cp.size);
  if (bytesEqual(prefix, cp.root)) return { verdict: 'consistent' };
  const reason = cp.size === ours.checkpoint.size
    ? `two checkpoints of size ${cp.size} with different roots`
    : `checkpoint of size ${cp.size} has a root that is not the prefix of the trusted tree of size ${ours.checkpoint.size}`;
  const evidence = { origin: view.origin, reason, ours: ours.note, theirs: note, source, ...(cp.size < ours.checkpoint.size ? { prefixRoot: toBase64(prefix) } : {}) };
  const isNew = await view.forks.record(evidence);
  return { verdict: 'fork', evidence, isNew };
}

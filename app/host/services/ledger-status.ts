// The ledger as a whole, as the UI shows it: its status (size, the last final checkpoint, witnesses, peers,
// forks, the sync state), its checkpoints as blocks, and the index of its entries for the UI's cached ledger view
// (renderer/src/workspace/ledger-index.ts). Everything here is read from the verified ledger of the chosen mode.
import { createHash } from 'node:crypto';
import type { CheckpointView, ContractError, IndexEntry, IndexMark, IndexPage, LedgerStatus } from '../../contract/api';
import { fromHex, toHex } from '../../crypto/encoding';
import { formatCheckpoint } from '../../ledger/checkpoint';
import { leafHash, MemoryTree } from '../../ledger/merkle';
import { HostError } from '../errors';
import type { CheckpointSeen, LedgerBackend } from './backend';
import { LedgerNotAvailableError, type LedgerAccess } from './ledger-access';
import { factsOf, TIMELINE_TYPES } from './timeline';

/**
 * Checkpoints as blocks (docs/DESIGN.md "The ledger"), oldest first: a checkpoint seen again (the same size and root,
 * e.g. once more cosigned) is one block in its latest state; each block's header links to the previous
 * checkpoint by the SHA-256 of its body. A body not kept (lists saved before it was) is rebuilt from origin,
 * size and root: the checkpoint text our nodes sign, which has no extension lines.
 */
export function blocks(origin: string, seen: readonly CheckpointSeen[]): CheckpointView[] {
  const latest: CheckpointSeen[] = [];
  for (const c of seen) {
    const last = latest.at(-1);
    if (last && last.size === c.size && last.root === c.root) latest[latest.length - 1] = c;
    else latest.push(c);
  }
  const hashOf = (c: CheckpointSeen) =>
    createHash('sha256')
      .update(c.body ?? formatCheckpoint({ origin, size: c.size, root: fromHex(c.root), extensions: [] }))
      .digest('hex');
  return latest.map((c, i) => {
    const prev = latest[i - 1];
    return {
      size: c.size,
      root: c.root,
      firstIndex: prev ? prev.size : 0,
      hash: hashOf(c),
      prevHash: prev ? hashOf(prev) : null,
      time: c.time,
      cosigners: c.cosigners,
      final: c.final,
    };
  });
}

export class LedgerStatusService {
  private announcing = false;
  private announceAgain = false;
  /** Leaf hashes of each backend's verified entries, extended as it grows (RFC 9162 roots for the index marks). */
  private readonly trees = new WeakMap<LedgerBackend, MemoryTree>();

  constructor(private readonly access: LedgerAccess) {}

  /** Tells the UI the ledger changed (coalesced: one status computation at a time). */
  async announce(): Promise<void> {
    if (this.announcing) {
      this.announceAgain = true;
      return;
    }
    this.announcing = true;
    try {
      do {
        this.announceAgain = false;
        try {
          this.access.emit('onLedgerChanged', await this.status());
        } catch (err) {
          this.access.log.error('ledger: could not report the ledger state', err);
        }
      } while (this.announceAgain);
    } finally {
      this.announcing = false;
    }
  }

  async status(): Promise<LedgerStatus> {
    const mode = this.access.settings().mode;
    const unavailable = (error: ContractError, sync: LedgerStatus['sync']): LedgerStatus => ({
      available: false,
      unavailableReason: error.message,
      unavailableError: error,
      origin: null,
      size: 0,
      finalSize: 0,
      finalAt: null,
      witnessQuorum: 0,
      witnesses: [],
      peers: [],
      forks: [],
      sync,
    });
    const misconfigured = (detail: string): LedgerStatus['sync'] => ({ state: 'misconfigured', size: 0, target: null, detail, reason: null, checkedAt: null });
    if (mode === null) {
      const err = new LedgerNotAvailableError('not set up');
      return unavailable({ code: err.code, message: err.message }, misconfigured('not set up'));
    }
    let s: LedgerBackend;
    try {
      s = await this.access.backend();
    } catch (err) {
      if (!(err instanceof HostError)) throw err;
      return unavailable({ code: err.code, message: err.message, params: err.params }, misconfigured(err.message));
    }
    return s.exclusive(async () => {
      const forks = await s.forks();
      const sync = s.sync();
      if (s.entries.length === 0) {
        const err = s.notVerified();
        return { ...unavailable({ code: err.code, message: err.message, params: err.params }, sync), origin: s.origin, forks, peers: s.peers(null) };
      }
      const cp = await s.currentCheckpoint();
      const lastFinal = [...s.checkpointList()].reverse().find((c) => c.final);
      return {
        available: true,
        unavailableReason: null,
        unavailableError: null,
        origin: s.origin,
        size: cp.size,
        finalSize: cp.final ? cp.size : (lastFinal?.size ?? 0),
        finalAt: lastFinal?.time ?? null,
        witnessQuorum: s.policy.quorum,
        witnesses: s.policy.witnesses.map((w) => w.name),
        peers: s.peers(cp),
        forks,
        sync,
      };
    });
  }

  /** The blocks, newest first: each checkpoint with the entries it added and the hash of the one before it. */
  async checkpoints(): Promise<CheckpointView[]> {
    const s = await this.access.backend();
    return blocks(s.origin, s.checkpointList()).reverse();
  }

  /**
   * The verified entries after `since` for the UI's cached index (renderer/src/workspace/ledger-index.ts). The
   * mark is the origin and the RFC 9162 §2.1.1 root of the first `size` entries: a cache of another log, or of a
   * view that forked from this one, does not match and is told to start again from entry 0.
   */
  async index(since: IndexMark | null, limit: number): Promise<IndexPage> {
    const s = await this.access.backend();
    return s.exclusive(async () => {
      const cp = await s.currentCheckpoint();
      const total = Math.min(cp.size, s.entries.length);
      let tree = this.trees.get(s);
      if (!tree) this.trees.set(s, (tree = new MemoryTree()));
      while (tree.size < total) tree.appendLeafHash(leafHash(s.entries[tree.size]!));
      const continues = since !== null && since.origin === s.origin && since.size <= total && toHex(tree.root(since.size)) === since.root;
      const from = continues ? since.size : 0;
      const to = Math.min(total, from + limit);
      const exhibitCase = new Map([...s.state.exhibits.values()].map((e) => [e.exhibitId, e.caseId]));
      const entries: IndexEntry[] = [];
      for (let index = from; index < to; index++) {
        const r = s.applied[index]!.record as Record<string, unknown> & { type: string; time: string };
        if (!TIMELINE_TYPES.includes(r.type)) continue;
        const exhibitId = typeof r.exhibitId === 'string' ? r.exhibitId : null;
        const caseId = typeof r.caseId === 'string' ? r.caseId : exhibitId ? (exhibitCase.get(exhibitId) ?? null) : null;
        const facts = factsOf(s, r);
        if (r.type === 'case.open') {
          const by = this.access.person(s, s.state.cases.get(String(r.caseId))?.openedBy ?? '');
          Object.assign(facts, { description: String(r.description ?? ''), openedBy: by.name, openedByBadge: by.badge, openedByKey: by.keyId });
        }
        entries.push({ index, type: r.type, time: r.time, caseId, exhibitId, facts });
      }
      return { origin: s.origin, continues, from, entries, mark: { origin: s.origin, size: to, root: toHex(tree.root(to)) }, total };
    });
  }
}

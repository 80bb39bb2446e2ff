// A verifying mirror of one or more ledgers. For each log it keeps a full copy in the C2SP tlog-tiles layout
// (DIR/logs/<origin hash>/, servable to other peers as-is) and advances it only to checkpoints that are
// (1) signed by the configured log key, (2) cosigned by the genesis witness policy's quorum (final), and
// (3) consistent with the last checkpoint it trusted: the new entries, appended to the tree it already verified,
// must hash to the new signed root (which is a proof of consistency: the old tree is a prefix of the new one).
// Every new entry is checked against the record rules (app/ledger/rules.ts) before anything is written.
//
// Big gaps are fetched in chunks of whole entry bundles; each chunk's tree (size s) is proven a prefix of the
// target checkpoint with an RFC 9162 consistency proof built from the peer's hash tiles, so a chunk is written
// only once verified, and memory stays bounded by one chunk. The checkpoint file is written last.
//
// Peers are tried in order; one that is down, serves a bad checkpoint, bad tiles, truncated bundles or an
// oversized body is skipped (a 'peer-error' event says why) and the next one is used. Gossip with peers
// (POST <peer>/gossip with our latest checkpoint) detects forks: two log-signed checkpoints that cannot both
// be views of one append-only tree. Both notes are kept in DIR/forks/<origin hash>/ and the log enters the
// 'fork' state, which stops it from advancing.
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeVerifier } from '../crypto/bulk-verify';
import { ensureDirDurable, writeFileAtomic } from '../fs/atomic';
import { bytesEqual, utf8Decode, utf8ToBytes } from '../ledger/bytes';
import { type Checkpoint, openCheckpoint } from '../ledger/checkpoint';
import { decodeBundle, encodeBundle, entriesPath, hashesAtLevel, TILE_WIDTH, tilePath, tileWidthAt } from '../ledger/layout';
import { type LoadedLog, loadLog } from '../ledger/log';
import { MemoryTree, leafHash, verifyConsistency } from '../ledger/merkle';
import { type NoteVerifier, parseVerifierKey } from '../ledger/note';
import { EntryRejectedError, LedgerState, RuleError, parseEntry } from '../ledger/rules';
import { FsLogDriver } from '../ledger/storage/fs';
import { NotFoundError, consistencyProofFromTiles, fetchTile, tileFromTree } from '../ledger/tiles';
import { type ParsedPolicy, type WitnessPolicy, checkPolicy, parsePolicy } from '../witness/cosignature';
import { type ForkEvidence, ForkStore } from '../witness/fork';
import { fetchLimited } from '../witness/http';
import { type Observation, observeCheckpoint } from '../witness/gossip';

export type { Observation };
import { originHash } from '../witness/witness';
import { PeerError, PeerFetcher } from './peer';
import { EvidenceError } from '../common/errors';

export class MirrorError extends EvidenceError<'MIRROR_CONFIG' | 'MIRROR_TRUST_ROOT' | 'MIRROR_RULES' | 'MIRROR_NO_PEER'> {
  override name = 'MirrorError';
  constructor(
    code: 'MIRROR_CONFIG' | 'MIRROR_TRUST_ROOT' | 'MIRROR_RULES' | 'MIRROR_NO_PEER',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

export interface MirrorLogConfig {
  readonly origin: string;
  /** The log's Ed25519 signed-note vkey (the trust root, with the witness policy in its genesis). */
  readonly logKey: string;
  /** Log prefix URLs serving checkpoint + tile/… (the node, other mirrors), tried in order. */
  readonly peers: string[];
  /** Gossip endpoints (POST, body = checkpoint note) of nodes, witnesses and mirrors. */
  readonly gossip?: string[];
}

export interface MirrorConfig {
  readonly logs: MirrorLogConfig[];
}

export const MIRROR_CONFIG_FILE = 'mirror.json';

export type SyncStateName = 'empty' | 'syncing' | 'synced' | 'behind' | 'fork' | 'halted';

/** What a log's sync looks like now (forwarded by the workstation host as `onSyncState`). */
export interface SyncState {
  readonly origin: string;
  readonly state: SyncStateName;
  /** Size of the last trusted (final) checkpoint. */
  readonly size: number;
  /** Size being synced to, while syncing. */
  readonly target?: number;
  readonly peer?: string;
  /** Why the log is halted or behind. */
  readonly error?: string;
  /** Why it is behind, as a stable code: no peer serves a final checkpoint yet, or none served a verifiable copy. */
  readonly behind?: 'noFinalCheckpoint' | 'noVerifiableCopy';
  readonly forks: number;
}

export interface PeerErrorEvent {
  readonly origin: string;
  readonly peer: string;
  readonly error: string;
}

export interface MirrorLogOptions {
  /** Entry bundles per verified chunk (default 64 = 16,384 entries). */
  chunkBundles?: number;
  timeoutMs?: number;
}


interface Candidate {
  readonly peer: PeerFetcher;
  readonly note: string;
  readonly checkpoint: Checkpoint;
}

export class MirrorLog extends EventEmitter {
  readonly origin: string;
  readonly logKey: NoteVerifier;
  readonly driver: FsLogDriver;
  readonly forks: ForkStore;
  private readonly peers: PeerFetcher[];
  private readonly gossipUrls: string[];
  private tree = new MemoryTree();
  private leaves: Uint8Array[] = [];
  private tail: Uint8Array[] = [];
  private rules = new LedgerState();
  private policy: ParsedPolicy | undefined;
  private current: { checkpoint: Checkpoint; note: string } | undefined;
  private status: SyncState;
  private running: Promise<SyncState> | undefined;
  private readonly chunkBundles: number;
  /** Set while verified entries are being applied and written (a failure then is not the peer's). */
  private committing = false;

  private constructor(readonly dir: string, readonly config: MirrorLogConfig, opts: MirrorLogOptions) {
    super();
    this.origin = config.origin;
    this.logKey = parseVerifierKey(config.logKey);
    this.driver = new FsLogDriver(join(dir, 'logs', originHash(config.origin)));
    this.forks = new ForkStore(join(dir, 'forks', originHash(config.origin)));
    this.peers = config.peers.map((p) => new PeerFetcher(p, opts.timeoutMs));
    this.gossipUrls = config.gossip ?? [];
    this.chunkBundles = Math.max(1, opts.chunkBundles ?? 64);
    this.status = { origin: this.origin, state: 'empty', size: 0, forks: 0 };
  }

  /** Opens the local copy, re-verifying it completely (signatures, tiles, rules, quorum). */
  static async open(dir: string, config: MirrorLogConfig, opts: MirrorLogOptions = {}): Promise<MirrorLog> {
    const m = new MirrorLog(dir, config, opts);
    await m.load();
    return m;
  }

  private async load(): Promise<void> {
    const forks = (await this.forks.list()).length;
    try {
      await this.driver.get('checkpoint');
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      this.status = { origin: this.origin, state: forks > 0 ? 'fork' : 'empty', size: 0, forks };
      return;
    }
    const rules = new LedgerState();
    const loaded: LoadedLog = await loadLog(this.driver, {
      logKey: this.logKey,
      origin: this.origin,
      onEntry: (e) => {
        rules.apply(e, { verifier: nodeVerifier });
      },
    });
    this.rules = rules;
    this.policy = this.policyFromGenesis(rules);
    const checked = checkPolicy(loaded.checkpoint.note, this.logKey, this.policy, this.origin);
    if (!checked.final) throw new MirrorError('MIRROR_TRUST_ROOT', `stored checkpoint of ${this.origin} (size ${checked.checkpoint.size}) is not final under the genesis witness policy`);
    this.tree = loaded.tree;
    this.leaves = Array.from({ length: loaded.tree.size }, (_, i) => loaded.tree.node({ level: 0, index: i }));
    const size = loaded.tree.size;
    this.tail = loaded.entries.slice(size - (size % TILE_WIDTH));
    this.current = { checkpoint: loaded.checkpoint.checkpoint, note: loaded.checkpoint.note };
    this.status = { origin: this.origin, state: forks > 0 ? 'fork' : 'synced', size, forks };
  }

  private policyFromGenesis(rules: LedgerState): ParsedPolicy {
    const g = rules.genesis;
    if (!g) throw new MirrorError('MIRROR_TRUST_ROOT', `${this.origin}: the log has no genesis entry`);
    if (g.logKey !== this.logKey.vkey) {
      throw new MirrorError('MIRROR_TRUST_ROOT', `${this.origin}: the genesis names log key ${g.logKey}, but this mirror trusts ${this.logKey.vkey}`);
    }
    return parsePolicy(g.witnessPolicy as WitnessPolicy);
  }

  get state(): SyncState {
    return this.status;
  }

  /** The trusted (final, cosigned) checkpoint note, if any. */
  get note(): string | undefined {
    return this.current?.note;
  }

  get size(): number {
    return this.tree.size;
  }

  /** Root of the verified tree at `size` (for fork checks and proofs). */
  rootAt(size: number): Uint8Array {
    return this.tree.root(size);
  }

  /** The verified in-memory tree (proofs are served from it). */
  get merkle(): MemoryTree {
    return this.tree;
  }

  /** The ledger state after replaying every verified entry with the record rules. */
  get ledger(): LedgerState {
    return this.rules;
  }

  private setState(s: Partial<SyncState> & { state: SyncStateName }): void {
    const next: SyncState = { origin: this.origin, size: this.tree.size, forks: this.status.forks, ...s };
    this.status = next;
    this.emit('state', next);
  }

  private peerError(peer: string, err: unknown): void {
    const ev: PeerErrorEvent = { origin: this.origin, peer, error: err instanceof Error ? err.message : String(err) };
    this.emit('peer-error', ev);
  }

  /** Checks a log-signed checkpoint seen elsewhere (gossip, a peer) against our verified tree (witness/gossip.ts). */
  async observe(note: string, source: string): Promise<Observation> {
    let r: Awaited<ReturnType<typeof observeCheckpoint>>;
    try {
      r = await observeCheckpoint({ origin: this.origin, logKey: this.logKey, current: this.current, rootAt: (n) => this.tree.root(n), forks: this.forks }, note, source);
    } catch (err) {
      this.peerError(source, err);
      return 'unknown';
    }
    if (r.verdict === 'fork') await this.forkFound(r.evidence!, r.isNew === true);
    return r.verdict;
  }

  private async recordFork(e: Omit<ForkEvidence, 'detectedAt'>): Promise<void> {
    await this.forkFound(e, await this.forks.record(e));
  }

  private async forkFound(e: Omit<ForkEvidence, 'detectedAt'>, isNew: boolean): Promise<void> {
    if (isNew) {
      const forks = (await this.forks.list()).length;
      this.status = { ...this.status, forks };
      this.emit('fork', { ...e, detectedAt: new Date().toISOString() } satisfies ForkEvidence);
    }
    this.setState({ state: 'fork', error: e.reason });
  }

  /** Sends our trusted checkpoint to every gossip endpoint and checks what each answers. */
  async gossipOnce(): Promise<Observation[]> {
    const out: Observation[] = [];
    const ours = this.current?.note;
    if (!ours) return out;
    for (const url of this.gossipUrls) {
      try {
        const res = await fetchLimited(url, { method: 'POST', body: ours, limit: 1 << 20, timeoutMs: 10_000 });
        if (res.status !== 200) {
          if (res.status !== 404) this.peerError(url, new Error(`gossip answered HTTP ${res.status}`));
          continue;
        }
        out.push(await this.observe(utf8Decode(res.body), url));
      } catch (err) {
        this.peerError(url, err);
      }
    }
    return out;
  }

  /** One sync round (concurrent callers share it). */
  sync(): Promise<SyncState> {
    if (!this.running) {
      this.running = this.syncRound().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private async syncRound(): Promise<SyncState> {
    if (this.status.state === 'fork' || this.status.state === 'halted') return this.status;
    // 1. Every peer's checkpoint, log-signed; each is also checked against our tree (and each other) for forks.
    const candidates: Candidate[] = [];
    for (const peer of this.peers) {
      try {
        const note = utf8Decode(await peer.get('checkpoint'));
        const cp = openCheckpoint(note, this.logKey, { origin: this.origin }).checkpoint;
        if ((await this.observe(note, peer.prefix)) === 'fork') return this.status;
        const clash = candidates.find((c) => c.checkpoint.size === cp.size && !bytesEqual(c.checkpoint.root, cp.root));
        if (clash) {
          await this.recordFork({ origin: this.origin, reason: `peers serve two checkpoints of size ${cp.size} with different roots`, ours: clash.note, theirs: note, source: `${clash.peer.prefix} vs ${peer.prefix}` });
          return this.status;
        }
        candidates.push({ peer, note, checkpoint: cp });
      } catch (err) {
        this.peerError(peer.prefix, err);
      }
    }
    // 2. Targets: final checkpoints beyond ours, largest first (finality is judged once the policy is known).
    const ahead = candidates
      .filter((c) => c.checkpoint.size > this.tree.size)
      .filter((c) => !this.policy || this.isFinal(c))
      .sort((a, b) => b.checkpoint.size - a.checkpoint.size);
    if (ahead.length === 0) {
      const state: SyncStateName = this.current ? 'synced' : 'empty';
      const behind = candidates.some((c) => c.checkpoint.size > this.tree.size);
      this.setState(behind ? { state: 'behind', error: 'peers are ahead but none serves a final checkpoint yet', behind: 'noFinalCheckpoint' } : { state });
      return this.status;
    }
    for (const target of ahead) {
      const sources = [target.peer, ...candidates.filter((c) => c !== target && c.checkpoint.size >= target.checkpoint.size).map((c) => c.peer)];
      for (const peer of sources) {
        try {
          await this.syncTo(target, peer);
          this.setState({ state: 'synced' });
          return this.status;
        } catch (err) {
          if (err instanceof MirrorError || this.committing) {
            // Not the peer's fault: the cosigned log breaks the rules or the trust root, or our disk failed
            // mid-write. Stop here; a restart re-verifies the stored copy from scratch.
            this.committing = false;
            this.setState({ state: 'halted', error: (err as Error).message });
            return this.status;
          }
          this.peerError(peer.prefix, err);
          this.rollback();
        }
      }
    }
    this.setState({ state: 'behind', error: 'no peer served a verifiable copy of the latest final checkpoint', behind: 'noVerifiableCopy' });
    return this.status;
  }

  private isFinal(c: Candidate): boolean {
    try {
      return checkPolicy(c.note, this.logKey, this.policy!, this.origin).final;
    } catch (err) {
      this.peerError(c.peer.prefix, err);
      return false;
    }
  }

  /** Rebuilds the in-memory tree from the verified leaves after a peer's chunk failed verification. */
  private rollback(): void {
    if (this.tree.size === this.leaves.length) return;
    const t = new MemoryTree();
    for (const h of this.leaves) t.appendLeafHash(h);
    this.tree = t;
  }

  /** Fetches, verifies and stores everything from our size to `target`, chunk by chunk, from `peer`. */
  private async syncTo(target: Candidate, peer: PeerFetcher): Promise<void> {
    const goal = target.checkpoint.size;
    this.setState({ state: 'syncing', target: goal, peer: peer.prefix });
    let finalChecked = false;
    while (this.tree.size < goal) {
      const start = this.tree.size;
      const firstBundle = Math.floor(start / TILE_WIDTH);
      const end = Math.min(goal, (firstBundle + this.chunkBundles) * TILE_WIDTH);
      // Fetch the chunk's bundles; entries below `start` in the first bundle must equal ours.
      const fresh: Uint8Array[] = [];
      const bundles: Array<{ index: number; entries: Uint8Array[] }> = [];
      for (let b = firstBundle; b * TILE_WIDTH < end; b++) {
        const width = Math.min(TILE_WIDTH, end - b * TILE_WIDTH);
        let list = decodeBundle(await fetchTile(peer, { level: 'entries', index: b, width }));
        if (list.length > width && width < TILE_WIDTH) list = list.slice(0, width);
        if (list.length !== width) throw new PeerError('MIRROR_PEER_BAD_RESPONSE', peer.prefix, `${entriesPath(b, width)} holds ${list.length} entries, expected ${width}`);
        const known = b === firstBundle ? start - b * TILE_WIDTH : 0;
        for (let i = 0; i < known; i++) {
          if (!bytesEqual(list[i]!, this.tail[i]!)) throw new PeerError('MIRROR_PEER_BAD_RESPONSE', peer.prefix, `entry ${b * TILE_WIDTH + i} in ${entriesPath(b, width)} differs from the verified copy`);
        }
        fresh.push(...list.slice(known));
        bundles.push({ index: b, entries: list });
      }
      // Hash the chunk onto the verified tree and prove it is a prefix of the target checkpoint.
      for (const e of fresh) this.tree.appendLeafHash(leafHash(e));
      const chunkRoot = this.tree.root(end);
      if (end === goal) {
        if (!bytesEqual(chunkRoot, target.checkpoint.root)) throw new PeerError('MIRROR_PEER_BAD_RESPONSE', peer.prefix, `entries ${start}..${end - 1} do not hash to the checkpoint root of size ${goal}`);
      } else {
        const proof = await consistencyProofFromTiles(peer, end, goal);
        try {
          verifyConsistency(end, goal, proof, chunkRoot, target.checkpoint.root);
        } catch (err) {
          throw new PeerError('MIRROR_PEER_BAD_RESPONSE', peer.prefix, `entries ${start}..${end - 1} are not a prefix of the checkpoint of size ${goal}: ${(err as Error).message}`, { cause: err });
        }
      }
      // The trust root and quorum: the policy comes from the verified genesis (entry 0).
      if (!this.policy) {
        const first = start === 0 ? fresh[0] : undefined;
        if (!first) throw new MirrorError('MIRROR_TRUST_ROOT', `${this.origin}: no genesis to take the witness policy from`);
        const g = parseEntry(first).record;
        if (g.type !== 'genesis') throw new MirrorError('MIRROR_TRUST_ROOT', `${this.origin}: entry 0 is a ${g.type}, not the genesis`);
        if (g.logKey !== this.logKey.vkey) throw new MirrorError('MIRROR_TRUST_ROOT', `${this.origin}: the genesis names log key ${g.logKey}, but this mirror trusts ${this.logKey.vkey}`);
        this.policy = parsePolicy(g.witnessPolicy as WitnessPolicy);
      }
      if (!finalChecked) {
        const r = checkPolicy(target.note, this.logKey, this.policy, this.origin);
        if (!r.final) throw new PeerError('MIRROR_PEER_BAD_RESPONSE', peer.prefix, `checkpoint of size ${goal} has ${r.cosigners.length} of the ${this.policy.quorum} witness cosignatures the genesis requires`);
        finalChecked = true;
      }
      // The record rules, entry by entry, before anything is written. From here on a failure is ours, not the peer's.
      this.committing = true;
      for (const [i, e] of fresh.entries()) {
        try {
          this.rules.apply(e, { verifier: nodeVerifier });
        } catch (err) {
          if (err instanceof RuleError) {
            const rejected = new EntryRejectedError(start + i, err);
            throw new MirrorError('MIRROR_RULES', `${this.origin}: the cosigned log holds an entry the rules reject: ${rejected.message}`, { cause: rejected });
          }
          throw err;
        }
      }
      await this.store(bundles, start, end);
      for (let i = start; i < end; i++) this.leaves.push(this.tree.node({ level: 0, index: i }));
      const last = bundles[bundles.length - 1]!;
      this.tail = last.entries.length === TILE_WIDTH ? [] : last.entries;
      this.committing = false;
      this.emit('progress', { origin: this.origin, size: end, target: goal });
    }
    await this.driver.put('checkpoint', utf8ToBytes(target.note));
    this.current = { checkpoint: target.checkpoint, note: target.note };
  }

  /** Writes verified bundles and the hash tiles for [start, end), then drops superseded partial tiles. */
  private async store(bundles: Array<{ index: number; entries: Uint8Array[] }>, start: number, end: number): Promise<void> {
    const superseded: string[] = [];
    for (const b of bundles) {
      await this.driver.put(entriesPath(b.index, b.entries.length), encodeBundle(b.entries));
      if (b.entries.length === TILE_WIDTH && b.index * TILE_WIDTH < start) superseded.push(entriesPath(b.index));
    }
    for (let level = 0; hashesAtLevel(level, end) > 0; level++) {
      const hOld = hashesAtLevel(level, start);
      const hNew = hashesAtLevel(level, end);
      if (hNew === hOld) continue;
      for (let t = Math.floor(hOld / TILE_WIDTH); t * TILE_WIDTH < hNew; t++) {
        const tile = { level, index: t, width: tileWidthAt(level, t, end) };
        await this.driver.put(tilePath(tile), tileFromTree(this.tree, tile));
        if (tile.width === TILE_WIDTH && t * TILE_WIDTH < hOld) superseded.push(tilePath(tile));
      }
    }
    for (const p of superseded) await this.driver.deletePartials(p);
  }
}

/** All the logs one mirror follows (DIR/mirror.json), with a timer for sync and gossip rounds. */
export class Mirror extends EventEmitter {
  private timer: NodeJS.Timeout | undefined;
  private constructor(readonly dir: string, readonly logs: Map<string, MirrorLog>) {
    super();
    for (const log of logs.values()) {
      log.on('state', (s: SyncState) => this.emit('state', s));
      log.on('progress', (p: unknown) => this.emit('progress', p));
      log.on('fork', (f: ForkEvidence) => this.emit('fork', f));
      log.on('peer-error', (e: PeerErrorEvent) => this.emit('peer-error', e));
    }
  }

  static async open(dir: string, opts: MirrorLogOptions = {}): Promise<Mirror> {
    const cfg = await readMirrorConfig(dir);
    const logs = new Map<string, MirrorLog>();
    for (const l of cfg.logs) logs.set(l.origin, await MirrorLog.open(dir, l, opts));
    return new Mirror(dir, logs);
  }

  /** The log with the given SHA-256 origin hash (for the tile server). */
  byHash(hash: string): MirrorLog | undefined {
    for (const [origin, log] of this.logs) if (originHash(origin) === hash) return log;
    return undefined;
  }

  async syncAll(): Promise<SyncState[]> {
    const out: SyncState[] = [];
    for (const log of this.logs.values()) out.push(await log.sync());
    return out;
  }

  async gossipAll(): Promise<void> {
    for (const log of this.logs.values()) await log.gossipOnce();
  }

  /** Runs sync + gossip rounds every `intervalMs` until stop(). */
  start(intervalMs: number): void {
    const round = async (): Promise<void> => {
      try {
        await this.syncAll();
        await this.gossipAll();
      } catch (err) {
        this.emit('error-round', err);
      }
      if (this.timer !== undefined) this.timer = setTimeout(() => void round(), intervalMs);
    };
    this.timer = setTimeout(() => void round(), 0);
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  states(): SyncState[] {
    return [...this.logs.values()].map((l) => l.state);
  }
}

export async function readMirrorConfig(dir: string): Promise<MirrorConfig> {
  let raw: string;
  try {
    raw = await readFile(join(dir, MIRROR_CONFIG_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { logs: [] };
    throw err;
  }
  const cfg = JSON.parse(raw) as MirrorConfig;
  if (!cfg || !Array.isArray(cfg.logs)) throw new MirrorError('MIRROR_CONFIG', `${join(dir, MIRROR_CONFIG_FILE)} must hold { logs: [{ origin, logKey, peers, gossip? }] }`);
  return cfg;
}

/** Adds or replaces a followed log in DIR/mirror.json (atomic write). */
export async function addMirrorLog(dir: string, log: MirrorLogConfig): Promise<MirrorConfig> {
  parseVerifierKey(log.logKey);
  await ensureDirDurable(dir);
  const cfg = await readMirrorConfig(dir);
  const next: MirrorConfig = { logs: [...cfg.logs.filter((l) => l.origin !== log.origin), log] };
  await writeFileAtomic(join(dir, MIRROR_CONFIG_FILE), utf8ToBytes(`${JSON.stringify(next, null, 2)}\n`), { mode: 0o644, overwrite: true });
  return next;
}

// `evidence log verify`: a full audit of a log. Every entry bundle and hash tile is checked against the signed
// checkpoint, every entry against the record rules (the same state machine the sequencer runs), and every
// signature with node:crypto. The log's key comes from its genesis entry (or is pinned with `logKey`); witness
// cosignatures are checked against the genesis witness policy. On failure the error names the first bad entry
// index or resource, in the order loadLog would find them: checkpoint, bundles, tiles, root, log key, then the
// first entry the rules or a signature refuse.
//
// One pipeline: bundles are read in order and cut into chunks; worker threads do everything per entry that needs
// no ledger state (audit-worker.ts: leaf hash, parse, schema, stateless rules, signatures) and send back compact
// results; the main thread only appends leaf hashes to the tree and runs the stateful rules in log order. The
// workers start from the built audit-worker.ts (out/workers/audit-worker.cjs: tens of ms each); until one is
// ready, the main thread processes chunks itself.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { nodeHashChildren, nodeSha256, nodeVerifier } from '../crypto/bulk-verify';
import { publicKeyToSpkiDer } from '../crypto/secp256k1';
import { toBase64 } from '../crypto/encoding';
import { openCheckpoint } from './checkpoint';
import { bundlesForSize, encodeBundle, TILE_WIDTH } from './layout';
import { LogVerifyError, checkTree, loadLog, openLogCheckpoint, readBundle, readCheckpoint } from './log';
import { HASH_SIZE, MemoryTree } from './merkle';
import { type NoteVerifier, parseVerifierKey } from './note';
import { LedgerState, RuleError, parseEntry } from './rules';
import type { TileFetcher } from './tiles';
import { type ChunkRequest, type ChunkResult, processChunk } from './audit-worker';
import { CheckPool, type Job } from './check-pool';

export interface AuditOptions {
  /** Pin the log key (vkey text); otherwise the genesis entry's logKey is used and reported. */
  logKey?: string;
  /** Worker threads (default: available parallelism). 0 does everything on the main thread. */
  workers?: number;
  onProgress?: (phase: 'read' | 'rules', done: number, total: number) => void;
}

export interface AuditSummary {
  origin: string;
  size: number;
  root: string;
  logKey: string;
  logKeyPinned: boolean;
  types: Record<string, number>;
  signatures: number;
  /** Of `signatures`, those verified on the main thread (before any worker was ready, or with workers: 0). */
  signaturesOnMainThread: number;
  members: number;
  activeMembers: number;
  cases: number;
  exhibits: number;
  disposed: number;
  cosignatures: Array<{ witness: string; time: string }>;
  witnessQuorum: number;
  final: boolean;
  /** Every entry bundle read (overlapping with verification), from the start of the audit. */
  readMs: number;
  /** Every worker ready (start-up), from the start of the audit; 0 without workers. */
  workersReadyMs: number;
  /** Every entry parsed, verified and applied to the rules, from the start of the audit. */
  entriesMs: number;
  /** Everything, hash tiles, root and checkpoint included. */
  totalMs: number;
}

/** Entries per worker message: small enough that the last ones keep every worker busy, large enough to amortise a message. */
const CHUNK_ENTRIES = 64;
/** Chunks read ahead of the rules (bounds memory: ~64 KiB of entries each at most ×64). */
const MAX_PENDING_CHUNKS = 64;

const RAW_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
const key = createPublicKey({ key: Buffer.from(workerData.spki), format: 'der', type: 'spki' });
const sig = Buffer.from(workerData.sig);
const bytes = Buffer.from(workerData.bytes);
parentPort.on('message', (ms) => {
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    for (let i = 0; i < 20; i++) if (!verify('sha256', bytes, { key, dsaEncoding: 'ieee-p1363' }, sig)) throw new Error('raw verify failed');
    n += 20;
  }
  parentPort.postMessage((n / (performance.now() - t0)) * 1000);
});
`;

/**
 * Raw node:crypto verifications per second with `threads` worker threads verifying one signature at once (each
 * on its own core when the machine has them): the baseline the audit's signature throughput is compared with.
 * The workers run nothing but node:crypto's verify, and share nothing with the audit's workers.
 */
export async function measureRawVerifyRate(threads: number, sample: { sig: Uint8Array; bytes: Uint8Array; pub: Uint8Array }, ms = 2000): Promise<number> {
  const workerData = { spki: publicKeyToSpkiDer(sample.pub), sig: sample.sig, bytes: sample.bytes };
  const workers = Array.from({ length: threads }, () => new Worker(RAW_WORKER_SOURCE, { eval: true, execArgv: [], workerData }));
  const round = (t: number) =>
    Promise.all(workers.map((w) => new Promise<number>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
      w.postMessage(t);
    })));
  try {
    await round(200); // warm-up: start-up and JIT
    return (await round(ms)).reduce((a, b) => a + b, 0);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/**
 * A chunk of a bundle's entries in entry-bundle form for a worker: one copy of their span of the bundle when
 * they lie in it back to back behind their length prefixes (as readBundle returns them), else re-encoded.
 */
function chunkBytes(part: readonly Uint8Array[]): Uint8Array {
  const first = part[0]!;
  const buf = new Uint8Array(first.buffer, 0, first.buffer.byteLength);
  let p = first.byteOffset;
  for (const e of part) {
    if (e.buffer !== first.buffer || e.byteOffset !== p || p < 2 || ((buf[p - 2]! << 8) | buf[p - 1]!) !== e.length) return encodeBundle(part);
    p += e.length + 2;
  }
  return buf.slice(first.byteOffset - 2, p - 2);
}

function genesisLogKey(entry0: Uint8Array | undefined): NoteVerifier {
  if (entry0 === undefined) throw new LogVerifyError('LEDGER_ENTRY_REJECTED', 'the log is empty: no genesis names its key', { index: 0 });
  try {
    const { record } = parseEntry(entry0);
    if (record.type !== 'genesis') throw new RuleError('LEDGER_RULE_GENESIS', 400, `entry 0 is a ${record.type}, not the genesis`, 'record.type');
    return parseVerifierKey(record.logKey);
  } catch (err) {
    throw new LogVerifyError('LEDGER_ENTRY_REJECTED', `entry 0: ${(err as Error).message}`, { index: 0 }, { cause: err });
  }
}

/** Audits a whole log; resolves to a summary or rejects with LogVerifyError naming the first problem. */
export async function auditLog(fetcher: TileFetcher, opts: AuditOptions = {}): Promise<AuditSummary> {
  const t0 = performance.now();
  const pinned = opts.logKey !== undefined ? parseVerifierKey(opts.logKey) : undefined;
  const nWorkers = opts.workers ?? Math.max(1, availableParallelism());
  // Start the workers first: their start-up overlaps with reading the log.
  const pool = nWorkers > 0 ? new CheckPool(nWorkers, t0) : undefined;
  try {
    return await audit(fetcher, opts, pinned, pool, t0);
  } finally {
    await pool?.close();
  }
}

interface Pending {
  first: number;
  count: number;
  req: ChunkRequest;
  job?: Job;
}

async function audit(fetcher: TileFetcher, opts: AuditOptions, pinned: NoteVerifier | undefined, pool: CheckPool | undefined, t0: number): Promise<AuditSummary> {
  const { note, peeked } = await readCheckpoint(fetcher);
  const size = peeked.size;
  const tree = new MemoryTree(nodeHashChildren);
  const state = new LedgerState();
  const types: Record<string, number> = {};
  let signatures = 0;
  let signaturesOnMainThread = 0;
  /** The first entry the rules or a signature refuse; reported once the tree and checkpoint are known good. */
  let refused: LogVerifyError | undefined;
  let entry0: Uint8Array | undefined;

  const refuse = (index: number, message: string, cause?: unknown) => {
    refused = new LogVerifyError('LEDGER_ENTRY_REJECTED', `entry ${index}: ${message}`, { index }, cause === undefined ? undefined : { cause });
  };
  const apply = (p: Pending, r: ChunkResult) => {
    for (let i = 0; i < p.count; i++) tree.appendLeafHash(r.leafHashes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
    signatures += r.verified;
    if (refused) return;
    for (const [k, e] of r.entries.entries()) {
      const index = p.first + k;
      if ('rule' in e) {
        const { code, status, message, field } = e.rule;
        refuse(index, message, new RuleError(code, status as RuleError['status'], message, field));
        return;
      }
      if ('signature' in e) {
        refuse(index, `signature ${e.signature.at} does not verify (${e.signature.reason}: ${e.signature.detail})`);
        return;
      }
      try {
        state.applyFacts(e.facts);
      } catch (err) {
        if (!(err instanceof RuleError)) throw err;
        refuse(index, err.message, err);
        return;
      }
      types[e.facts.record.type] = (types[e.facts.record.type] ?? 0) + 1;
    }
    opts.onProgress?.('rules', state.size, size);
  };
  const inline = (req: ChunkRequest): ChunkResult => {
    const r = processChunk(req);
    signaturesOnMainThread += r.verified;
    return r;
  };
  const pending: Pending[] = [];
  const settleHead = async () => {
    const p = pending.shift()!;
    if (p.job && !pool!.reclaim(p.job)) {
      apply(p, await p.job.result);
      return;
    }
    apply(p, inline(p.req));
    // Let the event loop run (workers reporting ready): awaiting nothing but microtasks, the
    // main thread would process every chunk itself before a worker could ever start.
    if (pool) await new Promise((resolve) => setImmediate(resolve));
  };

  let read = 0;
  for (const b of bundlesForSize(size)) {
    const list = await readBundle(fetcher, b);
    if (b.index === 0) entry0 = list[0]!.slice();
    for (let i = 0; i < list.length; i += CHUNK_ENTRIES) {
      const part = list.slice(i, i + CHUNK_ENTRIES);
      const req: ChunkRequest = { bytes: chunkBytes(part), ...(refused ? { hashOnly: true } : {}) };
      pending.push({ first: b.index * TILE_WIDTH + i, count: part.length, req, ...(pool ? { job: pool.submit(req) } : {}) });
    }
    read += list.length;
    opts.onProgress?.('read', read, size);
    while (pending.length > MAX_PENDING_CHUNKS || (pending.length > 0 && !pool)) await settleHead();
  }
  const t1 = performance.now();
  while (pending.length > 0) await settleHead();
  const t2 = performance.now();

  await checkTree(fetcher, tree, peeked);
  const genesisKey = genesisLogKey(entry0);
  if (pinned && genesisKey.vkey !== pinned.vkey) {
    throw new LogVerifyError('LEDGER_CHECKPOINT_INVALID', `the genesis names log key ${genesisKey.vkey}, not the pinned ${pinned.vkey}`, { index: 0 });
  }
  openLogCheckpoint(note, genesisKey);
  if (refused) throw refused;

  // Witness cosignatures, judged by the genesis witness policy.
  const g = state.genesis!;
  const witnesses = g.witnessPolicy.witnesses.map((w) => parseVerifierKey(w.vkey));
  const cp = openCheckpoint(note, genesisKey, { witnesses });
  const members = [...state.members.values()];
  const exhibits = [...state.exhibits.values()];
  return {
    origin: cp.checkpoint.origin,
    size: cp.checkpoint.size,
    root: toBase64(cp.checkpoint.root),
    logKey: genesisKey.vkey,
    logKeyPinned: pinned !== undefined,
    types,
    signatures,
    signaturesOnMainThread,
    members: members.length,
    activeMembers: members.filter((m) => m.revokedAt === undefined).length,
    cases: state.cases.size,
    exhibits: exhibits.length,
    disposed: exhibits.filter((e) => e.disposedAt !== undefined).length,
    cosignatures: cp.cosignatures.map((c) => ({ witness: c.witness.name, time: new Date(Number(c.time) * 1000).toISOString() })),
    witnessQuorum: g.witnessPolicy.quorum,
    final: cp.cosignatures.length >= g.witnessPolicy.quorum,
    readMs: t1 - t0,
    workersReadyMs: pool ? await pool.ready : 0,
    entriesMs: t2 - t0,
    totalMs: performance.now() - t0,
  };
}

/**
 * A verified local view of a ledger for other services (e.g. the provider's membership directory): loads and
 * verifies the log (tiles, checkpoint by the pinned or genesis log key) and replays every entry through the
 * rules with node:crypto signature checks. `state.members` maps key ids to role, enrolment and revocation.
 */
export async function loadLedgerState(fetcher: TileFetcher, opts: { logKey?: string } = {}): Promise<{ state: LedgerState; size: number; checkpointNote: string }> {
  const pinned = opts.logKey !== undefined ? parseVerifierKey(opts.logKey) : undefined;
  const loaded = await loadLog(fetcher, {
    resolveLogKey: (entries) => {
      const k = genesisLogKey(entries[0]);
      if (pinned && k.vkey !== pinned.vkey) throw new LogVerifyError('LEDGER_CHECKPOINT_INVALID', `the genesis names log key ${k.vkey}, not the pinned ${pinned.vkey}`, { index: 0 });
      return k;
    },
  });
  const state = new LedgerState();
  for (const [i, e] of loaded.entries.entries()) {
    try {
      state.apply(e, { verifier: nodeVerifier, sha256: nodeSha256 });
    } catch (err) {
      if (err instanceof RuleError) throw new LogVerifyError('LEDGER_ENTRY_REJECTED', `entry ${i}: ${err.message}`, { index: i }, { cause: err });
      throw err;
    }
  }
  return { state, size: loaded.entries.length, checkpointNote: loaded.checkpoint.note };
}

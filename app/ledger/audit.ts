// `evidence log verify`: a full audit of a log. Every entry bundle and hash tile is checked against the signed
// checkpoint (loadLog), every entry against the record rules (the same state machine the sequencer runs), and
// every signature with node:crypto spread over worker threads while the main thread runs the rules. The log's
// key comes from its genesis entry (or is pinned with `logKey`); witness cosignatures are checked against the
// genesis witness policy. On failure the error names the first bad entry index or resource.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Secp256k1Verifier } from '../crypto/secp256k1';
import { nodeVerifier } from '../crypto/bulk-verify';
import { toBase64 } from './bytes';
import { openCheckpoint } from './checkpoint';
import { LogVerifyError, loadLog } from './log';
import { type NoteVerifier, parseVerifierKey } from './note';
import { LedgerState, RuleError, parseEntry } from './rules';
import type { TileFetcher } from './tiles';
import type { BatchResult } from './audit-worker';
import type { LedgerRecord } from '../records/schemas';

export interface AuditOptions {
  /** Pin the log key (vkey text); otherwise the genesis entry's logKey is used and reported. */
  logKey?: string;
  /** Worker threads for signature verification (default: available parallelism). 0 verifies on the main thread. */
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
  members: number;
  activeMembers: number;
  cases: number;
  exhibits: number;
  disposed: number;
  cosignatures: Array<{ witness: string; time: string }>;
  witnessQuorum: number;
  final: boolean;
  readMs: number;
  /** When the verification workers had started (module loading), from the start of the audit. */
  workersReadyMs: number;
  rulesMs: number;
  totalMs: number;
}

const BATCH_ENTRIES = 256;

function pack(entries: readonly Uint8Array[], from: number, to: number): Uint8Array {
  let size = 0;
  for (let i = from; i < to; i++) size += 8 + entries[i]!.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let p = 0;
  for (let i = from; i < to; i++) {
    view.setUint32(p, i);
    view.setUint32(p + 4, entries[i]!.length);
    out.set(entries[i]!, p + 8);
    p += 8 + entries[i]!.length;
  }
  return out;
}

/** A pool of verification workers; batches are dealt round-robin. */
class VerifyPool {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, { resolve: (r: BatchResult) => void; reject: (e: unknown) => void }>();
  private nextId = 0;
  private turn = 0;
  /** Resolves (ms since construction) once every worker has loaded its modules. */
  readonly ready: Promise<number>;

  constructor(n: number) {
    const t0 = performance.now();
    let readyCount = 0;
    let markReady: (ms: number) => void = () => undefined;
    this.ready = new Promise((r) => (markReady = r));
    const url = new URL('./audit-worker.mjs', import.meta.url);
    this.workers = Array.from({ length: n }, () => {
      const w = new Worker(url);
      w.on('message', (m: { id: number; result: BatchResult; ready?: boolean }) => {
        if (m.ready) {
          if (++readyCount === n) markReady(performance.now() - t0);
          return;
        }
        this.waiting.get(m.id)?.resolve(m.result);
        this.waiting.delete(m.id);
      });
      w.on('error', (err) => {
        for (const p of this.waiting.values()) p.reject(err);
        this.waiting.clear();
      });
      return w;
    });
  }

  run(buf: Uint8Array): Promise<BatchResult> {
    return this.send({ buf }, [buf.buffer as ArrayBuffer]) as Promise<BatchResult>;
  }

  private send(msg: object, transfer: ArrayBuffer[] = [], worker?: Worker): Promise<unknown> {
    const id = this.nextId++;
    const w = worker ?? this.workers[this.turn++ % this.workers.length]!;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (r: BatchResult) => void, reject });
      w.postMessage({ id, ...msg }, transfer);
    });
  }

  /** Every worker verifies one signature in a loop for `ms`: the pool's raw ceiling (sum of rates). */
  async rawRate(sample: { sig: Uint8Array; bytes: Uint8Array; pub: Uint8Array }, ms: number): Promise<number> {
    const rates = await Promise.all(this.workers.map((w) => this.send({ raw: { ...sample, ms } }, [], w) as Promise<number>));
    return rates.reduce((a, b) => a + b, 0);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Raw node:crypto verifications per second with `threads` worker threads verifying at once (each on its own
 * core when the machine has them): the baseline the audit's signature throughput is compared with.
 */
export async function measureRawVerifyRate(threads: number, sample: { sig: Uint8Array; bytes: Uint8Array; pub: Uint8Array }, ms = 2000): Promise<number> {
  const pool = new VerifyPool(threads);
  try {
    await pool.rawRate(sample, 200); // warm-up: module start-up and JIT
    return await pool.rawRate(sample, ms);
  } finally {
    await pool.close();
  }
}

function genesisLogKey(entries: readonly Uint8Array[]): NoteVerifier {
  if (entries.length === 0) throw new LogVerifyError('LEDGER_ENTRY_REJECTED', 'the log is empty: no genesis names its key', { index: 0 });
  try {
    const { record } = parseEntry(entries[0]!);
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
  // Start the workers first: their start-up (module compilation) overlaps with reading the log.
  const pool = nWorkers > 0 ? new VerifyPool(nWorkers) : undefined;
  try {
    return await audit(fetcher, opts, pinned, nWorkers, pool, t0);
  } finally {
    await pool?.close();
  }
}

async function audit(
  fetcher: TileFetcher,
  opts: AuditOptions,
  pinned: NoteVerifier | undefined,
  nWorkers: number,
  pool: VerifyPool | undefined,
  t0: number,
): Promise<AuditSummary> {
  let genesisKey: NoteVerifier | undefined;
  const loaded = await loadLog(fetcher, {
    resolveLogKey: (entries) => {
      genesisKey = genesisLogKey(entries);
      if (pinned && genesisKey.vkey !== pinned.vkey) {
        throw new LogVerifyError('LEDGER_CHECKPOINT_INVALID', `the genesis names log key ${genesisKey.vkey}, not the pinned ${pinned.vkey}`, { index: 0 });
      }
      return genesisKey;
    },
    ...(opts.onProgress ? { onProgress: (d: number, t: number) => opts.onProgress!('read', d, t) } : {}),
  });
  const t1 = performance.now();
  const entries = loaded.entries;

  const state = new LedgerState();
  const types: Record<string, number> = {};
  let signatures = 0;
  const reject = (i: number, message: string, cause?: unknown) =>
    new LogVerifyError('LEDGER_ENTRY_REJECTED', `entry ${i}: ${message}`, { index: i }, cause === undefined ? undefined : { cause });
  if (!pool) {
    const counting: Secp256k1Verifier = {
      name: 'node:crypto (main thread)',
      verify(signature, message, publicKey) {
        signatures++;
        return nodeVerifier.verify(signature, message, publicKey);
      },
    };
    for (let i = 0; i < entries.length; i++) {
      try {
        const applied = state.apply(entries[i]!, { verifier: counting });
        types[applied.record.type] = (types[applied.record.type] ?? 0) + 1;
      } catch (err) {
        if (err instanceof RuleError) throw reject(i, err.message, err);
        throw err;
      }
    }
  } else {
    // Workers parse and verify signatures in parallel; the main thread applies the stateful rules in order.
    {
      const batches: Array<Promise<BatchResult>> = [];
      let sent = 0;
      const fill = () => {
        while (sent < entries.length && batches.length < nWorkers * 3) {
          const to = Math.min(entries.length, sent + BATCH_ENTRIES);
          batches.push(pool.run(pack(entries, sent, to)));
          sent = to;
        }
      };
      fill();
      while (batches.length > 0) {
        const result = await batches.shift()!;
        fill();
        signatures += result.verified;
        for (const r of result.entries) {
          if ('rule' in r) throw reject(r.index, r.rule.message);
          if ('signature' in r) throw reject(r.index, `signature ${r.signature.at} does not verify (${r.signature.reason}: ${r.signature.detail})`);
          try {
            const applied = state.applyParsed({ envelope: r.envelope, record: r.envelope.record as unknown as LedgerRecord }, { signaturesVerified: true });
            types[applied.record.type] = (types[applied.record.type] ?? 0) + 1;
          } catch (err) {
            if (err instanceof RuleError) throw reject(r.index, err.message, err);
            throw err;
          }
        }
        if (opts.onProgress) opts.onProgress('rules', state.size, entries.length);
      }
    }
  }
  const t2 = performance.now();

  // Witness cosignatures, judged by the genesis witness policy.
  const g = state.genesis!;
  const witnesses = g.witnessPolicy.witnesses.map((w) => parseVerifierKey(w.vkey));
  const cp = openCheckpoint(loaded.checkpoint.note, genesisKey!, { witnesses });
  const members = [...state.members.values()];
  const exhibits = [...state.exhibits.values()];
  return {
    origin: cp.checkpoint.origin,
    size: cp.checkpoint.size,
    root: toBase64(cp.checkpoint.root),
    logKey: genesisKey!.vkey,
    logKeyPinned: pinned !== undefined,
    types,
    signatures,
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
    rulesMs: t2 - t1,
    totalMs: t2 - t0,
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
      const k = genesisLogKey(entries);
      if (pinned && k.vkey !== pinned.vkey) throw new LogVerifyError('LEDGER_CHECKPOINT_INVALID', `the genesis names log key ${k.vkey}, not the pinned ${pinned.vkey}`, { index: 0 });
      return k;
    },
  });
  const state = new LedgerState();
  for (const [i, e] of loaded.entries.entries()) {
    try {
      state.apply(e, { verifier: nodeVerifier });
    } catch (err) {
      if (err instanceof RuleError) throw new LogVerifyError('LEDGER_ENTRY_REJECTED', `entry ${i}: ${err.message}`, { index: i }, { cause: err });
      throw err;
    }
  }
  return { state, size: loaded.entries.length, checkpointNote: loaded.checkpoint.note };
}

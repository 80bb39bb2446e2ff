// A small pool of hash workers (worker_threads). Jobs are lists of files: small files travel many per message
// so a phone extraction of 100,000 files does not pay a worker round trip per file; a large file is a job of
// its own. Each worker has a fixed-size read buffer, so memory is bounded by pool size × buffer size.
// Progress inside a file is read from a SharedArrayBuffer the worker updates after every chunk, so reporting
// costs no messages. `terminate()` stops every worker at once (used by cancel) and resolves when all exited.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { IntakeArgumentError, IntakeWorkerError } from './errors';
import { SNIFF_BYTES } from './mediatype';
import { builtWorkerSource } from '../workers/built';
import { RING_HEADER_BYTES, type HashJob, type PackedResults, type WireAlgorithm, type WireFile, type WireResult, type WireRing, type WorkerInit, type WorkerReply, type WorkerRequest } from './worker-body';

/** Default read-buffer size: 1 MiB (measured: with 256 KiB–4 MiB the page-cached SHA-256 rate was flat
 *  within noise; smaller buffers cost syscalls, larger ones cache misses — see bench/intake.bench.ts). */
export const DEFAULT_BUFFER_SIZE = 1 << 20;
/** Slots in a split job's ring for digest lanes (≤ RING_MAX_SLOTS): enough for the lanes to drift a little apart. */
const RING_SLOTS = 4;
/** A prefetch ring (one digest, see worker-body.ts WireRing): 8 slots of 128 KiB — 1 MiB, so the chunks the
 *  prefetcher writes are still in the L2 cache when the hasher reads them; the prefetcher sleeps until half the
 *  ring is free, one wake-up per 512 KiB. */
const PREFETCH_SLOTS = 8;
const PREFETCH_SLOT_BYTES = 128 << 10;

const live = new Set<number>();

/** Thread ids of hash workers that have not exited yet (all pools in this process). */
export function liveHashWorkers(): number[] {
  return [...live];
}

export interface PoolOptions {
  /** Number of worker threads (default `os.availableParallelism()`). */
  size?: number;
  /** Read buffer per worker, bytes (default 1 MiB). */
  bufferSize?: number;
  /** Test hook, see WorkerInit.pauseHook. */
  pauseHook?: SharedArrayBuffer;
  /** Test hook, see WorkerInit.prefetchStallMs. */
  prefetchStallMs?: number;
}

interface Slot {
  worker: Worker;
  progress: BigInt64Array;
  pending: Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>;
  exited: Promise<void>;
}

export class HashPool {
  readonly size: number;
  readonly bufferSize: number;
  private readonly slots: Slot[] = [];
  private nextJob = 0;
  private failure: Error | null = null;
  private terminating = false;

  constructor(options: PoolOptions = {}) {
    const size = options.size ?? availableParallelism();
    const bufferSize = options.bufferSize ?? DEFAULT_BUFFER_SIZE;
    if (!Number.isInteger(size) || size < 1 || size > 64) throw new IntakeArgumentError(`workers must be an integer from 1 to 64, got ${size}`);
    if (!Number.isInteger(bufferSize) || bufferSize < 4096 || bufferSize > 64 << 20) {
      throw new IntakeArgumentError(`bufferSize must be an integer from 4096 to ${64 << 20} bytes, got ${bufferSize}`);
    }
    this.size = size;
    this.bufferSize = bufferSize;
    for (let i = 0; i < size; i++) {
      const progressBuffer = new SharedArrayBuffer(24);
      const progress = new BigInt64Array(progressBuffer);
      progress[0] = -1n;
      const init: WorkerInit = { progress: progressBuffer, bufferSize, sniffBytes: SNIFF_BYTES, pauseHook: options.pauseHook, prefetchStallMs: options.prefetchStallMs };
      // The built worker (hash-worker.ts bundled to out/workers/hash-worker.cjs). execArgv []: it needs no loader
      // hooks (it is plain JavaScript), and e.g. `--import tsx` would cost every worker a loader thread of its own.
      const worker = new Worker(builtWorkerSource('hash-worker'), { eval: true, workerData: init, name: `evidence-hash-${i}`, execArgv: [] });
      live.add(worker.threadId);
      const slot: Slot = {
        worker, progress, pending: new Map(),
        exited: new Promise((resolve) => worker.once('exit', () => resolve())),
      };
      const threadId = worker.threadId;
      worker.on('message', (msg: WorkerReply) => {
        const p = slot.pending.get(msg.job);
        if (!p) return;
        slot.pending.delete(msg.job);
        p.resolve(msg);
      });
      worker.on('error', (err) => this.fail(slot, new IntakeWorkerError(`hash worker ${threadId} failed: ${err.message}`, { cause: err })));
      worker.once('exit', (code) => {
        live.delete(threadId);
        if (!this.terminating) this.fail(slot, new IntakeWorkerError(`hash worker ${threadId} exited with code ${code} while jobs were pending`));
      });
      worker.unref();
      this.slots.push(slot);
    }
  }

  private fail(slot: Slot, err: Error): void {
    this.failure ??= err;
    for (const p of slot.pending.values()) p.reject(err);
    slot.pending.clear();
  }

  /** True while no worker has failed and the pool was not terminated. */
  get healthy(): boolean {
    return this.failure === null && !this.terminating && this.pending === 0;
  }

  /** Jobs submitted and not yet answered, over all workers. */
  get pending(): number {
    let n = 0;
    for (const s of this.slots) n += s.pending.size;
    return n;
  }

  private post(slot: Slot, msg: WorkerRequest): Promise<WorkerReply> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.terminating) return Promise.reject(new IntakeWorkerError('hash pool is terminated'));
    return new Promise<WorkerReply>((resolve, reject) => {
      slot.pending.set(msg.job, { resolve, reject });
      if (slot.pending.size === 1) slot.worker.ref();
      slot.worker.postMessage(msg);
    }).finally(() => {
      if (slot.pending.size === 0) slot.worker.unref();
    });
  }

  /** Hashes `job.files` on the least busy worker; the results come as columns (worker-body.ts unpackResult). */
  async run(job: Omit<HashJob, 'type' | 'job'>): Promise<PackedResults> {
    let best = this.slots[0] as Slot;
    for (const s of this.slots) if (s.pending.size < best.pending.size) best = s;
    const reply = await this.post(best, { type: 'hash', job: this.nextJob++, ...job });
    if (reply.type !== 'packed') throw new IntakeWorkerError(`hash worker answered a hash job with ${reply.type}`);
    return reply.results;
  }

  /**
   * Hashes one large file on two idle workers sharing one read pass (worker-body.ts, WireRing). With reader
   * digests, the reader computes `readerAlgorithms` and the helper `helperAlgorithms` ('lanes'). With none, the
   * first worker computes `helperAlgorithms` and the second only reads ahead for it ('prefetch'). The caller
   * must make sure no job is pending (two split jobs queued in different orders on two workers would wait on
   * each other).
   */
  async runSplit(file: WireFile, readerAlgorithms: WireAlgorithm[], helperAlgorithms: WireAlgorithm[], followSymlinks: boolean): Promise<WireResult> {
    const [reader, helper] = this.slots;
    if (!reader || !helper || this.pending > 0) throw new IntakeWorkerError('runSplit needs two idle workers');
    if (readerAlgorithms.length === 0) {
      const slotSize = Math.min(this.bufferSize, PREFETCH_SLOT_BYTES);
      const ring: WireRing = { sab: new SharedArrayBuffer(RING_HEADER_BYTES + PREFETCH_SLOTS * slotSize), slots: PREFETCH_SLOTS, slotSize, mode: 'prefetch' };
      const [read, lane] = await Promise.all([
        this.post(reader, { type: 'split-read', job: this.nextJob++, algorithms: helperAlgorithms, followSymlinks, file, ring }),
        this.post(helper, { type: 'prefetch', job: this.nextJob++, followSymlinks, file, ring }),
      ]);
      if (read.type !== 'done' || lane.type !== 'lane-done') throw new IntakeWorkerError('hash workers answered a prefetch job out of protocol');
      return read.results[0] as WireResult;
    }
    const ring: WireRing = { sab: new SharedArrayBuffer(RING_HEADER_BYTES + RING_SLOTS * this.bufferSize), slots: RING_SLOTS, slotSize: this.bufferSize, mode: 'lanes' };
    const [read, lane] = await Promise.all([
      this.post(reader, { type: 'split-read', job: this.nextJob++, algorithms: readerAlgorithms, followSymlinks, file, ring }),
      this.post(helper, { type: 'split-hash', job: this.nextJob++, algorithms: helperAlgorithms, ring }),
    ]);
    if (read.type !== 'done' || lane.type !== 'lane-done') throw new IntakeWorkerError('hash workers answered a split job out of protocol');
    const result = read.results[0] as WireResult;
    if (!result.ok) return result;
    if (!lane.digests) throw new IntakeWorkerError(`helper lane gave up on file ${file.id} although the reader finished it`);
    return { ...result, digests: { ...result.digests, ...lane.digests } };
  }

  /** The file each worker is reading now, its bytes read so far and its size. */
  inFlight(): Array<{ id: number; bytes: number; size: number }> {
    const out: Array<{ id: number; bytes: number; size: number }> = [];
    for (const s of this.slots) {
      const id = Atomics.load(s.progress, 0);
      if (id >= 0n) out.push({ id: Number(id), bytes: Number(Atomics.load(s.progress, 1)), size: Number(Atomics.load(s.progress, 2)) });
    }
    return out;
  }

  /** Stops every worker (mid-file if need be) and resolves when all have exited. */
  async terminate(): Promise<void> {
    this.terminating = true;
    const err = new IntakeWorkerError('hash pool terminated');
    for (const s of this.slots) {
      for (const p of s.pending.values()) p.reject(err);
      s.pending.clear();
    }
    await Promise.all(this.slots.map(async (s) => {
      await s.worker.terminate();
      await s.exited;
    }));
  }
}

// ---- a warm pool between batches ----
// Starting a worker costs tens of milliseconds (measured: ~30–50 ms each here), as much as hashing 50 MB. A
// finished batch leaves its pool idle for IDLE_POOL_MS so the next batch starts at once; idle workers are
// unref'd (they never keep the process alive) and are terminated after the timeout. A cancelled or failed
// batch terminates its pool instead; pools with a test hook are never kept. Five minutes, because an
// investigator drops the next files minutes apart, and kept workers keep their compiled code (measured: 20,000
// files of 4 KiB after a 40 s pause, 318 ms with the pool kept, 398 ms with a new one; 164 ms back to back).
const IDLE_POOL_MS = 300_000;
let idle: { key: string; pool: HashPool; timer: NodeJS.Timeout } | null = null;

function poolKey(options: PoolOptions): string {
  return `${options.size ?? availableParallelism()}/${options.bufferSize ?? DEFAULT_BUFFER_SIZE}`;
}

/** A pool for a batch: the idle one when it fits, else a new one. */
export function acquireHashPool(options: PoolOptions): HashPool {
  if (idle && !options.pauseHook && !options.prefetchStallMs && idle.key === poolKey(options)) {
    const { pool, timer } = idle;
    clearTimeout(timer);
    idle = null;
    return pool;
  }
  return new HashPool(options);
}

/** Returns a healthy pool after a batch; it stays warm for IDLE_POOL_MS. */
export function releaseHashPool(pool: HashPool, options: PoolOptions): Promise<void> {
  if (options.pauseHook || options.prefetchStallMs || !pool.healthy) return pool.terminate();
  const previous = idle;
  const timer = setTimeout(() => {
    if (idle?.pool === pool) idle = null;
    void pool.terminate();
  }, IDLE_POOL_MS);
  timer.unref();
  idle = { key: poolKey(options), pool, timer };
  return previous ? previous.pool.terminate() : Promise.resolve();
}

/** Terminates the idle pool, if any (for tests and for a host shutting down). */
export async function closeIdleHashPools(): Promise<void> {
  const current = idle;
  idle = null;
  if (current) {
    clearTimeout(current.timer);
    await current.pool.terminate();
  }
}

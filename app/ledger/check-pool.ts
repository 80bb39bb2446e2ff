// A pool of entry-check workers (audit-worker.ts, built to out/workers/audit-worker.cjs: app/workers/built.ts). Chunks of
// entries are queued and dealt to the least busy ready worker; each answers with leaf hashes and per-entry
// outcomes. Used by the audit (whole logs) and the ledger node (submissions). Until a worker is ready, callers
// may take queued chunks back and process them on their own thread (`reclaim`).
import { Worker } from 'node:worker_threads';
import { builtWorkerSource } from '../workers/built';
import { AUDIT_WORKER_DATA, type ChunkRequest, type ChunkResult, type WorkerReply, type WorkerRequest, processChunk } from './audit-worker';
import { EvidenceError } from '../common/errors';

/** Chunks in flight per worker: one being worked on, one waiting, so a worker never idles between messages. */
const IN_FLIGHT_PER_WORKER = 2;

/** The entry-check worker threads failed (not a verdict on the log). */
export class CheckWorkerError extends EvidenceError<'LEDGER_CHECK_WORKER'> {
  override name = 'CheckWorkerError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('LEDGER_CHECK_WORKER', message, options);
  }
}

export interface Job {
  id: number;
  req: ChunkRequest;
  result: Promise<ChunkResult>;
  resolve: (r: ChunkResult) => void;
  reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  inFlight: number;
}

/** Entry-check workers: chunks are queued and dealt to the least busy ready worker, IN_FLIGHT_PER_WORKER at most each. */
export class CheckPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly sent = new Map<number, { job: Job; slot: Slot }>();
  private nextId = 0;
  private failure: Error | undefined;
  private closed = false;
  private readyCount = 0;
  private markReady: (ms: number) => void = () => undefined;
  /** Resolves (ms since `t0`) once every worker is ready. */
  readonly ready: Promise<number>;

  constructor(private readonly n: number, private readonly t0: number = performance.now()) {
    this.ready = new Promise((r) => (this.markReady = r));
    let code: string;
    try {
      code = builtWorkerSource('audit-worker');
    } catch (err) {
      this.fail(new CheckWorkerError(`could not start the entry-check workers: ${(err as Error).message}`, { cause: err }));
      return;
    }
    this.spawn(code);
  }

  get anyReady(): boolean {
    return this.readyCount > 0;
  }

  private spawn(code: string): void {
    if (this.closed) return;
    for (let i = 0; i < this.n; i++) {
      // execArgv []: the built worker needs no loader hooks (`--import tsx` would give each worker a loader thread).
      const worker = new Worker(code, { eval: true, execArgv: [], workerData: AUDIT_WORKER_DATA, name: `evidence-check-${i}` });
      const slot: Slot = { worker, ready: false, inFlight: 0 };
      this.slots.push(slot);
      worker.on('message', (m: WorkerReply) => {
        if ('ready' in m) {
          slot.ready = true;
          if (++this.readyCount === this.n) this.markReady(performance.now() - this.t0);
        } else {
          const s = this.sent.get(m.id);
          this.sent.delete(m.id);
          slot.inFlight--;
          s?.job.resolve(m.result);
        }
        this.pump();
      });
      worker.on('error', (err) => this.fail(new CheckWorkerError(`entry-check worker ${i} failed: ${err.message}`, { cause: err })));
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(new CheckWorkerError(`entry-check worker ${i} exited (code ${code})`));
      });
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const j of [...this.queue, ...[...this.sent.values()].map((s) => s.job)]) j.reject(this.failure);
    this.queue.length = 0;
    this.sent.clear();
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let best: Slot | undefined;
      for (const s of this.slots) if (s.ready && s.inFlight < IN_FLIGHT_PER_WORKER && (!best || s.inFlight < best.inFlight)) best = s;
      if (!best) return;
      const job = this.queue.shift()!;
      best.inFlight++;
      this.sent.set(job.id, { job, slot: best });
      best.worker.postMessage({ id: job.id, chunk: job.req } satisfies WorkerRequest, [job.req.bytes.buffer as ArrayBuffer]);
    }
  }

  submit(req: ChunkRequest): Job {
    let resolve: (r: ChunkResult) => void = () => undefined;
    let reject: (e: unknown) => void = () => undefined;
    const result = new Promise<ChunkResult>((res, rej) => ((resolve = res), (reject = rej)));
    result.catch(() => undefined); // observed by whoever awaits it; a failed audit may leave some unawaited
    const job: Job = { id: this.nextId++, req, result, resolve, reject };
    if (this.failure) reject(this.failure);
    else {
      this.queue.push(job);
      this.pump();
    }
    return job;
  }

  /** Processes a chunk on a worker, or on this thread while none is ready yet. */
  run(req: ChunkRequest): Promise<ChunkResult> {
    if (this.failure) return Promise.reject(this.failure);
    if (!this.anyReady) return Promise.resolve(processChunk(req));
    return this.submit(req).result;
  }

  /** Takes back a job no worker has been given yet, while no worker is ready: the caller processes it itself. */
  reclaim(job: Job): boolean {
    if (this.anyReady || this.failure) return false;
    const i = this.queue.indexOf(job);
    if (i < 0) return false;
    this.queue.splice(i, 1);
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

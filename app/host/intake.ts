// Intake in the host: runs app/intake batches in the background, one journal folder per batch under
// `<data>/intake/<batchId>`, and reports progress and the end as contract events. A batch that was running when
// the workstation stopped is found again as `interrupted` (its journal lets app/intake resume it).
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ContractError, EventName, EventPayload, IntakeBatch } from '../contract/api';
import { resumeBatch, startIntake, type Algorithm, type IntakeResult } from '../intake';
import { RESULT_FILE, JOURNAL_FILE } from '../intake/journal';
import { IntakeCancelledError } from '../intake/errors';
import { errorCodeOf, HostError } from './errors';
import type { HostLogger } from './dispatch';

export const INTAKE_DIR = 'intake';

type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

interface Running {
  controller: AbortController;
  done: Promise<void>;
}

type Finished = { state: 'done'; result: IntakeResult } | { state: 'cancelled' } | { state: 'failed'; error: ContractError };

function toContractResult(r: IntakeResult): NonNullable<IntakeBatch['result']> {
  return {
    algorithms: r.algorithms,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    items: r.items.map((i) => ({
      index: i.index,
      root: i.root,
      path: i.path,
      relPath: i.relPath,
      displayPath: i.displayPath,
      name: i.name,
      kind: i.kind,
      size: i.size,
      mtime: i.mtime,
      ctime: i.ctime,
      hashes: i.hashes,
      mediaType: i.mediaType,
      ...(i.linkTarget !== undefined ? { linkTarget: i.linkTarget } : {}),
      ...(i.duplicate !== undefined ? { duplicate: i.duplicate } : {}),
      error: i.error,
    })),
    folders: r.folders.map((f) => ({
      root: f.root,
      path: f.path,
      displayPath: f.displayPath,
      fileCount: f.fileCount,
      totalBytes: f.totalBytes,
      manifestSha256: f.manifestSha256,
      error: f.error,
    })),
    totals: r.totals,
  };
}

export class IntakeService {
  private readonly running = new Map<string, Running>();
  private readonly finished = new Map<string, Finished>();
  private readonly root: string;

  constructor(
    dataDir: string,
    private readonly emit: Emit,
    private readonly log: HostLogger,
    /** Worker threads per batch (default: one per core). */
    private readonly workers?: number,
  ) {
    this.root = join(dataDir, INTAKE_DIR);
  }

  /** Where a batch keeps its journal; also what a deposition reads the items from. */
  batchDir(batchId: string): string {
    return join(this.root, batchId);
  }

  start(args: { paths: string[]; algorithms?: Algorithm[]; followSymlinks?: boolean }): { batchId: string } {
    const batchId = randomUUID();
    const controller = new AbortController();
    const run = startIntake({
      paths: args.paths,
      algorithms: args.algorithms ?? ['sha256'],
      followSymlinks: args.followSymlinks ?? false,
      batchDir: this.batchDir(batchId),
      signal: controller.signal,
      onProgress: (p) => this.emit('onIntakeProgress', { batchId, ...p }),
      ...(this.workers !== undefined ? { workers: this.workers } : {}),
    });
    const done = run.then(
      (result) => this.finish(batchId, { state: 'done', result }),
      (err: unknown) => {
        if (err instanceof IntakeCancelledError) return this.finish(batchId, { state: 'cancelled' });
        const code = errorCodeOf(err) ?? 'INTAKE_FAILED';
        if (errorCodeOf(err) === undefined) this.log.error(`intake batch ${batchId} failed`, err);
        const message = `The files could not be taken in: ${err instanceof Error ? err.message : String(err)}. Check that they exist and can be read, then drop them again.`;
        this.finish(batchId, { state: 'failed', error: { code, message } });
      },
    );
    this.running.set(batchId, { controller, done });
    return { batchId };
  }

  async cancel(batchId: string): Promise<{ cancelled: boolean }> {
    const r = this.running.get(batchId);
    if (r === undefined) return { cancelled: false };
    r.controller.abort();
    await r.done;
    return { cancelled: this.finished.get(batchId)?.state === 'cancelled' };
  }

  async get(batchId: string): Promise<IntakeBatch> {
    if (this.running.has(batchId)) return { batchId, state: 'running', result: null, error: null };
    const f = this.finished.get(batchId);
    if (f !== undefined) {
      return {
        batchId,
        state: f.state,
        result: f.state === 'done' ? toContractResult(f.result) : null,
        error: f.state === 'failed' ? f.error : null,
      };
    }
    const dir = this.batchDir(batchId);
    if (existsSync(join(dir, RESULT_FILE))) {
      // A finished batch from an earlier run: resumeBatch returns its stored result without hashing again.
      const result = await resumeBatch(dir);
      this.finished.set(batchId, { state: 'done', result });
      return { batchId, state: 'done', result: toContractResult(result), error: null };
    }
    if (existsSync(join(dir, JOURNAL_FILE))) return { batchId, state: 'interrupted', result: null, error: null };
    throw new HostError('BATCH_NOT_FOUND', `There is no intake batch ${batchId} on this workstation. Drop the files again.`);
  }

  /** Cancels every running batch and waits until their workers have stopped. */
  async close(): Promise<void> {
    const all = [...this.running.values()];
    for (const r of all) r.controller.abort();
    await Promise.all(all.map((r) => r.done));
  }

  private finish(batchId: string, f: Finished): void {
    this.running.delete(batchId);
    this.finished.set(batchId, f);
    this.emit('onIntakeFinished', {
      batchId,
      state: f.state,
      totals: f.state === 'done' ? f.result.totals : null,
      error: f.state === 'failed' ? f.error : null,
    });
  }
}

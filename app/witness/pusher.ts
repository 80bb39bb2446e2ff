// The node's witness loop: every new checkpoint is pushed to the witnesses (WitnessClient), the cosigned note is
// published, and while the latest checkpoint is not final (a witness down) it is pushed again every `retryMs`.
// Checkpoints arriving while a push is in flight are coalesced: only the newest is pushed next (a cosignature
// on it covers every earlier one, and the witnesses' 409 answers keep their sizes in step).
import { readFile } from 'node:fs/promises';
import { peekCheckpoint } from '../ledger/checkpoint';
import type { NoteVerifier } from '../ledger/note';
import { type ConsistencySource, type WitnessClient, type WitnessEndpoint, type WitnessOutcome } from './client';
import { type ParsedPolicy, checkPolicy } from './cosignature';

export interface PushResult {
  readonly size: number;
  readonly final: boolean;
  readonly outcomes: WitnessOutcome[];
}

export interface WitnessPusherOptions {
  client: WitnessClient;
  policy: ParsedPolicy;
  logKey: NoteVerifier;
  proofs: ConsistencySource;
  /** The log's current published checkpoint note (to retry the latest one). */
  current: () => string;
  /** Publishes a note carrying cosignatures; resolves false if the checkpoint has moved on meanwhile. */
  publish: (note: string) => Promise<boolean>;
  retryMs?: number;
  onResult?: (r: PushResult) => void;
  onError?: (err: unknown) => void;
}

export class WitnessPusher {
  private pending: string | undefined;
  private running = false;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;
  private idle: Array<() => void> = [];

  constructor(private readonly o: WitnessPusherOptions) {}

  /** Queues a newly published checkpoint note for cosigning. */
  push(note: string): void {
    if (this.closed) return;
    this.pending = note;
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    if (!this.running) void this.loop();
  }

  /** Resolves when no push is in flight or queued. */
  settled(): Promise<void> {
    if (!this.running && this.pending === undefined) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }

  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (this.pending !== undefined && !this.closed) {
        const note = this.pending;
        this.pending = undefined;
        try {
          const { note: cosigned, outcomes } = await this.o.client.cosign(note, this.o.proofs);
          const published = cosigned !== note ? await this.o.publish(cosigned) : false;
          const size = peekCheckpoint(note).size;
          const current = this.o.current();
          const final = checkPolicy(published ? cosigned : current, this.o.logKey, this.o.policy).final && peekCheckpoint(current).size === size;
          this.o.onResult?.({ size, final, outcomes });
          if (!final && this.pending === undefined && !this.closed && peekCheckpoint(current).size === size) {
            this.retry = setTimeout(() => this.push(this.o.current()), this.o.retryMs ?? 2000);
          }
        } catch (err) {
          this.o.onError?.(err);
        }
      }
    } finally {
      this.running = false;
      for (const r of this.idle.splice(0)) r();
    }
  }
}

/** Reads a witness endpoint list (JSON: [{ vkey, url }]) such as DIR/witnesses.json of a ledger node. */
export async function readWitnessEndpoints(file: string): Promise<WitnessEndpoint[] | undefined> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const list = JSON.parse(raw) as WitnessEndpoint[];
  if (!Array.isArray(list) || list.some((e) => typeof e?.vkey !== 'string' || typeof e?.url !== 'string')) {
    throw new TypeError(`${file} must be a JSON list of { "vkey": "<witness vkey>", "url": "<submission prefix>" }`);
  }
  return list;
}

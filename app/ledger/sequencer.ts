// The sequencer: validates each submission against the rules and the current state (including entries not yet
// integrated), journals it durably, answers with a signed inclusion promise, and integrates journaled entries
// in batches into new tiles and a new signed checkpoint within the bounded delay.
//
// Durability: an entry is acknowledged only after its journal record is fsynced (group commit: concurrent
// submissions share one fsync). At start-up the journal is replayed: records already in the checkpoint are
// skipped, the rest re-validated and integrated, so an acknowledged entry survives SIGKILL at any point.
// Serialization: validation runs synchronously in submission order (one JS thread), journal appends and
// rewrites run on one chain, and integrations never overlap.
import { createHash } from 'node:crypto';
import { MAX_ENTRY_SIZE } from './layout';
import { LogWriter, type PublishedCheckpoint } from './log';
import { type NoteKeyPair, addSignatureLines, parseNote } from './note';
import { signPromise, type InclusionPromise } from './promise';
import { RuleError } from './rules';
import type { Journal, LogDriver } from './storage/driver';
import { peekCheckpoint } from './checkpoint';
import { bytesEqual } from './bytes';
import { EvidenceError } from '../common/errors';

/**
 * What the sequencer needs from the rules: validate and apply an entry at the next index (signatures
 * verified) or throw RuleError leaving the state unchanged. Also used to rebuild the state at start-up.
 */
export interface EntryValidator {
  apply(entry: Uint8Array): void;
  /**
   * Optional, for submissions: the checks that need no ledger state (parse, schema, signatures …), which may run
   * off this thread and concurrently. Resolves to a function that applies the entry at the next index (the
   * stateful rules only, synchronously; throws RuleError leaving the state unchanged), or rejects with RuleError.
   * The sequencer calls those functions in submission order, so an entry is judged against every entry
   * submitted before it, exactly as with `apply`.
   */
  prepare?(entry: Uint8Array): Promise<() => void>;
}

export interface SequencerOptions {
  driver: LogDriver;
  origin: string;
  key: NoteKeyPair;
  validator: EntryValidator;
  /** Integration delay bound in ms (default 1000). */
  batchMs?: number;
  /** Called after each new checkpoint is published (e.g. to ask witnesses for cosignatures). */
  onCheckpoint?: (published: PublishedCheckpoint) => void | Promise<void>;
  /** Reports errors of background work (integration, hooks). */
  onError?: (err: unknown) => void;
  now?: () => Date;
}

export interface Accepted {
  readonly index: number;
  readonly time: string;
  readonly leafHash: Uint8Array;
  /** The signed inclusion promise note. */
  readonly promise: string;
}

/** The sequencer cannot accept anything any more (journal failure); restart it to recover from the journal. */
export class SequencerStoppedError extends EvidenceError<'LEDGER_SEQUENCER_STOPPED'> {
  override name = 'SequencerStoppedError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('LEDGER_SEQUENCER_STOPPED', message, options);
  }
}

interface Rec {
  index: number;
  entry: Uint8Array;
  /** RFC 9162 leaf hash of `entry`. */
  leafHash: Uint8Array;
}

const LEAF_PREFIX = new Uint8Array([0x00]);
/** RFC 9162 §2.1.1 leaf hash, SHA-256(0x00 || entry), with node:crypto (merkle.ts's leafHash with noble took ~5× longer). */
export function nodeLeafHash(entry: Uint8Array): Uint8Array {
  const h = createHash('sha256').update(LEAF_PREFIX).update(entry).digest();
  return new Uint8Array(h.buffer, h.byteOffset, h.length); // a plain Uint8Array, as merkle.ts's leafHash returns
}

function encodeRec(r: Rec): Uint8Array {
  const out = new Uint8Array(8 + r.entry.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(r.index));
  out.set(r.entry, 8);
  return out;
}
function decodeRec(b: Uint8Array): Rec {
  if (b.length < 8) throw new RangeError(`journal record of ${b.length} bytes is too short`);
  const entry = b.subarray(8);
  return { index: Number(new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0)), entry, leafHash: nodeLeafHash(entry) };
}

export class Sequencer {
  private nextIndex: number;
  /** Journaled (durable) entries not yet integrated, in index order. */
  private durable: Rec[] = [];
  private waiting: Array<{ rec: Rec; resolve: () => void; reject: (e: unknown) => void }> = [];
  private flushing = false;
  private journalChain: Promise<unknown> = Promise.resolve();
  private integrating: Promise<PublishedCheckpoint | undefined> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped: Error | undefined;
  private closed = false;
  /** Settles when the latest submission (with a prepare step) has been applied or refused: the order of applies. */
  private applyTurn: Promise<void> = Promise.resolve();

  private constructor(
    private readonly o: SequencerOptions,
    readonly writer: LogWriter,
    private readonly journal: Journal,
  ) {
    this.nextIndex = writer.size;
  }

  /** Opens (creating if empty) the log, replays state and the journal, and integrates what the journal held. */
  static async open(o: SequencerOptions): Promise<Sequencer> {
    // The rule state is rebuilt from the verified log: every entry re-checked, signatures included.
    const writer = await LogWriter.create(o.driver, o.origin, o.key.signer, o.key.verifier, (e) => o.validator.apply(e));
    const journal = await o.driver.journal();
    const s = new Sequencer(o, writer, journal);
    const recs = (await journal.readAll()).map(decodeRec);
    for (const r of recs) {
      if (r.index < s.nextIndex) continue; // already integrated before the crash
      if (r.index !== s.nextIndex) throw new RangeError(`journal holds entry ${r.index} but the next index is ${s.nextIndex}: the journal is damaged`);
      o.validator.apply(r.entry);
      s.durable.push(r);
      s.nextIndex++;
    }
    if (s.durable.length > 0) await s.integrate();
    else if (recs.length > 0) await s.runJournal(() => journal.rewrite([]));
    return s;
  }

  get size(): number {
    return this.writer.size;
  }

  /** The storage failure that stopped this sequencer (it accepts nothing more; open the log again), if any. */
  get failure(): Error | undefined {
    return this.stopped;
  }

  /** Index the next accepted entry gets (integrated + pending). */
  get pendingSize(): number {
    return this.nextIndex;
  }

  get checkpointNote(): string {
    return this.writer.checkpoint.note;
  }

  private runJournal<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.journalChain.then(fn);
    this.journalChain = p.catch(() => undefined);
    return p;
  }

  /**
   * Validates `entry`, journals it durably and returns the signed inclusion promise. Throws RuleError
   * (nothing appended) or SequencerStoppedError.
   */
  async submit(entry: Uint8Array): Promise<Accepted> {
    if (this.stopped) throw new SequencerStoppedError(`the sequencer stopped after a storage failure: ${this.stopped.message}`, { cause: this.stopped });
    if (this.closed) throw new SequencerStoppedError('the sequencer is closed');
    if (entry.length > MAX_ENTRY_SIZE) throw new RuleError('LEDGER_ENTRY_TOO_LARGE', 413, `entry is ${entry.length} bytes; at most ${MAX_ENTRY_SIZE}`);
    const rec: Rec = this.o.validator.prepare ? await this.applyInTurn(entry, this.o.validator.prepare(entry)) : this.applyNow(entry);
    const time = (this.o.now ?? (() => new Date()))().toISOString();
    await new Promise<void>((resolve, reject) => {
      this.waiting.push({ rec, resolve, reject });
      if (!this.flushing) void this.flush();
    });
    const lh = rec.leafHash;
    const promise = signPromise({ origin: this.o.origin, index: rec.index, time, leafHash: lh } satisfies InclusionPromise, this.o.key.signer);
    this.schedule();
    return { index: rec.index, time, leafHash: lh, promise };
  }

  /** Validates and applies `entry` at the next index (throws RuleError; synchronous, so in submission order). */
  private applyNow(entry: Uint8Array): Rec {
    this.o.validator.apply(entry);
    return { index: this.nextIndex++, entry, leafHash: nodeLeafHash(entry) };
  }

  /** Applies a prepared entry once every earlier submission has been applied or refused. */
  private async applyInTurn(entry: Uint8Array, prepared: Promise<() => void>): Promise<Rec> {
    prepared.catch(() => undefined); // observed below, after the earlier submissions
    const earlier = this.applyTurn;
    let done: () => void = () => undefined;
    this.applyTurn = new Promise((resolve) => (done = resolve));
    try {
      await earlier;
      const apply = await prepared;
      if (this.stopped) throw new SequencerStoppedError(`the sequencer stopped after a storage failure: ${this.stopped.message}`, { cause: this.stopped });
      if (this.closed) throw new SequencerStoppedError('the sequencer is closed');
      apply(); // throws RuleError; the index is taken in the same synchronous step
      return { index: this.nextIndex++, entry, leafHash: nodeLeafHash(entry) };
    } finally {
      done();
    }
  }

  /** Group commit: every submission waiting when a flush starts shares its fsync. */
  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0);
        try {
          await this.runJournal(() => this.journal.append(batch.map((w) => encodeRec(w.rec))));
        } catch (err) {
          // The rule state already counts these entries: stop accepting; a restart recovers from the journal.
          this.stopped = err instanceof Error ? err : new Error(String(err));
          for (const w of [...batch, ...this.waiting.splice(0)]) w.reject(new SequencerStoppedError(`journal write failed: ${this.stopped.message}`, { cause: err }));
          return;
        }
        for (const w of batch) this.durable.push(w.rec);
        for (const w of batch) w.resolve();
      }
    } finally {
      this.flushing = false;
    }
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.integrate().catch((err: unknown) => (this.o.onError ?? ((e) => console.error('sequencer: integration failed:', e)))(err));
    }, this.o.batchMs ?? 1000);
  }

  /** Integrates every durable pending entry now; resolves to the new checkpoint (undefined if nothing was pending). */
  integrate(): Promise<PublishedCheckpoint | undefined> {
    if (this.integrating) return this.integrating.then(() => this.integrate());
    const run = (async () => {
      const batch = this.durable.splice(0);
      if (batch.length === 0) return undefined;
      if (batch[0]!.index !== this.writer.size) throw new RangeError(`pending entry ${batch[0]!.index} does not follow the log size ${this.writer.size}`);
      let published: PublishedCheckpoint;
      try {
        published = await this.writer.append(batch.map((r) => r.entry), batch.map((r) => r.leafHash));
      } catch (err) {
        this.stopped = err instanceof Error ? err : new Error(String(err));
        throw err;
      }
      // Keep in the journal only what is not integrated yet (runs after any append already queued).
      await this.runJournal(() => this.journal.rewrite(this.durable.map(encodeRec)));
      if (this.durable.length > 0 || this.waiting.length > 0) this.schedule();
      if (this.o.onCheckpoint) {
        Promise.resolve(this.o.onCheckpoint(published)).catch((err: unknown) => (this.o.onError ?? console.error)(err));
      }
      return published;
    })();
    this.integrating = run;
    return run.finally(() => {
      this.integrating = undefined;
    });
  }

  /**
   * Adds cosignature lines (e.g. from witnesses) to the published checkpoint if it is still the one they
   * cosigned (same body). Returns false when the checkpoint has moved on.
   */
  async addCosignatures(cosignedNote: string): Promise<boolean> {
    await this.integrating;
    const current = this.writer.checkpoint;
    const theirs = parseNote(cosignedNote);
    if (theirs.text !== parseNote(current.note).text) return false;
    const merged = addSignatureLines(current.note, theirs.signatures.map((s) => s.line));
    await this.writer.publishCosigned(merged, (note) => {
      const cp = peekCheckpoint(note);
      if (!bytesEqual(cp.root, current.checkpoint.root)) throw new RangeError('cosigned checkpoint root differs');
      return cp;
    });
    return true;
  }

  /** Integrates what is pending and stops. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.flushing || this.waiting.length > 0) await new Promise((r) => setTimeout(r, 5));
    if (!this.stopped) await this.integrate();
    await this.journalChain;
    await this.o.driver.close();
  }
}

// The log side of c2sp.org/tlog-witness: push a new checkpoint to every configured witness with a consistency
// proof from the size that witness last cosigned, learn that size from a 409 (text/x.tlog.size) and retry,
// verify the returned cosignature lines with the witness keys (ignoring unknown keys), and fold the good ones
// into the published checkpoint. A checkpoint is final once the genesis witness policy (k of n) is met.
import { utf8Decode } from '../ledger/bytes';
import { peekCheckpoint } from '../ledger/checkpoint';
import type { LogWriter, PublishedCheckpoint } from '../ledger/log';
import { type NoteVerifier, addSignatureLines, parseNote } from '../ledger/note';
import { type ParsedPolicy, checkPolicy, parseCosignerKey, verifyCosignature } from './cosignature';
import { HttpLimitError, fetchLimited } from './http';
import { SIZE_CONTENT_TYPE, formatAddCheckpoint } from './witness';

/** A witness to push checkpoints to: its cosigner vkey and its submission prefix URL. */
export interface WitnessEndpoint {
  readonly vkey: string;
  /** Submission prefix: POST <url>/add-checkpoint. */
  readonly url: string;
}

/** What one witness did with one checkpoint. */
export type WitnessOutcome =
  | { readonly witness: string; readonly ok: true; readonly line: string; readonly time: bigint }
  | { readonly witness: string; readonly ok: false; readonly status?: number; readonly error: string };

export interface CosignResult {
  /** The checkpoint note with the log signature and every verified cosignature line. */
  readonly note: string;
  readonly outcomes: WitnessOutcome[];
}

/** Source of RFC 9162 consistency proofs of the log being witnessed (e.g. its MemoryTree). */
export type ConsistencySource = (oldSize: number, newSize: number) => Uint8Array[] | Promise<Uint8Array[]>;

export interface WitnessClientOptions {
  timeoutMs?: number;
  /** 409 round trips per witness per checkpoint before giving up (default 3). */
  maxConflicts?: number;
}

/** Largest add-checkpoint response accepted (a few signature lines). */
const MAX_RESPONSE = 64 * 1024;

export class WitnessClient {
  private readonly witnesses: Array<{ verifier: NoteVerifier; url: string }>;
  /** Size each witness last cosigned, as far as this client knows (learned from 200s and 409s). */
  private readonly known = new Map<string, number>();

  constructor(endpoints: readonly WitnessEndpoint[], private readonly opts: WitnessClientOptions = {}) {
    this.witnesses = endpoints.map((e) => ({ verifier: parseCosignerKey(e.vkey), url: e.url.replace(/\/+$/, '') }));
  }

  /** Pushes `note` (log-signed checkpoint) to every witness in parallel and returns the note with their cosignatures. */
  async cosign(note: string, proofs: ConsistencySource): Promise<CosignResult> {
    const parsed = parseNote(note);
    const outcomes = await Promise.all(this.witnesses.map((w) => {
      // A witness whose valid cosignature the note already carries is not asked again (a retry for the other
      // witnesses must not grow the note by one line per witness per round).
      const have = parsed.signatures.find((s) => s.name === w.verifier.name && s.keyId === w.verifier.keyId);
      if (have) {
        try {
          const time = verifyCosignature(parsed.text, have.line, w.verifier);
          return { witness: w.verifier.name, ok: true, line: have.line, time } as WitnessOutcome;
        } catch (err) {
          return { witness: w.verifier.name, ok: false, error: `the note carries a cosignature line of this witness that does not verify: ${(err as Error).message}` } as WitnessOutcome;
        }
      }
      return this.pushOne(w, note, proofs);
    }));
    const lines = outcomes.filter((o): o is Extract<WitnessOutcome, { ok: true }> => o.ok).map((o) => o.line);
    return { note: lines.length > 0 ? addSignatureLines(note, lines) : note, outcomes };
  }

  private async pushOne(w: { verifier: NoteVerifier; url: string }, note: string, proofs: ConsistencySource): Promise<WitnessOutcome> {
    const name = w.verifier.name;
    const cp = peekCheckpoint(note);
    const text = parseNote(note).text;
    let old = Math.min(this.known.get(w.verifier.vkey) ?? 0, cp.size);
    const maxConflicts = this.opts.maxConflicts ?? 3;
    for (let attempt = 0; ; attempt++) {
      const proof = old === 0 || old === cp.size ? [] : await proofs(old, cp.size);
      let res;
      try {
        res = await fetchLimited(`${w.url}/add-checkpoint`, {
          method: 'POST', body: formatAddCheckpoint(old, proof, note), limit: MAX_RESPONSE, timeoutMs: this.opts.timeoutMs ?? 10_000,
        });
      } catch (err) {
        return { witness: name, ok: false, error: (err as Error).message, ...(err instanceof HttpLimitError && err.status !== undefined ? { status: err.status } : {}) };
      }
      const body = safeText(res.body);
      if (res.status === 409) {
        // c2sp.org/tlog-witness: the body is the size of the latest checkpoint the witness cosigned.
        const m = /^(0|[1-9][0-9]*)\n$/.exec(body);
        if (!res.contentType.startsWith(SIZE_CONTENT_TYPE) || !m) return { witness: name, ok: false, status: 409, error: `409 without a ${SIZE_CONTENT_TYPE} body: ${JSON.stringify(body.slice(0, 100))}` };
        const theirs = Number(m[1]);
        this.known.set(w.verifier.vkey, theirs);
        if (theirs > cp.size) return { witness: name, ok: false, status: 409, error: `witness has cosigned size ${theirs}, beyond this checkpoint's ${cp.size}` };
        if (attempt + 1 >= maxConflicts) return { witness: name, ok: false, status: 409, error: `witness size kept moving (last ${theirs}) after ${maxConflicts} attempts` };
        old = theirs;
        continue;
      }
      if (res.status !== 200) return { witness: name, ok: false, status: res.status, error: `HTTP ${res.status}: ${body.slice(0, 300).trim()}` };
      // Keep only lines of this witness's key that verify over the checkpoint (ignore unknown keys).
      for (const line of body.split('\n').filter((l) => l.length > 0)) {
        try {
          const time = verifyCosignature(text, line, w.verifier);
          this.known.set(w.verifier.vkey, cp.size);
          return { witness: name, ok: true, line, time };
        } catch {
          // Not this witness's line (another key of the same operator, or garbage): the spec says ignore it.
          continue;
        }
      }
      return { witness: name, ok: false, status: 200, error: 'the response held no valid cosignature from this witness key' };
    }
  }
}

function safeText(b: Uint8Array): string {
  try {
    return utf8Decode(b);
  } catch {
    return '<non-UTF-8 body>';
  }
}

/**
 * The node's hook after each checkpoint publication: collect cosignatures for it and republish it with them.
 * Resolves to whether the policy is met (the checkpoint is final) and what each witness did.
 */
export async function cosignAndPublish(
  writer: LogWriter,
  published: PublishedCheckpoint,
  client: WitnessClient,
  policy: ParsedPolicy,
  logKey: NoteVerifier,
): Promise<{ final: boolean; note: string; outcomes: WitnessOutcome[] }> {
  const { note, outcomes } = await client.cosign(published.note, (a, b) => writer.tree.consistencyProof(a, b));
  if (note === published.note) return { final: false, note, outcomes };
  let final = false;
  await writer.publishCosigned(note, (n) => {
    const r = checkPolicy(n, logKey, policy, published.checkpoint.origin);
    final = r.final;
    return r.checkpoint;
  });
  return { final, note, outcomes };
}

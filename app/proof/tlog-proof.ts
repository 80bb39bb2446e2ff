// C2SP tlog-proof (https://c2sp.org/tlog-proof): "c2sp.org/tlog-proof@v1", an optional "extra <base64>" line,
// "index <n>", the RFC 6962 inclusion proof hashes (one base64 line each), an empty line, then the checkpoint
// note verbatim (with its cosignatures). Isomorphic: the receipt verifier and the offline HTML verifier use it.
import { fromBase64, toBase64 } from '../crypto/encoding';
import { HASH_SIZE } from '../ledger/merkle';
import { parseNote } from '../ledger/note';
import { EvidenceError } from '../common/errors';

export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';
/** A tree of 2^63 leaves needs at most 63 proof hashes. */
const MAX_PROOF_HASHES = 63;

export class TlogProofError extends EvidenceError<'PROOF_MALFORMED'> {
  override name = 'TlogProofError';
  constructor(readonly line: number, message: string, options?: { cause?: unknown }) {
    super('PROOF_MALFORMED', line > 0 ? `tlog-proof line ${line}: ${message}` : `tlog-proof: ${message}`, options);
  }
}

export interface TlogProof {
  readonly index: number;
  readonly proof: Uint8Array[];
  /** The checkpoint note, verbatim (signature lines included). */
  readonly checkpoint: string;
  readonly extra?: Uint8Array;
}

export function formatTlogProof(p: TlogProof): string {
  if (!Number.isSafeInteger(p.index) || p.index < 0) throw new TlogProofError(0, `index ${p.index} must be a non-negative integer`);
  for (const [i, h] of p.proof.entries()) if (h.length !== HASH_SIZE) throw new TlogProofError(0, `proof hash ${i} is ${h.length} bytes, expected ${HASH_SIZE}`);
  parseNote(p.checkpoint);
  const lines = [TLOG_PROOF_HEADER, ...(p.extra ? [`extra ${toBase64(p.extra)}`] : []), `index ${p.index}`, ...p.proof.map(toBase64)];
  return `${lines.join('\n')}\n\n${p.checkpoint}`;
}

/** Parses a tlog-proof strictly; every error names the line. Does not verify anything. */
export function parseTlogProof(text: string): TlogProof {
  const blank = text.indexOf('\n\n');
  if (blank < 0) throw new TlogProofError(0, 'no empty line before the checkpoint');
  const head = text.slice(0, blank).split('\n');
  if (head[0] !== TLOG_PROOF_HEADER) throw new TlogProofError(1, `must be ${JSON.stringify(TLOG_PROOF_HEADER)}, got ${JSON.stringify((head[0] ?? '').slice(0, 60))}`);
  let n = 1;
  let extra: Uint8Array | undefined;
  if (head[n]?.startsWith('extra ')) {
    try {
      extra = fromBase64(head[n]!.slice(6));
    } catch (err) {
      throw new TlogProofError(n + 1, 'extra data is not base64', { cause: err });
    }
    n++;
  }
  const m = /^index (0|[1-9][0-9]*)$/.exec(head[n] ?? '');
  if (!m) throw new TlogProofError(n + 1, `must be "index <n>" (decimal, no leading zeroes), got ${JSON.stringify((head[n] ?? '').slice(0, 60))}`);
  const index = Number(m[1]);
  if (!Number.isSafeInteger(index)) throw new TlogProofError(n + 1, `index ${m[1]} is too large`);
  const hashLines = head.slice(n + 1);
  if (hashLines.length > MAX_PROOF_HASHES) throw new TlogProofError(n + 2, `${hashLines.length} proof hashes, at most ${MAX_PROOF_HASHES}`);
  const proof = hashLines.map((l, i) => {
    let h: Uint8Array;
    try {
      h = fromBase64(l);
    } catch (err) {
      throw new TlogProofError(n + 2 + i, 'proof hash is not base64', { cause: err });
    }
    if (h.length !== HASH_SIZE) throw new TlogProofError(n + 2 + i, `proof hash is ${h.length} bytes, expected ${HASH_SIZE}`);
    return h;
  });
  const checkpoint = text.slice(blank + 2);
  try {
    parseNote(checkpoint);
  } catch (err) {
    throw new TlogProofError(n + 2 + hashLines.length + 1, `checkpoint: ${(err as Error).message}`, { cause: err });
  }
  return { index, proof, checkpoint, ...(extra ? { extra } : {}) };
}

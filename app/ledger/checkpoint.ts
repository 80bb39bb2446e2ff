// C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): origin, tree size, base64 root hash, optional
// extension lines; signed as a C2SP signed note by the log (Ed25519) and cosigned by witnesses.
import { fromBase64, toBase64 } from '../crypto/encoding';
import { HASH_SIZE } from './merkle';
import {
  type NoteSignature,
  type NoteSigner,
  type NoteVerifier,
  NoteError,
  SIG_COSIGNATURE_V1,
  cosignatureTime,
  openNote,
  parseNote,
  signNote,
} from './note';
import { EvidenceError } from '../common/errors';

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Uint8Array;
  readonly extensions: readonly string[];
}

/** A checkpoint body that breaks c2sp.org/tlog-checkpoint; the message names the line. */
export class CheckpointError extends EvidenceError<'LEDGER_BAD_CHECKPOINT'> {
  override name = 'CheckpointError';
  constructor(readonly line: number, message: string, options?: { cause?: unknown }) {
    super('LEDGER_BAD_CHECKPOINT', message, options);
  }
}

/** c2sp.org/tlog-checkpoint, Note text: the body, ending in a newline. */
export function formatCheckpoint(cp: Checkpoint): string {
  if (cp.origin.length === 0 || cp.origin.includes('\n')) throw new CheckpointError(1, `origin ${JSON.stringify(cp.origin)} must be one non-empty line`);
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) throw new CheckpointError(2, `tree size ${cp.size} must be a non-negative integer`);
  if (cp.root.length !== HASH_SIZE) throw new CheckpointError(3, `root hash is ${cp.root.length} bytes, expected ${HASH_SIZE}`);
  for (const [i, e] of cp.extensions.entries()) {
    if (e.length === 0 || e.includes('\n')) throw new CheckpointError(4 + i, `extension line ${4 + i} must be one non-empty line`);
  }
  return [cp.origin, String(cp.size), toBase64(cp.root), ...cp.extensions].join('\n') + '\n';
}

/** Parses a checkpoint body strictly; every error names the line (1-based) and what is wrong with it. */
export function parseCheckpointBody(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new CheckpointError(0, 'checkpoint text must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new CheckpointError(lines.length + 1, `checkpoint has ${lines.length} lines, needs at least 3 (origin, tree size, root hash)`);
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin.length === 0) throw new CheckpointError(1, 'line 1 (origin) is empty');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine)) throw new CheckpointError(2, `line 2 (tree size) ${JSON.stringify(sizeLine)} is not a decimal number without leading zeroes`);
  const size = Number(sizeLine);
  if (!Number.isSafeInteger(size)) throw new CheckpointError(2, `line 2 (tree size) ${sizeLine} is larger than 2^53 - 1`);
  let root: Uint8Array;
  try {
    root = fromBase64(rootLine);
  } catch (err) {
    throw new CheckpointError(3, `line 3 (root hash) ${JSON.stringify(rootLine)} is not base64`, { cause: err });
  }
  if (root.length !== HASH_SIZE) throw new CheckpointError(3, `line 3 (root hash) decodes to ${root.length} bytes, expected ${HASH_SIZE}`);
  for (const [i, e] of extensions.entries()) {
    if (e.length === 0) throw new CheckpointError(4 + i, `line ${4 + i} (extension) is empty`);
  }
  return { origin, size, root, extensions };
}

/** Signs a checkpoint as a note with the log key(s); the key name SHOULD be the origin. */
export function signCheckpoint(cp: Checkpoint, signers: readonly NoteSigner[]): string {
  return signNote(formatCheckpoint(cp), signers);
}

export interface OpenedCheckpoint {
  readonly checkpoint: Checkpoint;
  /** The full note text as given. */
  readonly note: string;
  /** The checkpoint body (what was signed). */
  readonly text: string;
  /** Verified cosignatures of known witnesses with their timestamps. */
  readonly cosignatures: Array<{ witness: NoteVerifier; time: bigint; signature: NoteSignature }>;
  /** Signature lines from unknown keys, kept verbatim. */
  readonly unknown: NoteSignature[];
}

/**
 * Verifies a checkpoint note: a valid signature by `logKey` is required, the origin must equal `origin`
 * when given, and signatures by known `witnesses` (type 0x04 cosignature/v1) must verify if present.
 */
export function openCheckpoint(
  note: string | Uint8Array,
  logKey: NoteVerifier,
  opts: { origin?: string; witnesses?: readonly NoteVerifier[] } = {},
): OpenedCheckpoint {
  const witnesses = opts.witnesses ?? [];
  const opened = openNote(note, [logKey, ...witnesses]);
  if (!opened.verified.some((v) => v.verifier === logKey)) {
    throw new NoteError('LEDGER_NOTE_UNVERIFIED', `checkpoint is not signed by the log key ${logKey.name}`);
  }
  const checkpoint = parseCheckpointBody(opened.text);
  if (opts.origin !== undefined && checkpoint.origin !== opts.origin) {
    throw new CheckpointError(1, `line 1 (origin) is ${JSON.stringify(checkpoint.origin)}, expected ${JSON.stringify(opts.origin)}`);
  }
  const cosignatures = opened.verified
    .filter((v) => v.verifier !== logKey && v.verifier.type === SIG_COSIGNATURE_V1)
    .map((v) => ({ witness: v.verifier, time: cosignatureTime(v.signature), signature: v.signature }));
  return {
    checkpoint,
    note: typeof note === 'string' ? note : new TextDecoder().decode(note),
    text: opened.text,
    cosignatures,
    unknown: opened.unknown,
  };
}

/** Parses a checkpoint note without verifying signatures (for display or for routing to the right key). */
export function peekCheckpoint(note: string | Uint8Array): Checkpoint {
  return parseCheckpointBody(parseNote(note).text);
}

// Timestamped Ed25519 cosignatures (c2sp.org/tlog-cosignature, "cosignature/v1") over checkpoints, and the k-of-n
// witness policy check that decides when a checkpoint is final. Isomorphic (no node: imports): the receipt
// verifier and the browser verifier reuse it. Key ids, the signed message and note parsing come from
// app/ledger/note.ts; this module adds the witness-facing API on top.
import { concatBytes, utf8ToBytes } from '../ledger/bytes';
import { toBase64 } from '../crypto/encoding';
import { type Checkpoint, type OpenedCheckpoint, openCheckpoint } from '../ledger/checkpoint';
import {
  type NoteKeyPair,
  type NoteVerifier,
  NoteError,
  SIG_COSIGNATURE_V1,
  cosignerAt,
  generateNoteKey,
  parseNote,
  parseVerifierKey,
} from '../ledger/note';
import { EvidenceError } from '../common/errors';

/** Named cosignature / policy failures; `code` is stable. */
export class CosignatureError extends EvidenceError<'WITNESS_BAD_COSIGNATURE' | 'WITNESS_BAD_POLICY' | 'WITNESS_BAD_TIMESTAMP'> {
  override name = 'CosignatureError';
  constructor(
    code: 'WITNESS_BAD_COSIGNATURE' | 'WITNESS_BAD_POLICY' | 'WITNESS_BAD_TIMESTAMP',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** c2sp.org/tlog-cosignature: the timestamp MUST NOT exceed 2^63 - 1 (and tlog-witness forbids zero). */
export const MAX_TIMESTAMP = (1n << 63n) - 1n;

/** A fresh cosigner key (signature type 0x04, cosignature/v1). The name SHOULD be a schema-less URL. */
export function generateCosignerKey(name: string): NoteKeyPair {
  return generateNoteKey(name, SIG_COSIGNATURE_V1);
}

/** Parses a witness vkey and insists it is a cosignature/v1 (type 0x04) key. */
export function parseCosignerKey(vkey: string): NoteVerifier {
  const v = parseVerifierKey(vkey);
  if (v.type !== SIG_COSIGNATURE_V1) {
    throw new CosignatureError('WITNESS_BAD_POLICY', `witness key ${v.name} has signature type 0x${v.type.toString(16).padStart(2, '0')}, expected 0x04 (cosignature/v1)`);
  }
  return v;
}

/**
 * c2sp.org/tlog-cosignature, Ed25519 signed message: cosigns the checkpoint body `text` (ending in a newline,
 * no signature lines) at POSIX time `timestamp` and returns the note signature line (without newline):
 * "— <name> base64(keyid ‖ u64be timestamp ‖ ed25519 signature)".
 */
export function cosignCheckpoint(text: string, skey: string, timestamp: bigint): string {
  if (timestamp <= 0n || timestamp > MAX_TIMESTAMP) {
    throw new CosignatureError('WITNESS_BAD_TIMESTAMP', `cosignature timestamp ${timestamp} must be in 1..2^63-1 (tlog-witness forbids zero)`);
  }
  if (!text.endsWith('\n')) throw new CosignatureError('WITNESS_BAD_COSIGNATURE', 'checkpoint text to cosign must end with a newline');
  const signer = cosignerAt(skey, timestamp);
  const id = new Uint8Array(4);
  new DataView(id.buffer).setUint32(0, signer.keyId);
  return `\u2014 ${signer.name} ${toBase64(concatBytes(id, signer.sign(utf8ToBytes(text))))}`;
}

/**
 * Verifies one cosignature line over checkpoint body `text` with witness key `witness`; returns its timestamp.
 * Throws CosignatureError naming the witness when the name or key id differ or the signature fails.
 */
export function verifyCosignature(text: string, line: string, witness: NoteVerifier): bigint {
  if (witness.type !== SIG_COSIGNATURE_V1) throw new CosignatureError('WITNESS_BAD_POLICY', `key ${witness.name} is not a cosignature/v1 key`);
  const [sig] = parseNote(`${text}\n${line}\n`).signatures;
  if (!sig || sig.name !== witness.name || sig.keyId !== witness.keyId) {
    throw new CosignatureError('WITNESS_BAD_COSIGNATURE', `signature line is not by witness ${witness.name} (key ${witness.keyId.toString(16).padStart(8, '0')})`);
  }
  if (!witness.verify(utf8ToBytes(text), sig.sig)) {
    throw new CosignatureError('WITNESS_BAD_COSIGNATURE', `cosignature by ${witness.name} does not verify over this checkpoint`);
  }
  return new DataView(sig.sig.buffer, sig.sig.byteOffset, 8).getBigUint64(0);
}

/** A genesis witness policy (docs/RECORDS.md): `quorum` of the listed witnesses must cosign. */
export interface WitnessPolicy {
  readonly quorum: number;
  readonly witnesses: ReadonlyArray<{ readonly name: string; readonly vkey: string }>;
}

/** The parsed policy: distinct cosigner keys and a quorum 1..n. */
export interface ParsedPolicy {
  readonly quorum: number;
  readonly witnesses: readonly NoteVerifier[];
}

/** Validates a policy: every vkey a cosignature/v1 key, no key twice, 0 ≤ quorum ≤ n. */
export function parsePolicy(policy: WitnessPolicy): ParsedPolicy {
  if (!policy || !Array.isArray(policy.witnesses)) throw new CosignatureError('WITNESS_BAD_POLICY', 'witness policy must have a witnesses list');
  const witnesses = policy.witnesses.map((w, i) => {
    let v: NoteVerifier;
    try {
      v = parseCosignerKey(w.vkey);
    } catch (err) {
      throw new CosignatureError('WITNESS_BAD_POLICY', `witness ${i} (${JSON.stringify(w.name)}): ${(err as Error).message}`, { cause: err });
    }
    if (w.name !== undefined && w.name !== v.name) throw new CosignatureError('WITNESS_BAD_POLICY', `witness ${i} is named ${JSON.stringify(w.name)} but its key is named ${JSON.stringify(v.name)}`);
    return v;
  });
  const seen = new Set<string>();
  for (const v of witnesses) {
    const k = toBase64(v.publicKey);
    if (seen.has(k)) throw new CosignatureError('WITNESS_BAD_POLICY', `witness key of ${v.name} appears twice in the policy`);
    seen.add(k);
  }
  // The genesis schema allows quorum 0 (a standalone ledger without witnesses): every checkpoint is then final.
  if (!Number.isInteger(policy.quorum) || policy.quorum < 0 || policy.quorum > witnesses.length) {
    throw new CosignatureError('WITNESS_BAD_POLICY', `witness quorum ${policy.quorum} must be an integer in 0..${witnesses.length}`);
  }
  return { quorum: policy.quorum, witnesses };
}

/** A checkpoint checked against a log key and a witness policy. */
export interface PolicyResult {
  readonly opened: OpenedCheckpoint;
  readonly checkpoint: Checkpoint;
  /** Names of the distinct policy witnesses whose cosignatures verified. */
  readonly cosigners: string[];
  /** True when at least `quorum` distinct policy witnesses cosigned (the checkpoint is final). */
  readonly final: boolean;
}

/**
 * Opens a checkpoint note with the log key (c2sp.org/tlog-checkpoint) and counts the policy witnesses that
 * cosigned it (c2sp.org/tlog-proof, Verifying, step 3: k valid cosignatures out of n known witnesses).
 * A known witness's line that fails to verify makes the note invalid (c2sp.org/signed-note).
 */
export function checkPolicy(note: string | Uint8Array, logKey: NoteVerifier, policy: ParsedPolicy, origin?: string): PolicyResult {
  const opened = openCheckpoint(note, logKey, { ...(origin !== undefined ? { origin } : {}), witnesses: policy.witnesses });
  const byKey = new Map(opened.cosignatures.map((c) => [c.witness.vkey, c.witness.name]));
  const cosigners = [...byKey.values()];
  return { opened, checkpoint: opened.checkpoint, cosigners, final: cosigners.length >= policy.quorum };
}

export { NoteError };

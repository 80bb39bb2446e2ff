// Building proofs for an entry from a log served as tiles (a node folder, a mirror, a URL): the log is read
// and verified (loadLog: every bundle, tile and the signed root), the checkpoint must be final under the
// genesis witness policy, and the receipt's context is the genesis plus the member.enroll entries of every key
// that signed the entry — and, transitively, of admins enrolled later who signed those enrolments.
import { toBase64 } from '../crypto/encoding';
import { type LoadedLog, loadLog } from '../ledger/log';
import { type NoteVerifier, parseVerifierKey } from '../ledger/note';
import { parseEntry } from '../ledger/rules';
import type { TileFetcher } from '../ledger/tiles';
import { type WitnessPolicy, checkPolicy, parsePolicy } from '../witness/cosignature';
import { type EvidenceReceipt, RECEIPT_FORMAT, RECEIPT_VERSION } from './receipt';
import { formatTlogProof } from './tlog-proof';
import { EvidenceError } from '../common/errors';

export class ProofBuildError extends EvidenceError<'PROOF_INDEX' | 'PROOF_NOT_FINAL' | 'PROOF_TRUST'> {
  override name = 'ProofBuildError';
  constructor(code: 'PROOF_INDEX' | 'PROOF_NOT_FINAL' | 'PROOF_TRUST', message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export interface BuiltProof {
  /** The C2SP tlog-proof text of the entry under the latest final checkpoint. */
  readonly tlogProof: string;
  readonly receipt: EvidenceReceipt;
  readonly size: number;
}

/** Loads and verifies a whole log from tiles; the log key is pinned or taken from the genesis. */
export async function loadVerifiedLog(source: TileFetcher, opts: { logKey?: string } = {}): Promise<LoadedLog & { logKey: NoteVerifier; policy: WitnessPolicy }> {
  let policy: WitnessPolicy | undefined;
  let logKey: NoteVerifier | undefined;
  const loaded = await loadLog(source, {
    resolveLogKey: (entries) => {
      const g = parseEntry(entries[0]!).record;
      if (g.type !== 'genesis') throw new ProofBuildError('PROOF_TRUST', `entry 0 is a ${g.type}, not the genesis`);
      if (opts.logKey !== undefined && g.logKey !== opts.logKey) throw new ProofBuildError('PROOF_TRUST', `the genesis names log key ${g.logKey}, not the pinned ${opts.logKey}`);
      policy = g.witnessPolicy as WitnessPolicy;
      logKey = parseVerifierKey(g.logKey);
      return logKey;
    },
  });
  return { ...loaded, logKey: logKey!, policy: policy! };
}

/** The tlog-proof and evidence receipt of entry `index` under the log's latest checkpoint, which must be final. */
export function buildProof(log: LoadedLog & { logKey: NoteVerifier; policy: WitnessPolicy }, index: number): BuiltProof {
  const size = log.tree.size;
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new ProofBuildError('PROOF_INDEX', `index ${index} is not in the log (size ${size}): give 0..${size - 1}`);
  const note = log.checkpoint.note;
  const q = checkPolicy(note, log.logKey, parsePolicy(log.policy), log.checkpoint.checkpoint.origin);
  if (!q.final) throw new ProofBuildError('PROOF_NOT_FINAL', `the latest checkpoint (size ${size}) has ${q.cosigners.length} of the ${log.policy.quorum} witness cosignatures it needs: wait for the witnesses and try again`);
  const proofOf = (i: number): string => formatTlogProof({ index: i, proof: log.tree.inclusionProof(i, size), checkpoint: note });

  // Enrolment index of every member key (genesis admins at 0).
  const enrolledAt = new Map<string, number>();
  const g = parseEntry(log.entries[0]!).record;
  if (g.type === 'genesis') for (const a of g.admins) enrolledAt.set(a.keyId, 0);
  for (let i = 1; i < index; i++) {
    const rec = parseEntry(log.entries[i]!).record;
    if (rec.type === 'member.enroll' && !enrolledAt.has(rec.member.keyId)) enrolledAt.set(rec.member.keyId, i);
  }
  const context = new Set<number>([0]);
  const todo = [index];
  while (todo.length > 0) {
    const i = todo.pop()!;
    for (const s of parseEntry(log.entries[i]!).envelope.signatures) {
      const at = enrolledAt.get(s.keyId);
      if (at !== undefined && at < Math.max(i, 1) && !context.has(at)) {
        context.add(at);
        todo.push(at);
      }
    }
  }
  const receipt: EvidenceReceipt = {
    format: RECEIPT_FORMAT,
    version: RECEIPT_VERSION,
    origin: log.checkpoint.checkpoint.origin,
    entry: toBase64(log.entries[index]!),
    proof: proofOf(index),
    trust: { logKey: log.logKey.vkey, witnessPolicy: log.policy },
    context: [...context].sort((a, b) => a - b).map((i) => ({ entry: toBase64(log.entries[i]!), proof: proofOf(i) })),
  };
  return { tlogProof: receipt.proof, receipt, size };
}

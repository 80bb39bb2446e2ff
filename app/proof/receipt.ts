// Evidence receipts (docs/RECEIPT.md): one entry, its C2SP tlog-proof under a cosigned checkpoint, the
// trust root (log key + witness policy) and the context entries that enrol its signers — verifiable offline.
// Isomorphic (no node: imports): the CLI, the workstation and the single-file HTML verifier all run this code.
// Every check reports pass/fail/skip with a reason; the receipt is valid only if none fails.
import { canonicalJson } from '../crypto/record-digest';
import { keyIdOf } from '../crypto/secp256k1';
import { type SignedRecord, verifyEnvelope } from '../crypto/envelope';
import { bytesEqual } from '../ledger/bytes';
import { fromBase64, toBase64 } from '../crypto/encoding';
import { type Checkpoint, openCheckpoint } from '../ledger/checkpoint';
import { leafHash, rootFromInclusionProof } from '../ledger/merkle';
import { parseNote, parseVerifierKey } from '../ledger/note';
import { ADMIN_ROLE_RE, LedgerState, SIGNING_ROLES, parseEntry } from '../ledger/rules';
import type { LedgerRecord } from '../records/schemas';
import { type WitnessPolicy, checkPolicy, parsePolicy } from '../witness/cosignature';
import { type TlogProof, parseTlogProof } from './tlog-proof';

export const RECEIPT_FORMAT = 'evidence-receipt';
export const RECEIPT_VERSION = 1;
export const RECEIPT_EXTENSION = '.evidence-receipt.json';

export interface EvidenceReceipt {
  readonly format: typeof RECEIPT_FORMAT;
  readonly version: typeof RECEIPT_VERSION;
  readonly origin: string;
  /** base64 of the exact entry bytes. */
  readonly entry: string;
  /** C2SP tlog-proof text for the entry. */
  readonly proof: string;
  readonly trust: { readonly logKey: string; readonly witnessPolicy: WitnessPolicy };
  readonly context: ReadonlyArray<{ readonly entry: string; readonly proof: string }>;
}

export type CheckId = 'format' | 'file' | 'signatures' | 'enrolment' | 'inclusion' | 'log-signature' | 'witness-quorum' | 'trust-root';

export interface CheckResult {
  readonly id: CheckId;
  readonly title: string;
  readonly status: 'pass' | 'fail' | 'skip';
  readonly detail: string;
}

export interface ReceiptReport {
  readonly ok: boolean;
  readonly checks: CheckResult[];
  /** Index of the entry, its record type and id, when readable. */
  readonly entry?: { index: number; type: string; id: string };
  readonly limit: string;
}

export const RECEIPT_LIMIT =
  'A receipt proves that each signer was enrolled before the entry, not that no key was revoked later; ' +
  'the full log (`evidence log verify`) proves that.';

const TITLES: Record<CheckId, string> = {
  format: 'receipt is well-formed',
  file: 'file SHA-256 and size match the deposition',
  signatures: 'every signature on the entry verifies and the required roles are present',
  enrolment: 'each signer is enrolled by an earlier entry (genesis or member.enroll)',
  inclusion: 'inclusion proofs bind the entry and its context to the checkpoint root',
  'log-signature': 'the checkpoint is signed by the trusted log key for this origin',
  'witness-quorum': 'the witness policy quorum cosigned the checkpoint',
  'trust-root': 'the genesis names the same log key and witness policy as the trust root',
};

/**
 * The envelope roles a record must carry, each bound to a key id when the record names the signer (mirrors
 * the `ctx.roles(...)` calls of app/ledger/rules.ts; receipt.test.ts checks them against the rules engine).
 */
export function requiredRoles(record: LedgerRecord): { roles: string[]; bound: Record<string, string> } {
  switch (record.type) {
    case 'genesis':
      return { roles: record.admins.map((_, i) => `admin.${i + 1}`), bound: {} };
    case 'member.enroll':
    case 'member.revoke':
      return { roles: [], bound: {} };
    case 'case.open':
      return { roles: ['investigator'], bound: {} };
    case 'deposition':
      return { roles: ['depositor', 'provider'], bound: { depositor: record.request.depositor, provider: record.receipt.provider } };
    case 'custody.transfer':
      return { roles: ['releasing', 'receiving'], bound: { releasing: record.from, receiving: record.to } };
    case 'integrity.check':
      return record.scope === 'provider' ? { roles: ['checker', 'provider'], bound: { checker: record.checker } } : { roles: ['checker'], bound: { checker: record.checker } };
    case 'access':
      return { roles: ['accessor'], bound: { accessor: record.accessor } };
    case 'disposition':
      return { roles: ['supervisor', 'witness-officer'], bound: { supervisor: record.authorisedBy, 'witness-officer': record.witnessOfficer } };
  }
}

interface Decoded {
  bytes: Uint8Array;
  proof: TlogProof;
}

function decode(e: { entry: unknown; proof: unknown }, what: string): Decoded {
  if (typeof e.entry !== 'string' || typeof e.proof !== 'string') throw new TypeError(`${what}: entry and proof must be strings`);
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(e.entry);
  } catch (err) {
    throw new TypeError(`${what}: entry is not base64: ${(err as Error).message}`);
  }
  return { bytes, proof: parseTlogProof(e.proof) };
}

const msg = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Runs every docs/RECEIPT.md check. `file` is the SHA-256 (hex) and size of the exhibit file, when given. */
export function verifyReceipt(input: unknown, opts: { file?: { sha256: string; size: number } } = {}): ReceiptReport {
  const results = new Map<CheckId, CheckResult>();
  const set = (id: CheckId, status: CheckResult['status'], detail: string): void => {
    if (!results.has(id)) results.set(id, { id, title: TITLES[id], status, detail });
  };
  const finish = (entry?: ReceiptReport['entry']): ReceiptReport => {
    const order: CheckId[] = ['format', 'file', 'signatures', 'enrolment', 'inclusion', 'log-signature', 'witness-quorum', 'trust-root'];
    for (const id of order) set(id, 'fail', 'not checked: an earlier check failed');
    const checks = order.map((id) => results.get(id)!);
    return { ok: checks.every((c) => c.status !== 'fail'), checks, ...(entry ? { entry } : {}), limit: RECEIPT_LIMIT };
  };

  // 0. Structure.
  const r = input as Partial<EvidenceReceipt> | null;
  let main: Decoded;
  let context: Decoded[];
  try {
    if (!r || typeof r !== 'object') throw new TypeError('receipt must be a JSON object');
    if (r.format !== RECEIPT_FORMAT || r.version !== RECEIPT_VERSION) throw new TypeError(`format/version must be "${RECEIPT_FORMAT}"/${RECEIPT_VERSION}, got ${JSON.stringify(r.format)}/${JSON.stringify(r.version)}`);
    if (typeof r.origin !== 'string' || !r.trust || typeof r.trust.logKey !== 'string' || !r.trust.witnessPolicy || !Array.isArray(r.context)) {
      throw new TypeError('receipt needs origin, trust { logKey, witnessPolicy } and a context list');
    }
    main = decode({ entry: r.entry, proof: r.proof }, 'entry');
    context = r.context.map((c, i) => decode(c as { entry: unknown; proof: unknown }, `context[${i}]`));
    set('format', 'pass', `${RECEIPT_FORMAT} v${RECEIPT_VERSION}, ${context.length} context entries`);
  } catch (err) {
    set('format', 'fail', msg(err));
    return finish();
  }
  const receipt = r as EvidenceReceipt;
  const index = main.proof.index;

  // 5. The log signature and origin.
  let cp: Checkpoint | undefined;
  const logKey = (() => {
    try {
      return parseVerifierKey(receipt.trust.logKey);
    } catch (err) {
      set('log-signature', 'fail', `trust.logKey: ${msg(err)}`);
      return undefined;
    }
  })();
  if (logKey) {
    try {
      cp = openCheckpoint(main.proof.checkpoint, logKey, { origin: receipt.origin }).checkpoint;
      set('log-signature', 'pass', `${logKey.name} signed ${receipt.origin} at size ${cp.size}`);
    } catch (err) {
      set('log-signature', 'fail', msg(err));
    }
  }

  // 6. Witness quorum.
  if (logKey) {
    try {
      const policy = parsePolicy(receipt.trust.witnessPolicy);
      const q = checkPolicy(main.proof.checkpoint, logKey, policy, receipt.origin);
      set('witness-quorum', q.final ? 'pass' : 'fail', `${q.cosigners.length} of ${policy.witnesses.length} witnesses cosigned (quorum ${policy.quorum})${q.cosigners.length ? `: ${q.cosigners.join(', ')}` : ''}`);
    } catch (err) {
      set('witness-quorum', 'fail', msg(err));
    }
  }

  // 4. Inclusion of the entry and of every context entry, under the same checkpoint.
  if (cp) {
    const failures: string[] = [];
    const body = parseNote(main.proof.checkpoint).text;
    for (const [what, d] of [['entry', main] as const, ...context.map((c, i) => [`context[${i}]`, c] as const)]) {
      try {
        if (parseNote(d.proof.checkpoint).text !== body) throw new RangeError('its proof is under a different checkpoint');
        const root = rootFromInclusionProof(d.proof.index, cp.size, leafHash(d.bytes), d.proof.proof);
        if (!bytesEqual(root, cp.root)) throw new RangeError(`the proof for index ${d.proof.index} leads to ${toBase64(root)}, not the checkpoint root`);
      } catch (err) {
        failures.push(`${what}: ${msg(err)}`);
      }
    }
    set('inclusion', failures.length ? 'fail' : 'pass', failures.length ? failures.join('; ') : `entry ${index} and ${context.length} context entries are in the tree of size ${cp.size}`);
  } else {
    set('inclusion', 'fail', 'no verified checkpoint to prove inclusion against');
  }

  // Parse the entry (canonical JSON signed envelope).
  let envelope: SignedRecord;
  let record: LedgerRecord;
  try {
    ({ envelope, record } = parseEntry(main.bytes));
  } catch (err) {
    set('signatures', 'fail', `entry: ${msg(err)}`);
    set('file', opts.file ? 'fail' : 'skip', opts.file ? 'the entry cannot be read' : 'no file given');
    set('enrolment', 'fail', 'the entry cannot be read');
    set('trust-root', 'fail', 'not checked: the entry cannot be read');
    return finish();
  }
  const entryInfo = { index, type: record.type, id: record.id };

  // 1. The file.
  if (!opts.file) set('file', 'skip', 'no file given (pass --file to check the exhibit bytes)');
  else if (record.type !== 'deposition') set('file', 'fail', `the entry is a ${record.type}, not a deposition`);
  else {
    const want = opts.file;
    const hit = record.request.objects.find((o) => o.sha256 === want.sha256.toLowerCase());
    if (!hit) set('file', 'fail', `sha256 ${want.sha256} is not among the deposited objects (${record.request.objects.map((o) => `${o.name} ${o.sha256}`).join(', ')})`);
    else if (hit.size !== want.size) set('file', 'fail', `sha256 matches ${hit.name} but the size is ${want.size}, deposited ${hit.size}`);
    else set('file', 'pass', `${hit.name}: sha256 ${hit.sha256}, ${hit.size} bytes`);
  }

  // 2. Signatures (secp256k1, low-S) and required roles, with the record's own key bindings.
  const { roles, bound } = requiredRoles(record);
  const report = verifyEnvelope(envelope, {
    resolveKey: (keyId, role) => {
      if (bound[role] !== undefined && bound[role] !== keyId) return undefined;
      const sig = envelope.signatures.find((s) => s.keyId === keyId && s.role === role);
      return sig && keyIdOf(sig.publicKey) === keyId ? sig.publicKey : undefined;
    },
    requiredRoles: roles,
  });
  if (!report.ok) {
    const bad = report.signatures.filter((s) => !s.ok).map((s) => s.message);
    set('signatures', 'fail', [...new Set([...bad, ...report.missingRoles.map((m) => `missing role ${m}`), ...report.errors])].join('; ') || 'the envelope does not verify');
  } else {
    set('signatures', 'pass', `${envelope.signatures.length} signatures verify (${envelope.signatures.map((s) => s.role).join(', ')})`);
  }

  // 3 + 7. Replay the context (genesis first) with the rules engine at each entry's own index, then check
  // every signer of the entry is an enrolled member, allowed in its role, enrolled before the entry.
  const state = new LedgerState();
  const sorted = [...context].sort((a, b) => a.proof.index - b.proof.index);
  try {
    if (sorted[0]?.proof.index !== 0) throw new RangeError('the context does not hold the genesis (index 0)');
    for (const c of sorted) {
      if (c.proof.index >= index && !(index === 0 && c.proof.index === 0)) throw new RangeError(`context entry ${c.proof.index} is not before the entry (${index})`);
      // LedgerState.size is the index the next entry is checked at: set it so each context entry is judged at
      // its own position in the log (the rules only need the members and genesis the context establishes).
      if (c.proof.index < state.size) throw new RangeError(`context entry ${c.proof.index} appears twice`);
      state.size = c.proof.index;
      try {
        state.apply(c.bytes);
      } catch (err) {
        throw new RangeError(`context entry ${c.proof.index}: ${msg(err)}`);
      }
    }
    const g = state.genesis!;
    const same = g.logKey === receipt.trust.logKey && canonicalJson(g.witnessPolicy) === canonicalJson(receipt.trust.witnessPolicy) && g.origin === receipt.origin;
    set('trust-root', same ? 'pass' : 'fail', same
      ? `genesis of ${g.origin} names log key ${g.logKey.split('+')[0]} and quorum ${g.witnessPolicy.quorum} of ${g.witnessPolicy.witnesses.length}`
      : `the genesis names ${g.origin} / ${g.logKey} / ${canonicalJson(g.witnessPolicy)}, the receipt trusts ${receipt.origin} / ${receipt.trust.logKey} / ${canonicalJson(receipt.trust.witnessPolicy)}`);
    const problems: string[] = [];
    for (const s of envelope.signatures) {
      const m = state.members.get(s.keyId);
      if (!m) {
        problems.push(`${s.role}: key ${s.keyId} is not enrolled by any context entry`);
        continue;
      }
      if (m.publicKey !== s.publicKey) problems.push(`${s.role}: key ${s.keyId} was enrolled with a different public key`);
      if (!(m.enrolledAt < index || (index === 0 && m.enrolledAt === 0))) problems.push(`${s.role}: key ${s.keyId} was enrolled at ${m.enrolledAt}, not before entry ${index}`);
      const allowed = ADMIN_ROLE_RE.test(s.role) ? m.role === 'admin' : (SIGNING_ROLES[s.role] ?? []).includes(m.role);
      if (!allowed) problems.push(`${s.role}: member ${m.name} is a ${m.role}, not allowed in this role`);
    }
    if (record.type === 'member.enroll' || record.type === 'member.revoke') {
      const admins = new Set(envelope.signatures.filter((s) => ADMIN_ROLE_RE.test(s.role)).map((s) => s.keyId));
      if (admins.size < g.adminQuorum) problems.push(`${admins.size} admin signatures, the genesis requires ${g.adminQuorum}`);
    }
    set('enrolment', problems.length ? 'fail' : 'pass', problems.length ? problems.join('; ') : envelope.signatures.map((s) => `${s.role} ${state.members.get(s.keyId)!.name} (enrolled at ${state.members.get(s.keyId)!.enrolledAt})`).join(', '));
  } catch (err) {
    set('enrolment', 'fail', msg(err));
    set('trust-root', 'fail', `not checked: ${msg(err)}`);
  }
  return finish(entryInfo);
}

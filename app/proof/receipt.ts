// Evidence receipts (docs/RECEIPT.md): one entry, its C2SP tlog-proof under a cosigned checkpoint, a
// copy of the log key and witness policy, and the context entries (the genesis first) that enrol its signers —
// verifiable offline. The keys a receipt is checked against come from the caller's **trust root** (a trust
// bundle it holds, or the fingerprint of one: app/trust/bundle.ts), as c2sp.org/tlog-proof "Verifying" asks
// (a log key configured for the origin, witnesses known to the verifier); what the receipt itself carries is
// only a hint compared with it. Without a trust root the result is "unanchored": every check still runs
// against the receipt's own claim, but it is never reported as verified.
// Isomorphic (no node: imports): the CLI, the workstation and the single-file HTML verifier all run this code.
// Every check reports pass/fail/skip with a reason.
import { canonicalJson } from '../crypto/record-digest';
import { keyIdOf } from '../crypto/secp256k1';
import { type SignedRecord, verifyEnvelope } from '../crypto/envelope';
import { bytesEqual } from '../ledger/bytes';
import { fromBase64, toBase64 } from '../crypto/encoding';
import { type Checkpoint, openCheckpoint } from '../ledger/checkpoint';
import { leafHash, rootFromInclusionProof } from '../ledger/merkle';
import { type NoteVerifier, parseNote, parseVerifierKey } from '../ledger/note';
import { ADMIN_ROLE_RE, LedgerState, SIGNING_ROLES, parseEntry } from '../ledger/rules';
import type { LedgerRecord } from '../records/schemas';
import type { WitnessPolicy } from '../witness/cosignature';
import { type ParsedTrustBundle, TrustError, assertBundleOfGenesis, bundleFromGenesis, checkTrustBundle, formatFingerprint } from '../trust/bundle';
import { type ParsedPolicyText, describeQuorum, formatPolicyText, parsePolicyText, quorumMet } from '../trust/policy';
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

/** What a receipt is checked against: a trust bundle the verifier holds, or the fingerprint of one. */
export type TrustAnchor = { readonly bundle: ParsedTrustBundle } | { readonly fingerprint: string };

/** A trust bundle as a report names it. */
export interface BundleInfo {
  readonly fingerprint: string;
  readonly origin: string;
  readonly network: string;
  readonly selfWitnessed: boolean;
}

export interface ReceiptReport {
  /** True only when anchored (checked against a trust root) and no check failed: outcome "verified". */
  readonly ok: boolean;
  /** verified: anchored, nothing failed; failed: a check failed; unanchored: nothing failed but no trust root. */
  readonly outcome: 'verified' | 'failed' | 'unanchored';
  readonly anchored: boolean;
  readonly checks: CheckResult[];
  /** Index of the entry, its record type and id, when readable. */
  readonly entry?: { index: number; type: string; id: string };
  /** The trust bundle the receipt's genesis describes (its claim), when readable. */
  readonly claimed?: BundleInfo;
  /** The trust root it was checked against. */
  readonly trust?: BundleInfo | { readonly fingerprint: string };
  /** True when the ledger's witness runs on the depositor's own computer (standalone): nobody else checked it. */
  readonly selfWitnessed: boolean;
  readonly limit: string;
}

/** Standalone honesty: what a self-witnessed ledger's receipts say next to every witnessed/final claim. */
export const SELF_WITNESSED = {
  en: 'self-witnessed: no independent party has checked this record',
  'zh-CN': '自我见证：尚无独立第三方核查此记录',
} as const;

/** The words an unanchored result ends with: the claimed fingerprint must be compared with the agency's. */
export function unanchoredAdvice(claimed: string | undefined): string {
  return claimed
    ? `no trust root given: this receipt claims trust bundle fingerprint ${formatFingerprint(claimed)}; compare it with the fingerprint the agency publishes (or verify with that bundle or fingerprint)`
    : 'no trust root given, and the receipt names no readable trust bundle: verify with the agency\'s trust bundle or its fingerprint';
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
  'log-signature': 'the checkpoint is signed by the log key of the trust root, for its origin',
  'witness-quorum': "the trust root's witness quorum cosigned the checkpoint",
  'trust-root': 'the ledger (its genesis) is the one the trust root describes',
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

/** The keys one verification uses: the log key, its origin and the witness policy. */
interface Keys {
  readonly logKey: NoteVerifier;
  readonly origin: string;
  readonly policy: ParsedPolicyText;
  readonly selfWitnessed: boolean;
}

const infoOf = (b: ParsedTrustBundle): BundleInfo => ({ fingerprint: b.fingerprint, origin: b.bundle.origin, network: b.bundle.network, selfWitnessed: b.bundle.selfWitnessed });
const keysOf = (b: ParsedTrustBundle): Keys => ({ logKey: b.logKey, origin: b.bundle.origin, policy: b.policy, selfWitnessed: b.bundle.selfWitnessed });
const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

/**
 * Runs every docs/RECEIPT.md check against `trust` (the verifier's own trust root; undefined: unanchored).
 * `file` is the SHA-256 (hex) and size of the exhibit file, when given.
 */
export function verifyReceipt(input: unknown, trust: TrustAnchor | undefined, opts: { file?: { sha256: string; size: number } } = {}): ReceiptReport {
  const results = new Map<CheckId, CheckResult>();
  const set = (id: CheckId, status: CheckResult['status'], detail: string): void => {
    if (!results.has(id)) results.set(id, { id, title: TITLES[id], status, detail });
  };
  let claimed: ParsedTrustBundle | undefined;
  let selfWitnessed = false;
  const anchored = trust !== undefined;
  const trustInfo = trust === undefined ? undefined : 'bundle' in trust ? infoOf(trust.bundle) : { fingerprint: trust.fingerprint };
  const finish = (entry?: ReceiptReport['entry']): ReceiptReport => {
    const order: CheckId[] = ['format', 'file', 'signatures', 'enrolment', 'inclusion', 'log-signature', 'witness-quorum', 'trust-root'];
    for (const id of order) set(id, 'fail', 'not checked: an earlier check failed');
    const checks = order.map((id) => results.get(id)!);
    const failed = checks.some((c) => c.status === 'fail');
    const outcome = failed ? 'failed' : anchored ? 'verified' : 'unanchored';
    return {
      ok: outcome === 'verified',
      outcome,
      anchored,
      checks,
      ...(entry ? { entry } : {}),
      ...(claimed ? { claimed: infoOf(claimed) } : {}),
      ...(trustInfo ? { trust: trustInfo } : {}),
      selfWitnessed,
      limit: RECEIPT_LIMIT,
    };
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

  // The receipt's claim: the trust bundle its genesis (context entry 0, or the entry itself) describes.
  let claimError: string | undefined;
  let genesis: Extract<LedgerRecord, { type: 'genesis' }> | undefined;
  try {
    const g = index === 0 ? main : context.find((c) => c.proof.index === 0);
    if (!g) throw new RangeError('the receipt holds no genesis (entry 0)');
    const rec = parseEntry(g.bytes).record;
    if (rec.type !== 'genesis') throw new RangeError(`entry 0 is a ${rec.type}, not the genesis`);
    genesis = rec;
    claimed = checkTrustBundle(bundleFromGenesis(rec));
  } catch (err) {
    claimError = msg(err);
  }

  // The keys: the trust root's when anchored; otherwise the receipt's own claim (or, failing that, its hint).
  let keys: Keys | undefined;
  let keyProblem: string | undefined;
  if (trust && 'bundle' in trust) {
    keys = keysOf(trust.bundle);
  } else if (trust) {
    if (!claimed) keyProblem = `log key not in the trust root: the receipt's trust bundle cannot be read (${claimError}), so it cannot be matched with fingerprint ${formatFingerprint(trust.fingerprint)}`;
    else if (claimed.fingerprint !== trust.fingerprint) keyProblem = `log key not in the trust root: the receipt's ledger has trust bundle ${formatFingerprint(claimed.fingerprint)}, not the trusted ${formatFingerprint(trust.fingerprint)}`;
    else keys = keysOf(claimed);
  } else if (claimed) {
    keys = keysOf(claimed);
  } else {
    try {
      const logKey = parseVerifierKey(receipt.trust.logKey);
      keys = { logKey, origin: receipt.origin, policy: parsePolicyText(formatPolicyText(logKey.vkey, receipt.trust.witnessPolicy)), selfWitnessed: false };
    } catch (err) {
      keyProblem = `trust.logKey / witnessPolicy: ${msg(err)}`;
    }
  }
  if (keys) selfWitnessed = keys.selfWitnessed;

  // 5. The log signature and origin: the checkpoint must be signed by the trust root's log key.
  let cp: Checkpoint | undefined;
  if (!keys) set('log-signature', 'fail', keyProblem ?? 'no log key');
  else if (receipt.origin !== keys.origin) set('log-signature', 'fail', `the receipt is for ledger ${receipt.origin}; the trust root is for ${keys.origin}`);
  else {
    try {
      cp = openCheckpoint(main.proof.checkpoint, keys.logKey, { origin: keys.origin }).checkpoint;
      set('log-signature', 'pass', `${keys.logKey.name} (key ${hex8(keys.logKey.keyId)}) signed ${keys.origin} at size ${cp.size}`);
    } catch (err) {
      const signers = parseNote(main.proof.checkpoint).signatures.filter((x) => x.name === keys.origin).map((x) => hex8(x.keyId));
      const foreign = signers.length > 0 && !signers.includes(hex8(keys.logKey.keyId));
      set('log-signature', 'fail', foreign || receipt.trust.logKey !== keys.logKey.vkey
        ? `log key not in the trust root: the checkpoint is signed by ${keys.origin} key ${signers.join(', ') || '(none)'}, the trust root's log key is ${keys.logKey.vkey}`
        : msg(err));
    }
  }

  // 6. Witness quorum, by the trust root's policy; a missing or foreign cosignature names the witness.
  if (cp && keys) {
    try {
      const opened = openCheckpoint(main.proof.checkpoint, keys.logKey, { origin: keys.origin, witnesses: keys.policy.witnesses.map((w) => w.key) });
      const byKey = new Set(opened.cosignatures.map((c) => c.witness.vkey));
      const acted = new Set(keys.policy.witnesses.filter((w) => byKey.has(w.key.vkey)).map((w) => w.name));
      const lines = parseNote(main.proof.checkpoint).signatures;
      const missing = keys.policy.witnesses.filter((w) => !acted.has(w.name)).map((w) => {
        const other = lines.find((l) => l.name === w.key.name && l.keyId !== w.key.keyId);
        return other ? `witness ${w.name}: its cosignature is by key ${hex8(other.keyId)}, not the trust root's key ${hex8(w.key.keyId)}` : `witness ${w.name}: no cosignature`;
      });
      const met = quorumMet(keys.policy.quorum, acted);
      const summary = `${acted.size} of ${keys.policy.witnesses.length} witnesses cosigned${acted.size ? ` (${[...acted].join(', ')})` : ''}; quorum: ${describeQuorum(keys.policy.quorum)}`;
      set('witness-quorum', met ? 'pass' : 'fail', met
        ? `${summary}${keys.selfWitnessed ? ` — ${SELF_WITNESSED.en}` : ''}`
        : `fewer cosignatures than the trust root's quorum: ${summary}; ${missing.join('; ')}`);
    } catch (err) {
      set('witness-quorum', 'fail', msg(err));
    }
  } else {
    set('witness-quorum', 'fail', 'not checked: no checkpoint verified with the trust root\'s log key');
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
    set('inclusion', 'fail', 'no checkpoint verified with the trust root\'s log key to prove inclusion against');
  }

  // The trust root: the receipt's genesis must describe the bundle the verifier holds (and its hint agree).
  const hint = genesis && (genesis.logKey !== receipt.trust.logKey || canonicalJson(genesis.witnessPolicy) !== canonicalJson(receipt.trust.witnessPolicy) || genesis.origin !== receipt.origin)
    ? `the receipt's trust hint (${receipt.origin} / ${receipt.trust.logKey}) differs from its genesis (${genesis.origin} / ${genesis.logKey})`
    : undefined;
  if (!claimed) set('trust-root', 'fail', `the receipt's trust bundle cannot be read: ${claimError}`);
  else if (hint) set('trust-root', 'fail', hint);
  else if (!trust) set('trust-root', 'skip', unanchoredAdvice(claimed.fingerprint));
  else if ('bundle' in trust) {
    try {
      assertBundleOfGenesis(trust.bundle, genesis!);
      set('trust-root', 'pass', `the ledger ${claimed.bundle.origin} (${claimed.bundle.network}) has trust bundle ${formatFingerprint(claimed.fingerprint)}, the one given`);
    } catch (err) {
      if (!(err instanceof TrustError)) throw err;
      set('trust-root', 'fail', err.message);
    }
  } else if (claimed.fingerprint === trust.fingerprint) {
    set('trust-root', 'pass', `the ledger ${claimed.bundle.origin} (${claimed.bundle.network}) has trust bundle ${formatFingerprint(claimed.fingerprint)}, the fingerprint given`);
  } else {
    set('trust-root', 'fail', `the receipt's ledger has trust bundle ${formatFingerprint(claimed.fingerprint)}, not the trusted ${formatFingerprint(trust.fingerprint)}`);
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
  }
  return finish(entryInfo);
}

// The record rules (docs/RECORDS.md, docs/DESIGN.md "Records and their rules") as one deterministic state machine: the
// sequencer runs it before appending, every verifier runs it again over the whole log. `apply` either accepts
// an entry (and only then changes the state) or throws a RuleError naming the field and an HTTP-like status.
// Key validity is judged by log order: a key signs only while enrolled and not revoked at that entry's index.
import { canonicalJson, domainTag, isCanonicalJsonText, recordMessage, recordSignedBytes } from '../crypto/record-digest';
import type { SignedMessage } from '../crypto/secp256k1';
import { sha256 } from '@noble/hashes/sha2.js';
import { type Secp256k1Verifier, keyIdOf, nobleVerifier, parsePublicKey } from '../crypto/secp256k1';
import { type SignedRecord, parseSignedRecord } from '../crypto/envelope';
import { CryptoError } from '../crypto/errors';
import { fromBase64, toHex } from '../crypto/encoding';
import type { RecordSignature } from '../crypto/envelope';
import {
  type AccessRecord,
  type CaseOpenRecord,
  type CustodyTransferRecord,
  type DepositionRecord,
  type DispositionRecord,
  type GenesisRecord,
  type IntegrityCheckRecord,
  type LedgerRecord,
  type MemberEnrollRecord,
  type MemberRevokeRecord,
  type MemberRole,
  type RecordType,
  depositionRequestRecord,
  recordSchemas,
} from '../records/schemas';
import { MAX_ENTRY_SIZE } from './layout';
import { TrustError, bundleFromGenesis, checkTrustBundle } from '../trust/bundle';
import { NoteError, SIG_COSIGNATURE_V1, SIG_ED25519, parseVerifierKey } from './note';
import { EvidenceError } from '../common/errors';

export type RuleStatus = 400 | 401 | 403 | 409 | 413 | 422;

/**
 * An entry the rules refuse. `status`: 400 malformed (with `field`), 401 a signature does not verify,
 * 403 the signer may not sign this, 409 duplicate (record id, case id, exhibit id, member), 413 too large,
 * 422 inconsistent with the ledger's history (unknown case or exhibit, not the holder, already disposed …).
 */
export class RuleError extends EvidenceError {
  override name = 'RuleError';
  constructor(
    code: string,
    readonly status: RuleStatus,
    message: string,
    readonly field?: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

export interface MemberInfo {
  keyId: string;
  publicKey: string;
  name: string;
  badge: string;
  role: MemberRole;
  /** Entry index that enrolled the key (0 for genesis admins). */
  enrolledAt: number;
  /** Entry index that revoked it, if any. */
  revokedAt?: number;
}

export interface ExhibitInfo {
  exhibitId: string;
  caseId: string;
  depositedAt: number;
  depositor: string;
  holder: string;
  objects: Array<{ sha256: string; size: number }>;
  disposedAt?: number;
  events: number[];
}

/** Officer roles allowed to sign in each envelope role (the provider signs only as provider). */
const OFFICERS: readonly MemberRole[] = ['investigator', 'custodian', 'supervisor', 'admin'];
export const SIGNING_ROLES: Record<string, readonly MemberRole[]> = {
  investigator: ['investigator', 'supervisor'],
  depositor: OFFICERS,
  provider: ['provider'],
  releasing: OFFICERS,
  receiving: OFFICERS,
  checker: OFFICERS,
  accessor: OFFICERS,
  supervisor: ['supervisor'],
  'witness-officer': OFFICERS,
};

/** Admin signatures use roles `admin` or `admin.<n>` (an envelope holds each role once). */
export const ADMIN_ROLE_RE = /^admin(\.[1-9][0-9]{0,2})?$/;
/** The envelope role for the i-th admin signature (0-based): admin.1, admin.2, … */
export const adminRole = (i: number): string => `admin.${i + 1}`;

export const DEFAULT_MAX_CLOCK_SKEW_SECONDS = 300;
export const DEFAULT_MAX_UPLOAD_SECONDS = 7 * 86_400;

/** An entry after parseEntry: envelope, schema-checked record, and the signed message. */
export interface ParsedEntry {
  envelope: SignedRecord;
  record: LedgerRecord;
  message?: SignedMessage;
}

export interface ApplyOptions {
  /** Curve verifier (noble by default; node:crypto in Node; a deferring one for the worker-thread audit). */
  verifier?: Secp256k1Verifier;
  /** SHA-256 for the digests the rules compute themselves (a deposition's request digest): noble by default; node:crypto's in Node, ~5× faster. */
  sha256?: (bytes: Uint8Array) => Uint8Array;
}

/** `applyParsed` options for entries checked elsewhere (the audit's worker threads). */
export interface PreparedOptions extends ApplyOptions {
  /**
   * Every signature was already verified against its own publicKey (whose fingerprint is its keyId); the
   * rules still check that each key may sign in its role at this index.
   */
  signaturesVerified?: boolean;
  /** checkEntryAlone already passed for this entry (it is not run again). */
  checkedAlone?: boolean;
}

/** What verifying an entry's signatures established. */
export interface SignatureCheck {
  /** Hex SHA-256 the signatures are over (app/crypto recordDigest); empty when they were verified elsewhere. */
  digest: string;
  /** Signatures verified: role → key id. */
  signers: Record<string, string>;
}

export interface AppliedEntry {
  index: number;
  record: LedgerRecord;
  envelope: SignedRecord;
  report: SignatureCheck;
}

type Common = 'type' | 'origin' | 'id';
/**
 * What the stateful rules (checkEntry) read of a record, per type: a full LedgerRecord is one, and so is the
 * compact projection `entryFacts` makes of it. checkEntry is typed against this, so it cannot read a field the
 * projection leaves out. The genesis is kept whole (it is the ledger's configuration, and there is one).
 */
export type RuleRecord =
  | GenesisRecord
  | Pick<MemberEnrollRecord, Common | 'member'>
  | Pick<MemberRevokeRecord, Common | 'keyId'>
  | Pick<CaseOpenRecord, Common | 'caseId' | 'title'>
  | (Pick<DepositionRecord, Common | 'caseId' | 'exhibitId'> & {
      request: Pick<DepositionRecord['request'], 'depositor' | 'requestedAt'>;
      receipt: Pick<DepositionRecord['receipt'], 'provider' | 'storedAt'> & { objects: Array<{ sha256: string; size: number }> };
    })
  | Pick<CustodyTransferRecord, Common | 'exhibitId' | 'from' | 'to'>
  | Pick<IntegrityCheckRecord, Common | 'exhibitId' | 'checker' | 'scope' | 'result' | 'observed'>
  | Pick<AccessRecord, Common | 'exhibitId' | 'accessor'>
  | Pick<DispositionRecord, Common | 'exhibitId' | 'authorisedBy' | 'witnessOfficer'>;

/** A signature as the stateful rules see it; `sig` is needed only where they verify it themselves. */
export type RuleSignature = Pick<RecordSignature, 'role' | 'keyId' | 'publicKey'> & { sig?: string };

/** An entry as the stateful rules see it: its record's rule-relevant fields and its signers. */
export interface EntryFacts {
  record: RuleRecord;
  signatures: readonly RuleSignature[];
}

/**
 * The compact facts of a parsed entry (the audit's and the node's worker threads send these to the main thread
 * instead of whole records): every field `RuleRecord` names, copied, and the signers without their signatures.
 */
export function entryFacts(parsed: { record: LedgerRecord; envelope: { signatures: readonly RecordSignature[] } }): EntryFacts {
  const r = parsed.record;
  const signatures = parsed.envelope.signatures.map((s) => ({ role: s.role, keyId: s.keyId, publicKey: s.publicKey }));
  const c = { origin: r.origin, id: r.id };
  let record: RuleRecord;
  switch (r.type) {
    case 'genesis':
      record = r;
      break;
    case 'member.enroll': {
      const m = r.member;
      record = { type: r.type, ...c, member: { keyId: m.keyId, publicKey: m.publicKey, name: m.name, badge: m.badge, role: m.role } };
      break;
    }
    case 'member.revoke':
      record = { type: r.type, ...c, keyId: r.keyId };
      break;
    case 'case.open':
      record = { type: r.type, ...c, caseId: r.caseId, title: r.title };
      break;
    case 'deposition':
      record = {
        type: r.type, ...c, caseId: r.caseId, exhibitId: r.exhibitId,
        request: { depositor: r.request.depositor, requestedAt: r.request.requestedAt },
        receipt: { provider: r.receipt.provider, storedAt: r.receipt.storedAt, objects: r.receipt.objects.map((o) => ({ sha256: o.sha256, size: o.size })) },
      };
      break;
    case 'custody.transfer':
      record = { type: r.type, ...c, exhibitId: r.exhibitId, from: r.from, to: r.to };
      break;
    case 'integrity.check':
      record = { type: r.type, ...c, exhibitId: r.exhibitId, checker: r.checker, scope: r.scope, result: r.result, observed: { sha256: r.observed.sha256, size: r.observed.size } };
      break;
    case 'access':
      record = { type: r.type, ...c, exhibitId: r.exhibitId, accessor: r.accessor };
      break;
    case 'disposition':
      record = { type: r.type, ...c, exhibitId: r.exhibitId, authorisedBy: r.authorisedBy, witnessOfficer: r.witnessOfficer };
      break;
  }
  return { record, signatures };
}

/**
 * Parsed secp256k1 keys by hex. A ledger has few signers and thousands of signatures: point decompression
 * once per key instead of twice per signature made the audit's main thread ~3× faster (measured).
 */
const keyCache = new Map<string, { bytes: Uint8Array; keyId: string } | Error>();
function parsedKey(hex: string): { bytes: Uint8Array; keyId: string } {
  let k = keyCache.get(hex);
  if (k === undefined) {
    try {
      const bytes = parsePublicKey(hex);
      k = { bytes, keyId: keyIdOf(bytes) };
    } catch (err) {
      k = err instanceof Error ? err : new Error(String(err));
    }
    if (keyCache.size > 10_000) keyCache.clear();
    keyCache.set(hex, k);
  }
  if (k instanceof Error) throw k;
  return k;
}

/**
 * The ledger's state after some prefix of entries. Mutable for speed (a 100,000-entry audit); `apply` is
 * transactional: it validates everything first and mutates only when the entry is accepted.
 */
export class LedgerState {
  size = 0;
  genesis: GenesisRecord | undefined;
  readonly members = new Map<string, MemberInfo>();
  readonly recordIds = new Set<string>();
  readonly cases = new Map<string, { caseId: string; openedAt: number; openedBy: string; title: string }>();
  readonly exhibits = new Map<string, ExhibitInfo>();

  get origin(): string | undefined {
    return this.genesis?.origin;
  }

  /** Active (enrolled, not revoked) member for a key id. */
  activeMember(keyId: string): MemberInfo | undefined {
    const m = this.members.get(keyId);
    return m && m.revokedAt === undefined ? m : undefined;
  }

  /** Parses and checks an entry at `index` (= this.size) and applies it; throws RuleError, leaving the state as it was. */
  apply(entry: Uint8Array, opts: ApplyOptions = {}): AppliedEntry {
    return this.applyParsed(parseEntry(entry), opts);
  }

  /**
   * `apply` for an entry parsed elsewhere (the audit parses and verifies signatures on worker threads). With
   * `signaturesVerified`, every signature must already have been verified against its own publicKey, whose
   * fingerprint is its keyId; this still checks that each key may sign in its role at this index.
   */
  applyParsed(parsed: ParsedEntry, opts: PreparedOptions = {}): AppliedEntry {
    const index = this.size;
    if (!opts.checkedAlone) checkEntryAlone(parsed, opts);
    // With signatures verified elsewhere the message is not needed (computing it was the main thread's top cost).
    const message = parsed.message ?? (opts.signaturesVerified ? undefined : recordMessage(parsed.envelope.record));
    const checked = checkEntry(this, { record: parsed.record, signatures: parsed.envelope.signatures }, message, index, opts);
    checked.effects();
    this.size = index + 1;
    return { index, record: parsed.record, envelope: parsed.envelope, report: checked.report };
  }

  /**
   * `applyParsed` for the compact facts (entryFacts) of an entry checked on a worker thread: checkEntryAlone
   * passed there, and every signature verified against its own publicKey. The stateful rules are the same code
   * (checkEntry), including that each key may sign in its role at this index. Throws RuleError, leaving the
   * state as it was.
   */
  applyFacts(facts: EntryFacts): void {
    const index = this.size;
    checkEntry(this, facts, undefined, index, { signaturesVerified: true }).effects();
    this.size = index + 1;
  }
}

function bad(field: string, message: string, code = 'LEDGER_RULE_FIELD'): RuleError {
  return new RuleError(code, 400, `${field}: ${message}`, field);
}

const decoder = new TextDecoder('utf-8', { fatal: true });

const SIGNATURES_KEY = new TextEncoder().encode(',"signatures":[');
const RECORD_PREFIX = '{"record":'.length;

/**
 * The signed bytes of the entry's record, cut from the entry itself: an entry is JCS({record, signatures}), and
 * JCS sorts "record" before "signatures", so JCS(record) is the bytes between `{"record":` and the last
 * `,"signatures":[` (no string in a signature can hold a quote). Saves re-canonicalising every record (measured:
 * the audit's main thread is the bottleneck). rules.test.ts checks it equals app/crypto's recordMessage.
 */
function messageFromEntry(entry: Uint8Array, type: string): SignedMessage {
  const end = lastIndexOf(entry, SIGNATURES_KEY, RECORD_PREFIX);
  if (end < 0) throw new RuleError('LEDGER_RULE_NOT_CANONICAL', 400, 'entry has no "signatures" after its record', '(root)');
  const tag = tagBytes(type);
  const bytes = new Uint8Array(tag.length + 1 + end - RECORD_PREFIX);
  bytes.set(tag);
  bytes[tag.length] = 0x0a;
  bytes.set(entry.subarray(RECORD_PREFIX, end), tag.length + 1);
  return lazyDigestMessage(bytes);
}

/** The last index ≥ `from` where `needle` starts in `hay`, or -1. */
function lastIndexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = hay.length - needle.length; i >= from; i--) {
    if (hay[i] !== needle[0]) continue;
    for (let j = 1; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** UTF-8 domain tags by record type (parseEntry has checked `type` names a schema: a handful of them). */
const tags = new Map<string, Uint8Array>();
function tagBytes(type: string): Uint8Array {
  let t = tags.get(type);
  if (t === undefined) tags.set(type, (t = new TextEncoder().encode(domainTag(type))));
  return t;
}

/** A signed message whose SHA-256 is computed on first use: node:crypto's verify hashes the bytes itself. */
function lazyDigestMessage(bytes: Uint8Array): SignedMessage {
  let digest: Uint8Array | undefined;
  return {
    bytes,
    get digest(): Uint8Array {
      return (digest ??= sha256(bytes));
    },
  };
}

/** The ledger entry bytes of an envelope: UTF-8 of its RFC 8785 canonical JSON (docs/RECORDS.md). */
export function entryBytes(envelope: SignedRecord): Uint8Array {
  return new TextEncoder().encode(canonicalJson(envelope));
}

/** Parses entry bytes: UTF-8, JSON, canonical (RFC 8785), envelope shape, record schema; and the signed message. */
export function parseEntry(entry: Uint8Array): { envelope: SignedRecord; record: LedgerRecord; message: SignedMessage } {
  if (entry.length > MAX_ENTRY_SIZE) throw new RuleError('LEDGER_ENTRY_TOO_LARGE', 413, `entry is ${entry.length} bytes; at most ${MAX_ENTRY_SIZE}`);
  let text: string;
  let json: unknown;
  try {
    text = decoder.decode(entry);
    json = JSON.parse(text);
  } catch (err) {
    throw new RuleError('LEDGER_RULE_NOT_JSON', 400, `entry is not UTF-8 JSON: ${(err as Error).message}`, '(root)', { cause: err });
  }
  let canonical: boolean;
  try {
    canonical = isCanonicalJsonText(text, json);
  } catch (err) {
    if (err instanceof CryptoError) throw new RuleError('LEDGER_RULE_NOT_JSON', 400, err.message, '(root)', { cause: err });
    throw err;
  }
  if (!canonical) {
    throw new RuleError('LEDGER_RULE_NOT_CANONICAL', 400, 'entry is not the RFC 8785 canonical JSON of its envelope', '(root)');
  }
  const original = (json as { record?: unknown } | null)?.record;
  if (original === null || typeof original !== 'object' || Array.isArray(original)) throw bad('record', 'expected the record object');
  const type = (original as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.hasOwn(recordSchemas, type)) {
    throw bad('record.type', `unknown record type ${JSON.stringify(type)}; expected one of ${Object.keys(recordSchemas).join(', ')}`, 'LEDGER_RULE_TYPE');
  }
  // One zod pass checks the envelope and the record's schema together (measured: the audit workers' cost).
  let parsed: SignedRecord<LedgerRecord>;
  try {
    parsed = parseSignedRecord(json, recordSchemas[type as RecordType]) as unknown as SignedRecord<LedgerRecord>;
  } catch (err) {
    if (err instanceof CryptoError) {
      const field = (err as CryptoError & { field?: string }).field;
      throw new RuleError(field?.startsWith('record') ? 'LEDGER_RULE_FIELD' : 'LEDGER_RULE_ENVELOPE', 400, err.message, field, { cause: err });
    }
    throw err;
  }
  // The envelope keeps the record as written (every field is signed); `record` is the schema's view of it.
  const envelope = { record: original, signatures: parsed.signatures } as SignedRecord;
  return { envelope, record: parsed.record, message: messageFromEntry(entry, type) };
}

interface Checked {
  report: SignatureCheck;
  effects: () => void;
}

/**
 * The rules that need no ledger state: an entry failing one of these fails at any index. Run wherever the entry
 * is parsed (the audit's worker threads); `apply` runs them first, then the stateful rules (checkEntry).
 */
export function checkEntryAlone(parsed: ParsedEntry, opts: Pick<ApplyOptions, 'sha256'> = {}): void {
  const { envelope, record } = parsed;
  switch (record.type) {
    case 'genesis':
      genesisAlone(record);
      break;
    case 'member.enroll': {
      const m = record.member;
      if (keyIdOf(m.publicKey) !== m.keyId) throw bad('record.member.keyId', `is not the key id of member.publicKey (that is ${keyIdOf(m.publicKey)})`);
      break;
    }
    case 'deposition':
      depositionAlone(record, envelope.record, opts.sha256 ?? sha256);
      break;
    case 'custody.transfer':
      if (record.to === record.from) throw bad('record.to', 'must differ from record.from');
      break;
    case 'disposition':
      if (record.witnessOfficer === record.authorisedBy) throw bad('record.witnessOfficer', 'must differ from record.authorisedBy');
      break;
    default:
      break;
  }
}

/** The stateful rules for the entry at `index`; its effects are applied only by calling `effects`. */
function checkEntry(state: LedgerState, facts: EntryFacts, message: SignedMessage | undefined, index: number, opts: PreparedOptions): Checked {
  const { record } = facts;
  if (index === 0 && record.type !== 'genesis') throw bad('record.type', `entry 0 must be the genesis, got ${record.type}`, 'LEDGER_RULE_GENESIS');
  if (index > 0 && record.type === 'genesis') throw new RuleError('LEDGER_RULE_GENESIS', 409, 'the ledger already has its genesis (entry 0)', 'record.type');
  if (state.genesis && record.origin !== state.genesis.origin) {
    throw bad('record.origin', `record is for ledger ${JSON.stringify(record.origin)}, this is ${JSON.stringify(state.genesis.origin)}`, 'LEDGER_RULE_ORIGIN');
  }
  if (state.recordIds.has(record.id)) throw new RuleError('LEDGER_RULE_DUPLICATE_ID', 409, `record id ${record.id} is already in the ledger`, 'record.id');

  const ctx = new SignatureContext(state, facts, message, index, opts);
  let effects: () => void;
  switch (record.type) {
    case 'genesis':
      effects = genesisRule(state, record, ctx);
      break;
    case 'member.enroll': {
      const m = record.member;
      if (state.members.has(m.keyId)) {
        throw new RuleError('LEDGER_RULE_DUPLICATE_MEMBER', 409, `key ${m.keyId} is already enrolled${state.members.get(m.keyId)!.revokedAt !== undefined ? ' (and revoked: a revoked key is never re-enrolled)' : ''}`, 'record.member.keyId');
      }
      ctx.adminQuorum();
      effects = () => state.members.set(m.keyId, { ...m, enrolledAt: index });
      break;
    }
    case 'member.revoke': {
      const m = state.activeMember(record.keyId);
      if (!m) throw new RuleError('LEDGER_RULE_NOT_MEMBER', 422, `key ${record.keyId} is not an active member`, 'record.keyId');
      if (m.role === 'admin') {
        const active = [...state.members.values()].filter((x) => x.role === 'admin' && x.revokedAt === undefined).length;
        if (active - 1 < state.genesis!.adminQuorum) {
          throw new RuleError('LEDGER_RULE_QUORUM', 422, `revoking admin ${m.keyId} would leave ${active - 1} active admins, fewer than the quorum ${state.genesis!.adminQuorum}`, 'record.keyId');
        }
      }
      ctx.adminQuorum();
      effects = () => {
        m.revokedAt = index;
      };
      break;
    }
    case 'case.open': {
      if (state.cases.has(record.caseId)) throw new RuleError('LEDGER_RULE_DUPLICATE_CASE', 409, `case ${record.caseId} is already open`, 'record.caseId');
      const signer = ctx.roles({ investigator: undefined });
      effects = () => state.cases.set(record.caseId, { caseId: record.caseId, openedAt: index, openedBy: signer.investigator!, title: record.title });
      break;
    }
    case 'deposition':
      effects = depositionRule(state, record, ctx, index);
      break;
    case 'custody.transfer': {
      const ex = liveExhibit(state, record.exhibitId);
      if (record.from !== ex.holder) throw new RuleError('LEDGER_RULE_NOT_HOLDER', 422, `key ${record.from} does not hold exhibit ${ex.exhibitId}; ${ex.holder} does`, 'record.from');
      ctx.roles({ releasing: record.from, receiving: record.to });
      effects = () => {
        ex.holder = record.to;
        ex.events.push(index);
      };
      break;
    }
    case 'integrity.check': {
      const ex = exhibit(state, record.exhibitId);
      if (record.result === 'match' && !ex.objects.some((o) => o.sha256 === record.observed.sha256 && o.size === record.observed.size)) {
        throw new RuleError('LEDGER_RULE_INTEGRITY', 422, `result "match" but the observed sha256/size is not an object of exhibit ${ex.exhibitId}`, 'record.result');
      }
      ctx.roles(record.scope === 'provider' ? { checker: record.checker, provider: undefined } : { checker: record.checker });
      effects = () => ex.events.push(index);
      break;
    }
    case 'access': {
      const ex = exhibit(state, record.exhibitId);
      ctx.roles({ accessor: record.accessor });
      effects = () => ex.events.push(index);
      break;
    }
    case 'disposition': {
      const ex = liveExhibit(state, record.exhibitId);
      ctx.roles({ supervisor: record.authorisedBy, 'witness-officer': record.witnessOfficer });
      effects = () => {
        ex.disposedAt = index;
        ex.events.push(index);
      };
      break;
    }
  }
  const report = ctx.finish();
  return {
    report,
    effects: () => {
      effects();
      state.recordIds.add(record.id);
    },
  };
}

function exhibit(state: LedgerState, exhibitId: string): ExhibitInfo {
  const ex = state.exhibits.get(exhibitId);
  if (!ex) throw new RuleError('LEDGER_RULE_NO_EXHIBIT', 422, `exhibit ${exhibitId} has no deposition in the ledger`, 'record.exhibitId');
  return ex;
}

function liveExhibit(state: LedgerState, exhibitId: string): ExhibitInfo {
  const ex = exhibit(state, exhibitId);
  if (ex.disposedAt !== undefined) throw new RuleError('LEDGER_RULE_DISPOSED', 422, `exhibit ${exhibitId} was disposed at entry ${ex.disposedAt}`, 'record.exhibitId');
  return ex;
}

/** Checks which keys may sign in which role at this index, then verifies the envelope once. */
class SignatureContext {
  private required: string[] = [];
  private admins = false;
  private quorum = 0;
  private readonly allowed = new Map<string, Map<string, string>>(); // role → keyId → publicKey
  private genesisAdmins: Map<string, string> | undefined;

  constructor(
    private readonly state: LedgerState,
    private readonly entry: EntryFacts,
    private readonly message: SignedMessage | undefined,
    private readonly index: number,
    private readonly opts: PreparedOptions,
  ) {}

  /** Every genesis admin must sign (roles admin / admin.<n>). */
  genesisAdminsSign(admins: ReadonlyArray<{ keyId: string; publicKey: string }>): void {
    this.genesisAdmins = new Map(admins.map((a) => [a.keyId, a.publicKey]));
    this.admins = true;
    this.quorum = admins.length;
  }

  /** `adminQuorum` distinct active admins must sign. */
  adminQuorum(): void {
    this.admins = true;
    this.quorum = this.state.genesis!.adminQuorum;
  }

  /**
   * Requires one signature per role; a role bound to a key id must be signed by that key, an unbound one by
   * any active member allowed in that role. Returns the key id that signed each role.
   */
  roles(spec: Record<string, string | undefined>): Record<string, string> {
    const signedBy: Record<string, string> = {};
    for (const [role, keyId] of Object.entries(spec)) {
      const sig = this.entry.signatures.find((s) => s.role === role);
      if (!sig) throw new RuleError('LEDGER_RULE_MISSING_SIGNATURE', 401, `no signature in role "${role}"`, 'signatures');
      if (keyId !== undefined && sig.keyId !== keyId) {
        throw new RuleError('LEDGER_RULE_WRONG_SIGNER', 403, `role "${role}" must be signed by ${keyId}, got ${sig.keyId}`, `signatures[${this.entry.signatures.indexOf(sig)}].keyId`);
      }
      const m = this.state.members.get(sig.keyId);
      const at = `at entry ${this.index}`;
      if (!m) throw new RuleError('LEDGER_RULE_UNKNOWN_SIGNER', 403, `role "${role}": key ${sig.keyId} is not enrolled ${at}`, 'signatures');
      if (m.revokedAt !== undefined) throw new RuleError('LEDGER_RULE_REVOKED_SIGNER', 403, `role "${role}": key ${sig.keyId} was revoked at entry ${m.revokedAt}`, 'signatures');
      const may = SIGNING_ROLES[role] ?? [];
      if (!may.includes(m.role)) {
        throw new RuleError('LEDGER_RULE_ROLE', 403, `role "${role}": member ${sig.keyId} is a ${m.role}; this role needs ${may.join(' or ')}`, 'signatures');
      }
      this.allow(role, m.keyId, m.publicKey);
      this.required.push(role);
      signedBy[role] = sig.keyId;
    }
    return signedBy;
  }

  private allow(role: string, keyId: string, publicKey: string): void {
    let m = this.allowed.get(role);
    if (!m) this.allowed.set(role, (m = new Map()));
    m.set(keyId, publicKey);
  }

  finish(): SignatureCheck {
    const sigs = this.entry.signatures;
    const adminKeys = new Set<string>();
    if (this.admins) {
      for (const s of sigs) {
        if (!ADMIN_ROLE_RE.test(s.role)) continue;
        let pub: string | undefined;
        if (this.genesisAdmins) pub = this.genesisAdmins.get(s.keyId);
        else {
          const m = this.state.activeMember(s.keyId);
          if (!m || m.role !== 'admin') {
            throw new RuleError('LEDGER_RULE_NOT_ADMIN', 403, `role "${s.role}": key ${s.keyId} is not an active admin at entry ${this.index}`, 'signatures');
          }
          pub = m.publicKey;
        }
        if (pub === undefined) throw new RuleError('LEDGER_RULE_NOT_ADMIN', 403, `role "${s.role}": key ${s.keyId} is not a genesis admin`, 'signatures');
        if (adminKeys.has(s.keyId)) throw new RuleError('LEDGER_RULE_QUORUM', 403, `admin ${s.keyId} signed twice; the quorum needs distinct admins`, 'signatures');
        adminKeys.add(s.keyId);
        this.allow(s.role, s.keyId, pub);
      }
      if (adminKeys.size < this.quorum) {
        throw new RuleError('LEDGER_RULE_QUORUM', 403, `${adminKeys.size} admin signature(s), ${this.quorum} needed`, 'signatures');
      }
    }
    for (const s of sigs) {
      if (!this.allowed.get(s.role)?.has(s.keyId)) {
        throw new RuleError('LEDGER_RULE_EXTRA_SIGNATURE', 403, `signature in role "${s.role}" by ${s.keyId} is not called for by a ${this.entry.record.type} record`, 'signatures');
      }
    }
    return this.verify();
  }

  /**
   * The same checks as app/crypto's verifyEnvelope (one signature per role, keyId is the key's fingerprint, the
   * key is the one on record for that role, low-S signature over the record digest, every required role
   * signed) with parsed keys cached; rules.test.ts cross-checks both on valid and corrupted envelopes.
   */
  private verify(): SignatureCheck {
    const verifier = this.opts.verifier ?? nobleVerifier;
    const message = this.message;
    if (!message && !this.opts.signaturesVerified) throw new TypeError('a signed message is needed to verify signatures');
    const signers: Record<string, string> = {};
    for (const [i, s] of this.entry.signatures.entries()) {
      const field = `signatures[${i}]`;
      const fail = (status: RuleStatus, reason: string, detail: string) =>
        new RuleError('LEDGER_RULE_SIGNATURE', status, `signature ${i} (role "${s.role}", key ${s.keyId}): ${reason}: ${detail}`, field);
      if (signers[s.role] !== undefined) throw fail(400, 'duplicate-role', `role "${s.role}" already signed earlier in this envelope`);
      let key: { bytes: Uint8Array; keyId: string };
      try {
        key = parsedKey(s.publicKey);
      } catch (err) {
        throw fail(400, 'malformed', (err as Error).message);
      }
      if (key.keyId !== s.keyId) throw fail(401, 'key-mismatch', `keyId is not the fingerprint of publicKey (that would be ${key.keyId})`);
      const expected = this.allowed.get(s.role)?.get(s.keyId);
      if (expected === undefined) throw fail(403, 'unknown-key', `key ${s.keyId} may not sign in role "${s.role}"`);
      if (expected !== s.publicKey) throw fail(403, 'key-mismatch', `publicKey differs from the key on record for ${s.keyId}`);
      if (!this.opts.signaturesVerified) {
        if (s.sig === undefined) throw new TypeError(`signature ${i} has no sig to verify (facts are for signatures verified elsewhere)`);
        let sig: Uint8Array;
        try {
          sig = fromBase64(s.sig, 'sig');
        } catch (err) {
          if (err instanceof TypeError) throw fail(401, 'malformed', err.message); // e.g. non-canonical base64
          throw err;
        }
        const out = verifier.verify(sig, message!, key.bytes);
        if (!out.ok) throw fail(401, out.reason, out.detail);
      }
      signers[s.role] = s.keyId;
    }
    for (const role of this.required) {
      if (signers[role] === undefined) throw new RuleError('LEDGER_RULE_MISSING_SIGNATURE', 401, `required role "${role}": no valid signature`, 'signatures');
    }
    return { digest: message ? toHex(message.digest) : '', signers };
  }
}

function genesisAlone(record: GenesisRecord): void {
  const ids = new Set<string>();
  for (const [i, a] of record.admins.entries()) {
    if (keyIdOf(a.publicKey) !== a.keyId) throw bad(`record.admins.${i}.keyId`, `is not the key id of its publicKey (that is ${keyIdOf(a.publicKey)})`);
    if (ids.has(a.keyId)) throw bad(`record.admins.${i}.keyId`, 'appears twice');
    ids.add(a.keyId);
  }
  if (record.adminQuorum > record.admins.length) throw bad('record.adminQuorum', `is ${record.adminQuorum}, more than the ${record.admins.length} admins`);
  const wp = record.witnessPolicy;
  if (wp.quorum > wp.witnesses.length) throw bad('record.witnessPolicy.quorum', `is ${wp.quorum}, more than the ${wp.witnesses.length} witnesses`);
  const vkeys = new Set<string>();
  for (const [i, w] of wp.witnesses.entries()) {
    const v = vkeyOf(w.vkey, `record.witnessPolicy.witnesses.${i}.vkey`, SIG_COSIGNATURE_V1);
    if (vkeys.has(v)) throw bad(`record.witnessPolicy.witnesses.${i}.vkey`, 'appears twice');
    vkeys.add(v);
  }
  vkeyOf(record.logKey, 'record.logKey', SIG_ED25519);
  // A genesis that names its trust bundle's extra fields must describe a well-formed bundle.
  if (record.trust) {
    try {
      checkTrustBundle(bundleFromGenesis(record));
    } catch (err) {
      if (err instanceof TrustError) throw bad('record.trust', err.message);
      throw err;
    }
  }
}

function genesisRule(state: LedgerState, record: GenesisRecord, ctx: SignatureContext): () => void {
  ctx.genesisAdminsSign(record.admins);
  return () => {
    state.genesis = record;
    for (const a of record.admins) state.members.set(a.keyId, { keyId: a.keyId, publicKey: a.publicKey, name: a.name, badge: '', role: 'admin', enrolledAt: 0 });
  };
}

function vkeyOf(vkey: string, field: string, type: number): string {
  try {
    const v = parseVerifierKey(vkey);
    if (v.type !== type) throw bad(field, `signature type is 0x${v.type.toString(16).padStart(2, '0')}, expected 0x${type.toString(16).padStart(2, '0')}`);
    return v.vkey;
  } catch (err) {
    if (err instanceof NoteError) throw bad(field, err.message);
    throw err;
  }
}

/** A deposition's own consistency: request and receipt agree, and the receipt's digest is the request's. */
function depositionAlone(record: DepositionRecord, original: SignedRecord['record'], hash: (bytes: Uint8Array) => Uint8Array): void {
  const req = record.request;
  if (req.caseId !== record.caseId) throw bad('record.request.caseId', `is ${req.caseId}, the deposition names case ${record.caseId}`);
  if (req.exhibitId !== record.exhibitId) throw bad('record.request.exhibitId', `is ${req.exhibitId}, the deposition names exhibit ${record.exhibitId}`);
  const r = record.receipt;
  if (r.objects.length !== req.objects.length) {
    throw new RuleError('LEDGER_RULE_RECEIPT', 422, `the receipt lists ${r.objects.length} objects, the request ${req.objects.length}`, 'record.receipt.objects');
  }
  for (const [i, o] of r.objects.entries()) {
    const q = req.objects[i]!;
    if (o.sha256 !== q.sha256 || o.size !== q.size) {
      throw new RuleError('LEDGER_RULE_RECEIPT', 422, `receipt object ${i} (${o.sha256}, ${o.size} bytes) differs from request object ${i} (${q.sha256}, ${q.size} bytes)`, `record.receipt.objects.${i}`);
    }
  }
  if (req.kind === 'folder') {
    if (!req.manifestSha256) throw bad('record.request.manifestSha256', 'a folder exhibit is recorded by its manifest: manifestSha256 is required');
    if (!req.objects.some((o) => o.sha256 === req.manifestSha256)) throw bad('record.request.manifestSha256', 'names no object of the request: the manifest must be deposited');
  }
  // The digest covers the request exactly as signed (every field, known to the schema or not).
  const signed = depositionRequestRecord(original as unknown as { origin: string; id: string; request: Record<string, unknown> });
  // Its keys in JCS order, so canonicalJson writes it with one native JSON.stringify (the request's own objects
  // come from canonical text and are in order already).
  const sorted = Object.fromEntries(Object.keys(signed).sort().map((k) => [k, signed[k]])) as typeof signed;
  const wanted = toHex(hash(recordSignedBytes(sorted)));
  if (r.requestDigest !== wanted) {
    throw new RuleError('LEDGER_RULE_RECEIPT', 422, `receipt.requestDigest ${r.requestDigest} is not the digest of the deposition.request record (${wanted})`, 'record.receipt.requestDigest');
  }
}

function depositionRule(state: LedgerState, record: Extract<RuleRecord, { type: 'deposition' }>, ctx: SignatureContext, index: number): () => void {
  const req = record.request;
  const r = record.receipt;
  if (!state.cases.has(record.caseId)) throw new RuleError('LEDGER_RULE_NO_CASE', 422, `case ${record.caseId} has no case.open in the ledger`, 'record.caseId');
  if (state.exhibits.has(record.exhibitId)) throw new RuleError('LEDGER_RULE_DUPLICATE_EXHIBIT', 409, `exhibit ${record.exhibitId} is already deposited`, 'record.exhibitId');
  const g = state.genesis!;
  const skew = (g.maxClockSkewSeconds ?? DEFAULT_MAX_CLOCK_SKEW_SECONDS) * 1000;
  const upload = (g.maxUploadSeconds ?? DEFAULT_MAX_UPLOAD_SECONDS) * 1000;
  const dt = Date.parse(r.storedAt) - Date.parse(req.requestedAt);
  if (dt < -skew || dt > skew + upload) {
    throw new RuleError('LEDGER_RULE_TIME', 422, `receipt.storedAt ${r.storedAt} is ${dt / 1000}s after requestedAt ${req.requestedAt}; allowed ${-skew / 1000}s to ${(skew + upload) / 1000}s`, 'record.receipt.storedAt');
  }
  ctx.roles({ depositor: req.depositor, provider: r.provider });
  return () => {
    state.exhibits.set(record.exhibitId, {
      exhibitId: record.exhibitId,
      caseId: record.caseId,
      depositedAt: index,
      depositor: req.depositor,
      holder: req.depositor,
      objects: r.objects.map((o) => ({ sha256: o.sha256, size: o.size })),
      events: [index],
    });
  };
}

/** Replays entries from 0 into a fresh state; throws RuleError with `index` set on the first bad one. */
export function replay(entries: Iterable<Uint8Array>, opts: ApplyOptions = {}): LedgerState {
  const state = new LedgerState();
  for (const e of entries) {
    try {
      state.apply(e, opts);
    } catch (err) {
      if (err instanceof RuleError) throw new EntryRejectedError(state.size, err);
      throw err;
    }
  }
  return state;
}

/** A RuleError located at an entry index of a log. */
export class EntryRejectedError extends EvidenceError<'LEDGER_ENTRY_REJECTED'> {
  override name = 'EntryRejectedError';
  constructor(readonly index: number, readonly rule: RuleError) {
    super('LEDGER_ENTRY_REJECTED', `entry ${index}: ${rule.message}`, { cause: rule });
  }
}

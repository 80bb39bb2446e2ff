// The trust bundle (docs/DESIGN.md "Trust roots"): the one document per ledger that every verifier checks against —
// origin, the log's verifier key, the witness keys and quorum (policy text, ./policy.ts), the provider key(s),
// the genesis admin keys and admin quorum, whether the ledger is self-witnessed (standalone), and a field kept
// for RFC 3161 TSA certificates (the time issue). Its canonical bytes are the RFC 8785 canonical JSON of the
// document plus one newline, which is exactly what `evidence node init` writes to trust.bundle, so
// `sha256sum trust.bundle` prints the **fingerprint**: the full SHA-256 of the canonical bytes, 64 hex digits,
// shown in groups of 4. The genesis entry carries everything in the bundle (its `trust` field holds what the
// genesis did not already name), so a bundle belongs to a log exactly when it equals bundleFromGenesis(entry 0).
// Isomorphic (no node: imports): the CLI, the workstation and the offline HTML verifier share it.
import { sha256 } from '@noble/hashes/sha2.js';
import { z } from 'zod';
import { canonicalJson } from '../crypto/record-digest';
import { keyIdOf } from '../crypto/secp256k1';
import { bytesToHex, utf8ToBytes } from '../ledger/bytes';
import { type NoteVerifier } from '../ledger/note';
import type { GenesisRecord } from '../records/schemas';
import { KEY_ID_RE, PUBLIC_KEY_RE } from '../records/schemas';
import { type ParsedPolicyText, PolicyError, formatPolicyText, parsePolicyText } from './policy';
import { EvidenceError } from '../common/errors';

export const TRUST_BUNDLE_FORMAT = 'evidence-trust-bundle/v1';
export const TRUST_BUNDLE_FILE = 'trust.bundle';
export const TRUST_BUNDLE_MEDIA_TYPE = 'application/vnd.evidence.trust-bundle+json';

export class TrustError extends EvidenceError<'TRUST_BAD_BUNDLE' | 'TRUST_BAD_FINGERPRINT' | 'TRUST_MISMATCH'> {
  override name = 'TrustError';
  constructor(
    code: 'TRUST_BAD_BUNDLE' | 'TRUST_BAD_FINGERPRINT' | 'TRUST_MISMATCH',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

const party = z.strictObject({
  name: z.string().min(1, 'must not be empty').max(200, 'at most 200 characters'),
  keyId: z.string().regex(KEY_ID_RE, 'expected a key id: 32 lowercase hex characters'),
  publicKey: z.string().regex(PUBLIC_KEY_RE, 'expected a compressed secp256k1 public key: 66 lowercase hex characters starting 02 or 03'),
});

export const trustBundleSchema = z.strictObject({
  format: z.literal(TRUST_BUNDLE_FORMAT, `must be "${TRUST_BUNDLE_FORMAT}"`),
  origin: z.string().min(1, 'must not be empty').max(255, 'at most 255 characters'),
  network: z.string().min(1, 'must not be empty').max(200, 'at most 200 characters'),
  /** True for a standalone ledger: the witness runs on the depositor's own computer. */
  selfWitnessed: z.boolean('must be true or false'),
  logKey: z.string().min(1, 'must not be empty').max(1000, 'at most 1000 characters'),
  /** Witness policy text (./policy.ts) whose single log line is logKey. */
  policy: z.string().min(1, 'must not be empty').max(100_000, 'at most 100000 characters'),
  providers: z.array(party).max(100, 'at most 100 providers'),
  admins: z.array(party).min(1, 'at least one admin').max(100, 'at most 100 admins'),
  adminQuorum: z.number('must be a number').int('must be a whole number').min(1, 'must be at least 1'),
  /** Reserved for the time issue: base64 DER X.509 certificates of the RFC 3161 time-stamping authorities. */
  tsa: z.array(z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'expected base64 DER').max(100_000)).max(20).optional(),
});
export type TrustBundle = z.infer<typeof trustBundleSchema>;

/** A bundle checked in full, with its parsed keys and fingerprint. */
export interface ParsedTrustBundle {
  readonly bundle: TrustBundle;
  readonly logKey: NoteVerifier;
  readonly policy: ParsedPolicyText;
  /** 64 lowercase hex digits. */
  readonly fingerprint: string;
  /** Canonical bytes (what trust.bundle holds). */
  readonly bytes: Uint8Array;
}

/** The canonical bytes: RFC 8785 canonical JSON of the document and one newline. */
export function trustBundleBytes(bundle: TrustBundle): Uint8Array {
  return utf8ToBytes(`${canonicalJson(bundle)}\n`);
}

/** The fingerprint of canonical bytes: SHA-256, 64 lowercase hex digits. */
export const fingerprintOf = (bytes: Uint8Array): string => bytesToHex(sha256(bytes));

/** "ab12 cd34 …": 64 hex digits in 16 groups of 4, for people to read aloud and compare. */
export function formatFingerprint(hex: string): string {
  return (hex.match(/.{1,4}/g) ?? []).join(' ');
}

/** Parses a fingerprint as people write it: 64 hex digits, spaces (and a "sha256:" prefix) allowed. */
export function parseFingerprint(text: string): string {
  const t = String(text).trim().replace(/^sha-?256:/i, '').replace(/[\s]+/g, '');
  if (!/^[0-9a-fA-F]*$/.test(t)) {
    const bad = /[^0-9a-fA-F]/.exec(t)![0];
    throw new TrustError('TRUST_BAD_FINGERPRINT', `fingerprint ${JSON.stringify(text)} contains ${JSON.stringify(bad)}: it must be 64 hex digits (0-9, a-f), spaces allowed`);
  }
  if (t.length !== 64) throw new TrustError('TRUST_BAD_FINGERPRINT', `fingerprint ${JSON.stringify(text)} has ${t.length} hex digits: it must have 64 (the full SHA-256 of the trust bundle)`);
  return t.toLowerCase();
}

const fieldPath = (path: ReadonlyArray<PropertyKey>): string => path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');

/** Checks a bundle object in full; throws TrustError naming the field (and, for the policy, the line). */
export function checkTrustBundle(value: unknown): ParsedTrustBundle {
  const r = trustBundleSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const where = fieldPath(issue.path);
    throw new TrustError('TRUST_BAD_BUNDLE', `trust bundle ${where ? `field ${where}` : 'document'}: ${issue.message}`);
  }
  const bundle = r.data;
  const bad = (msg: string): TrustError => new TrustError('TRUST_BAD_BUNDLE', `trust bundle ${msg}`);
  let policy: ParsedPolicyText;
  try {
    policy = parsePolicyText(bundle.policy);
  } catch (err) {
    if (err instanceof PolicyError) throw bad(`field policy: ${err.message}`);
    throw err;
  }
  if (policy.logs.length !== 1) throw bad(`field policy: it has ${policy.logs.length} log lines; a bundle describes exactly one log`);
  const logKey = policy.logs[0]!.key;
  if (logKey.vkey !== bundle.logKey) throw bad(`field policy: its log line names ${logKey.vkey}, not the bundle's logKey ${bundle.logKey}`);
  if (logKey.name !== bundle.origin) throw bad(`field logKey: the key is named ${logKey.name}; a log key is named by its origin ${bundle.origin}`);
  for (const [field, list] of [['admins', bundle.admins], ['providers', bundle.providers]] as const) {
    const seen = new Set<string>();
    for (const [i, p] of list.entries()) {
      const id = keyIdOf(p.publicKey);
      if (id !== p.keyId) throw bad(`field ${field}[${i}].keyId: ${p.keyId} is not the key id of its publicKey (that is ${id})`);
      if (seen.has(p.keyId)) throw bad(`field ${field}[${i}].keyId: ${p.keyId} appears twice`);
      seen.add(p.keyId);
    }
  }
  if (bundle.adminQuorum > bundle.admins.length) throw bad(`field adminQuorum: ${bundle.adminQuorum} is more than the ${bundle.admins.length} admins`);
  const bytes = trustBundleBytes(bundle);
  return { bundle, logKey, policy, fingerprint: fingerprintOf(bytes), bytes };
}

/** Parses trust.bundle (bytes or text) strictly: JSON, then every field; the fingerprint is of the canonical form. */
export function parseTrustBundle(input: string | Uint8Array): ParsedTrustBundle {
  const text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: false }).decode(input);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new TrustError('TRUST_BAD_BUNDLE', `trust bundle is not JSON: ${(err as Error).message}`, { cause: err });
  }
  return checkTrustBundle(value);
}

/** The bundle a genesis record describes: its origin, keys and policy, plus what its `trust` field adds. */
export function bundleFromGenesis(g: GenesisRecord): TrustBundle {
  return {
    format: TRUST_BUNDLE_FORMAT,
    origin: g.origin,
    network: g.network,
    selfWitnessed: g.trust?.selfWitnessed ?? false,
    logKey: g.logKey,
    // Witnesses are named in the policy by their key names (a genesis name is a free label).
    policy: formatPolicyText(g.logKey, { quorum: g.witnessPolicy.quorum, witnesses: g.witnessPolicy.witnesses.map((w) => ({ name: w.vkey.split('+')[0]!, vkey: w.vkey })) }),
    providers: (g.trust?.providers ?? []).map((p) => ({ name: p.name, keyId: p.keyId, publicKey: p.publicKey })),
    admins: g.admins.map((a) => ({ name: a.name, keyId: a.keyId, publicKey: a.publicKey })),
    adminQuorum: g.adminQuorum,
    ...(g.trust?.tsa ? { tsa: [...g.trust.tsa] } : {}),
  };
}

/** Checks that `bundle` is the one `genesis` describes; throws TrustError naming the first difference. */
export function assertBundleOfGenesis(bundle: ParsedTrustBundle, genesis: GenesisRecord): void {
  const mine = checkTrustBundle(bundleFromGenesis(genesis));
  if (mine.fingerprint === bundle.fingerprint) return;
  const a = mine.bundle as Record<string, unknown>;
  const b = bundle.bundle as Record<string, unknown>;
  // The log key first: it is what a forged ledger cannot have.
  const field = ['logKey', ...new Set([...Object.keys(a), ...Object.keys(b)].sort())].find((k) => canonicalJson(a[k] ?? null) !== canonicalJson(b[k] ?? null)) ?? 'format';
  throw new TrustError(
    'TRUST_MISMATCH',
    `the ledger ${genesis.origin} has trust bundle ${formatFingerprint(mine.fingerprint)}, not ${formatFingerprint(bundle.fingerprint)}: they differ in ${field}${field === 'logKey' ? ` (the ledger's log key is ${genesis.logKey}: log key not in the trust root)` : ''}`,
  );
}

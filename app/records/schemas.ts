// Ledger record schemas (docs/RECORDS.md, agreed between helpers). Each ledger entry is the RFC 8785 canonical JSON of
// a signed envelope { record, signatures } (app/crypto/envelope); these schemas describe `record` per type.
// Isomorphic (zod only). Unknown fields are kept by the signature (digests are over the record as written)
// but the schemas below name every field the rules read.
import { z } from 'zod';

export const KEY_ID_RE = /^[0-9a-f]{32}$/;
export const PUBLIC_KEY_RE = /^0[23][0-9a-f]{64}$/;
export const SHA256_RE = /^[0-9a-f]{64}$/;
export const RECORD_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

const keyId = z.string().regex(KEY_ID_RE, 'expected a key id: 32 lowercase hex characters');
const publicKey = z.string().regex(PUBLIC_KEY_RE, 'expected a compressed secp256k1 public key: 66 lowercase hex characters starting 02 or 03');
const sha256 = z.string().regex(SHA256_RE, 'expected a SHA-256: 64 lowercase hex characters');
const text = (max: number) => z.string().min(1, 'must not be empty').max(max, `at most ${max} characters`);
const optText = (max: number) => z.string().max(max, `at most ${max} characters`).optional();
/** RFC 3339 UTC time with milliseconds or seconds, e.g. 2026-11-27T10:00:00.000Z. */
export const rfc3339 = z.iso.datetime({ message: 'expected an RFC 3339 UTC time such as 2026-11-27T10:00:00.000Z' });
const size = z.number().int('must be an integer').min(0, 'must be ≥ 0').max(Number.MAX_SAFE_INTEGER);

export const MEMBER_ROLES = ['investigator', 'custodian', 'supervisor', 'admin', 'provider'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

const common = {
  v: z.literal(1, 'record format version v must be 1'),
  origin: text(255),
  id: z.string().regex(RECORD_ID_RE, 'expected a record id: 1-128 characters of letters, digits, . _ : - (a UUID v4 is typical)'),
  time: rfc3339,
};

export const adminSchema = z.object({ keyId, publicKey, name: text(200) });

export const genesisSchema = z.object({
  type: z.literal('genesis'),
  ...common,
  network: text(200),
  admins: z.array(adminSchema).min(1, 'at least one admin'),
  adminQuorum: z.number().int().min(1),
  witnessPolicy: z.object({
    quorum: z.number().int().min(0),
    witnesses: z.array(z.object({ name: text(255), vkey: text(1000) })),
  }),
  logKey: text(1000),
  maxClockSkewSeconds: z.number().int().min(0).max(86_400).optional(),
  /** How long after the request the provider may confirm storage (large uploads); default 7 days. */
  maxUploadSeconds: z.number().int().min(0).max(365 * 86_400).optional(),
  /**
   * What the ledger's trust bundle (app/trust/bundle.ts) adds to the fields above: the provider key(s), whether
   * the ledger is self-witnessed (standalone), TSA certificates. Optional: a genesis without it describes a
   * bundle with no provider key that is not self-witnessed.
   */
  trust: z
    .strictObject({
      providers: z.array(adminSchema).max(100),
      selfWitnessed: z.boolean(),
      tsa: z.array(z.string().max(100_000)).max(20).optional(),
    })
    .optional(),
});

export const memberSchema = z.object({
  keyId,
  publicKey,
  name: text(200),
  badge: z.string().max(100),
  role: z.enum(MEMBER_ROLES),
});

export const memberEnrollSchema = z.object({ type: z.literal('member.enroll'), ...common, member: memberSchema });
export const memberRevokeSchema = z.object({ type: z.literal('member.revoke'), ...common, keyId, reason: text(1000) });

export const caseOpenSchema = z.object({
  type: z.literal('case.open'),
  ...common,
  caseId: text(128),
  title: text(500),
  agency: text(200),
  description: z.string().max(10_000),
});

export const objectSchema = z.object({
  name: text(4096),
  size,
  sha256,
  sha1: z.string().regex(/^[0-9a-f]{40}$/, 'expected a SHA-1: 40 lowercase hex characters').optional(),
  md5: z.string().regex(/^[0-9a-f]{32}$/, 'expected an MD5: 32 lowercase hex characters').optional(),
});

export const depositionRequestSchema = z.object({
  caseId: text(128),
  exhibitId: text(128),
  depositor: keyId,
  requestedAt: rfc3339,
  objects: z.array(objectSchema).min(1, 'at least one object'),
  kind: z.enum(['file', 'folder']),
  manifestSha256: sha256.optional(),
  metadata: z.object({
    description: z.string().max(10_000),
    seizedAt: optText(64),
    seizedPlace: optText(500),
    seizedBy: optText(200),
    notes: optText(10_000),
  }),
});

export const depositionSchema = z.object({
  type: z.literal('deposition'),
  ...common,
  caseId: text(128),
  exhibitId: text(128),
  request: depositionRequestSchema,
  receipt: z.object({
    provider: keyId,
    requestDigest: sha256,
    objects: z.array(z.object({ sha256, size })).min(1),
    storedAt: rfc3339,
  }),
});

export const custodyTransferSchema = z.object({
  type: z.literal('custody.transfer'),
  ...common,
  exhibitId: text(128),
  from: keyId,
  to: keyId,
  purpose: text(1000),
  location: optText(500),
});

export const integrityCheckSchema = z.object({
  type: z.literal('integrity.check'),
  ...common,
  exhibitId: text(128),
  checker: keyId,
  scope: z.enum(['local', 'provider']),
  result: z.enum(['match', 'mismatch']),
  observed: z.object({ sha256, size }),
  /** The provider's signed re-hash (a `provider.integrity` envelope), when it re-hashed its copy. */
  providerResult: z.record(z.string(), z.unknown()).optional(),
});

export const accessSchema = z.object({
  type: z.literal('access'),
  ...common,
  exhibitId: text(128),
  accessor: keyId,
  purpose: text(1000),
});

export const dispositionSchema = z.object({
  type: z.literal('disposition'),
  ...common,
  exhibitId: text(128),
  method: text(500),
  authorisedBy: keyId,
  witnessOfficer: keyId,
});

export const recordSchemas = {
  genesis: genesisSchema,
  'member.enroll': memberEnrollSchema,
  'member.revoke': memberRevokeSchema,
  'case.open': caseOpenSchema,
  deposition: depositionSchema,
  'custody.transfer': custodyTransferSchema,
  'integrity.check': integrityCheckSchema,
  access: accessSchema,
  disposition: dispositionSchema,
} as const;

export type RecordType = keyof typeof recordSchemas;
export const RECORD_TYPES = Object.keys(recordSchemas) as RecordType[];

export type GenesisRecord = z.infer<typeof genesisSchema>;
export type MemberEnrollRecord = z.infer<typeof memberEnrollSchema>;
export type MemberRevokeRecord = z.infer<typeof memberRevokeSchema>;
export type CaseOpenRecord = z.infer<typeof caseOpenSchema>;
export type DepositionRecord = z.infer<typeof depositionSchema>;
export type DepositionRequest = z.infer<typeof depositionRequestSchema>;
export type CustodyTransferRecord = z.infer<typeof custodyTransferSchema>;
export type IntegrityCheckRecord = z.infer<typeof integrityCheckSchema>;
export type AccessRecord = z.infer<typeof accessSchema>;
export type DispositionRecord = z.infer<typeof dispositionSchema>;
export type LedgerRecord =
  | GenesisRecord | MemberEnrollRecord | MemberRevokeRecord | CaseOpenRecord | DepositionRecord
  | CustodyTransferRecord | IntegrityCheckRecord | AccessRecord | DispositionRecord;

/**
 * The deposition.request record the depositor signed (docs/RECORDS.md): { type: "deposition.request", v: 1, origin,
 * id, time: requestedAt, ...request }, with the deposition's own origin and id. `request` is taken as written
 * (every field, known or not), since the digest covers all of it.
 */
export function depositionRequestRecord(deposition: { origin: string; id: string; request: Record<string, unknown> }): Record<string, unknown> & { type: string } {
  const request = deposition.request;
  return { type: 'deposition.request', v: 1, origin: deposition.origin, id: deposition.id, time: request.requestedAt, ...request };
}

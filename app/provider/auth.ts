// Request authentication between a member's workstation and the provider. Every request carries, in the
// `Evidence-Auth` header, a secp256k1 signature (the member's ledger key) over:
//
//   evidence-provider-request/v1 \n METHOD \n PATH?QUERY \n BODY-DIGEST \n TIME \n NONCE \n KEY-ID \n
//   upload-length:… \n upload-offset:… \n upload-metadata:…
//
// BODY-DIGEST is the hex SHA-256 of the body, or `UNSIGNED-PAYLOAD` for a tus PATCH (the chunk's bytes are
// bound instead by the SHA-256 declared, signed, in Upload-Metadata at creation and checked on completion).
// TIME is milliseconds since the epoch and must be within the window of the provider's clock; NONCE (128 bits,
// hex) may be used once per key within that window. The tus headers are signed so an upload's declared hash,
// length and offset cannot be changed in flight.
import { createHash, randomBytes } from 'node:crypto';
import { fromBase64, toBase64 } from '../crypto/encoding';
import { verifyDigest } from '../crypto/secp256k1';
import type { Signer } from '../crypto/signer';
import { ForbiddenError, UnauthenticatedError } from './errors';
import type { Member, MemberDirectory, MemberRole } from './members';
import type { NonceCache } from './nonces';

export const AUTH_HEADER = 'evidence-auth';
export const AUTH_SCHEME = 'Evidence-Sig';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const DOMAIN = 'evidence-provider-request/v1';
const SIGNED_HEADERS = ['upload-length', 'upload-offset', 'upload-metadata'] as const;
const KEY_ID_RE = /^[0-9a-f]{32}$/;
const NONCE_RE = /^[0-9a-f]{32}$/;
const DIGEST_RE = /^[0-9a-f]{64}$/;

export interface RequestToSign {
  method: string;
  /** Path and query as sent, e.g. `/files/abc` or `/objects/…?x=1`. */
  path: string;
  /** Hex SHA-256 of the body, or UNSIGNED_PAYLOAD. */
  bodyDigest: string;
  /** Values of the signed tus headers, when present. */
  headers?: Partial<Record<(typeof SIGNED_HEADERS)[number], string>>;
}

export interface AuthFields {
  keyId: string;
  time: number;
  nonce: string;
  bodyDigest: string;
  sig: string;
}

/** Hex SHA-256 of a request body (empty for none). */
export function bodyDigestOf(body: Uint8Array | string | undefined): string {
  return createHash('sha256')
    .update(body ?? '')
    .digest('hex');
}

/** The exact bytes that are signed for a request. */
export function requestMessage(req: RequestToSign, fields: Omit<AuthFields, 'sig'>): Buffer {
  const lines = [
    DOMAIN,
    req.method.toUpperCase(),
    req.path,
    fields.bodyDigest,
    String(fields.time),
    fields.nonce,
    fields.keyId,
    ...SIGNED_HEADERS.map((h) => `${h}:${req.headers?.[h] ?? ''}`),
  ];
  return Buffer.from(lines.join('\n'), 'utf8');
}

/** The `Evidence-Auth` header value signing `req` with `signer` at `time` (ms) with a fresh nonce. */
export function signRequest(signer: Signer, req: RequestToSign, time = Date.now()): string {
  if (req.bodyDigest !== UNSIGNED_PAYLOAD && !DIGEST_RE.test(req.bodyDigest)) {
    throw new TypeError(`bodyDigest must be 64 hex digits or ${UNSIGNED_PAYLOAD}, got ${JSON.stringify(req.bodyDigest)}`);
  }
  const fields = { keyId: signer.keyId, time, nonce: randomBytes(16).toString('hex'), bodyDigest: req.bodyDigest };
  const digest = createHash('sha256').update(requestMessage(req, fields)).digest();
  const sig = toBase64(signer.sign(digest));
  return `${AUTH_SCHEME} keyId=${fields.keyId},time=${time},nonce=${fields.nonce},body=${fields.bodyDigest},sig=${sig}`;
}

/** Parses an `Evidence-Auth` header; throws UnauthenticatedError naming what is wrong. */
export function parseAuthHeader(value: string | undefined): AuthFields {
  if (value === undefined || value === '') {
    throw new UnauthenticatedError('AUTH_MISSING', `the request has no ${AUTH_HEADER} header; sign it with an enrolled key`);
  }
  if (!value.startsWith(`${AUTH_SCHEME} `)) {
    throw new UnauthenticatedError('AUTH_MALFORMED', `${AUTH_HEADER} must start with "${AUTH_SCHEME} ", got ${JSON.stringify(value.slice(0, 40))}`);
  }
  const params = new Map<string, string>();
  for (const part of value.slice(AUTH_SCHEME.length + 1).split(',')) {
    const i = part.indexOf('=');
    if (i <= 0) throw new UnauthenticatedError('AUTH_MALFORMED', `${AUTH_HEADER}: expected name=value, got ${JSON.stringify(part)}`);
    params.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  const keyId = params.get('keyId') ?? '';
  const time = Number(params.get('time'));
  const nonce = params.get('nonce') ?? '';
  const bodyDigest = params.get('body') ?? '';
  const sig = params.get('sig') ?? '';
  const bad = (what: string, want: string, got: string) =>
    new UnauthenticatedError('AUTH_MALFORMED', `${AUTH_HEADER}: ${what} must be ${want}, got ${JSON.stringify(got)}`);
  if (!KEY_ID_RE.test(keyId)) throw bad('keyId', '32 lowercase hex digits', keyId);
  if (!Number.isSafeInteger(time) || time <= 0) throw bad('time', 'milliseconds since the epoch', params.get('time') ?? '');
  if (!NONCE_RE.test(nonce)) throw bad('nonce', '32 lowercase hex digits', nonce);
  if (bodyDigest !== UNSIGNED_PAYLOAD && !DIGEST_RE.test(bodyDigest)) throw bad('body', `64 hex digits or ${UNSIGNED_PAYLOAD}`, bodyDigest);
  if (!/^[A-Za-z0-9+/]{86}==$/.test(sig)) throw bad('sig', 'a 64-byte compact signature in base64', sig);
  return { keyId, time, nonce, bodyDigest, sig };
}

export interface AuthContext {
  directory: MemberDirectory;
  nonces: NonceCache;
  /** Allowed |request time − provider time|, in milliseconds. */
  windowMs: number;
  now?: () => number;
}

export interface IncomingToCheck extends RequestToSign {
  authHeader: string | undefined;
  /** Whether this request may leave its body unsigned (tus PATCH). */
  allowUnsignedPayload: boolean;
  /** Roles allowed to make this request. */
  roles: readonly MemberRole[];
}

/**
 * Authenticates a request: 401 for a missing/malformed header, an unknown key, a bad signature, a time
 * outside the window or a replayed nonce; 403 for a known key that is revoked, not enrolled or not in
 * `roles`. Resolves to the member. The nonce is recorded only once the signature has verified.
 */
export async function authenticate(req: IncomingToCheck, ctx: AuthContext): Promise<Member> {
  const fields = parseAuthHeader(req.authHeader);
  const member = await ctx.directory.lookup(fields.keyId);
  if (!member) {
    throw new UnauthenticatedError('UNKNOWN_KEY', `key ${fields.keyId} is not a member of the ledger this provider follows`);
  }
  if (fields.bodyDigest === UNSIGNED_PAYLOAD) {
    if (!req.allowUnsignedPayload) {
      throw new UnauthenticatedError('AUTH_MALFORMED', `${req.method} ${req.path} must sign its body digest, not ${UNSIGNED_PAYLOAD}`);
    }
  } else if (fields.bodyDigest !== req.bodyDigest) {
    throw new UnauthenticatedError('BODY_DIGEST_MISMATCH', `the body hashes to ${req.bodyDigest}, not the signed ${fields.bodyDigest}`);
  }
  const digest = createHash('sha256').update(requestMessage(req, fields)).digest();
  const outcome = verifyDigest(fromBase64(fields.sig, 'sig'), digest, member.publicKey);
  if (!outcome.ok) {
    throw new UnauthenticatedError('BAD_SIGNATURE', `the request signature of key ${fields.keyId} does not verify (${outcome.reason})`);
  }
  const now = (ctx.now ?? Date.now)();
  if (Math.abs(now - fields.time) > ctx.windowMs) {
    throw new UnauthenticatedError(
      'TIME_OUTSIDE_WINDOW',
      `request time ${new Date(fields.time).toISOString()} is more than ${ctx.windowMs / 1000} s from the provider's clock ${new Date(now).toISOString()}`,
    );
  }
  if (member.revoked) throw new ForbiddenError('KEY_REVOKED', `key ${fields.keyId} was revoked in the ledger`);
  if (!member.enrolled) throw new ForbiddenError('NOT_ENROLLED', `key ${fields.keyId} is not enrolled in the ledger`);
  if (!req.roles.includes(member.role)) {
    throw new ForbiddenError('ROLE_NOT_ALLOWED', `key ${fields.keyId} has role ${member.role}; this request needs one of ${req.roles.join(', ')}`);
  }
  if (!(await ctx.nonces.claim(fields.keyId, fields.nonce, fields.time, now))) {
    throw new UnauthenticatedError('REPLAYED_NONCE', `nonce ${fields.nonce} of key ${fields.keyId} was already used`);
  }
  return member;
}

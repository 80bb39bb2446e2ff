// secp256k1 ECDSA for people and providers (docs/DESIGN.md "Parties and keys"): key generation, the key id shown to
// users, RFC 6979 deterministic low-S signing, verification, and the DER/PEM forms `openssl` reads.
// Isomorphic: noble only, no node: imports, so the renderer may verify with it.
import * as secp from '@noble/secp256k1';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { InvalidKeyError, SignatureEncodingError } from './errors';
import { bytesEqual, describe, fromHex, toBase64, toHex } from './encoding';

// @noble/secp256k1 v3's synchronous sign/verify need these (docs/STACK.md pitfall 6; left unannotated on purpose).
secp.hashes.sha256 = sha256;
secp.hashes.hmacSha256 = (key, msg) => hmac(sha256, key, msg);

/** The group order n (SEC 2 §2.4.1). */
export const CURVE_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
/** floor(n / 2): a signature is low-S when 1 <= s <= HALF_ORDER (BIP 62 / BIP 146 LOW_S). */
export const HALF_ORDER = CURVE_ORDER >> 1n;
/** Compressed public key length (SEC 1 §2.3.3). */
export const PUBLIC_KEY_LENGTH = 33;
/** Compact signature length: r || s, 32 bytes each, big-endian. */
export const SIGNATURE_LENGTH = 64;
export const PRIVATE_KEY_LENGTH = 32;
export const DIGEST_LENGTH = 32;

/** A fresh private key from the platform CSPRNG (`crypto.getRandomValues`). The caller must zero it after use. */
export function generatePrivateKey(): Uint8Array {
  return secp.utils.randomSecretKey();
}

/** The 33-byte compressed public key of `privateKey`. */
export function getPublicKey(privateKey: Uint8Array): Uint8Array {
  assertPrivateKey(privateKey);
  return secp.getPublicKey(privateKey, true);
}

export function assertPrivateKey(privateKey: Uint8Array): void {
  if (!(privateKey instanceof Uint8Array) || privateKey.length !== PRIVATE_KEY_LENGTH) {
    throw new InvalidKeyError(`private key: expected ${PRIVATE_KEY_LENGTH} bytes, got ${describe(privateKey)}`);
  }
  if (!secp.utils.isValidSecretKey(privateKey)) {
    throw new InvalidKeyError('private key: not a scalar in [1, n-1]');
  }
}

/**
 * Parses and validates a compressed public key (33 bytes, or 66 lowercase hex digits): prefix 02/03 and an x
 * on the curve (SEC 1 §2.3.4). Uncompressed keys are refused so that one key has one encoding, and so one key id.
 */
export function parsePublicKey(input: Uint8Array | string): Uint8Array {
  let bytes: Uint8Array;
  if (typeof input === 'string') {
    try {
      bytes = fromHex(input, 'public key');
    } catch (err) {
      throw new InvalidKeyError((err as Error).message);
    }
  } else if (input instanceof Uint8Array) {
    bytes = input;
  } else {
    throw new InvalidKeyError(`public key: expected hex or bytes, got ${describe(input)}`);
  }
  if (bytes.length !== PUBLIC_KEY_LENGTH || (bytes[0] !== 0x02 && bytes[0] !== 0x03)) {
    throw new InvalidKeyError(
      `public key: expected a ${PUBLIC_KEY_LENGTH}-byte compressed key starting 02 or 03, got ${bytes.length} bytes` +
        (bytes.length > 0 ? ` starting ${toHex(bytes.subarray(0, 1))}` : ''),
    );
  }
  if (!secp.utils.isValidPublicKey(bytes, true)) {
    throw new InvalidKeyError(`public key ${toHex(bytes)}: x is not the coordinate of a point on secp256k1`);
  }
  return Uint8Array.from(bytes);
}

/**
 * The key id: a short, stable fingerprint shown to users and used to look keys up.
 * keyId = lowercase hex of the first 16 bytes of SHA-256(compressed public key) — 32 hex characters (128 bits,
 * collision-resistant for any realistic number of officers; shorter than the 66-digit key itself).
 */
export function keyIdOf(publicKey: Uint8Array | string): string {
  return toHex(sha256(parsePublicKey(publicKey)).subarray(0, 16));
}

/**
 * Signs a 32-byte digest: ECDSA over secp256k1 with the nonce from RFC 6979 §3.2 (deterministic, no extra
 * entropy) and s normalised to the low half (BIP 62). Returns the 64-byte compact r || s.
 */
export function signDigest(digest: Uint8Array, privateKey: Uint8Array): Uint8Array {
  assertDigest(digest);
  assertPrivateKey(privateKey);
  return secp.sign(digest, privateKey, { prehash: false, lowS: true, extraEntropy: false, format: 'compact' });
}

export function assertDigest(digest: Uint8Array): void {
  if (!(digest instanceof Uint8Array) || digest.length !== DIGEST_LENGTH) {
    throw new TypeError(`digest: expected ${DIGEST_LENGTH} bytes (SHA-256), got ${describe(digest)}`);
  }
}

/** Why a signature was refused before or by the curve arithmetic. */
export type SignatureFault = 'malformed' | 'high-s' | 'bad-signature';
export type VerifyOutcome = { ok: true } | { ok: false; reason: SignatureFault; detail: string };

/** The bytes a signature covers, in both the forms verifiers want: the preimage and its SHA-256. */
export interface SignedMessage {
  /** The exact signed bytes (for records: tag, 0x0A, canonical JSON). */
  readonly bytes: Uint8Array;
  /** SHA-256(bytes). */
  readonly digest: Uint8Array;
}

/** A secp256k1 verifier. Implementations must agree exactly (see bulk-verify.test.ts). */
export interface Secp256k1Verifier {
  readonly name: string;
  verify(signature: Uint8Array, message: SignedMessage, publicKey: Uint8Array): VerifyOutcome;
}

/**
 * Checks the compact encoding before any curve arithmetic: 64 bytes, 1 <= r < n, 1 <= s < n (SEC 1 §4.1.4
 * step 1), and s <= n/2 (low-S, BIP 62). Shared by every verifier so they refuse the same inputs.
 */
export function checkCompactSignature(signature: Uint8Array): VerifyOutcome {
  if (!(signature instanceof Uint8Array) || signature.length !== SIGNATURE_LENGTH) {
    return { ok: false, reason: 'malformed', detail: `expected ${SIGNATURE_LENGTH} bytes r||s, got ${describe(signature)}` };
  }
  // Big-endian 32-byte comparisons on the bytes themselves (no BigInt per signature: the audit checks thousands).
  if (isZero32(signature, 0) || compare32(signature, 0, CURVE_ORDER_BYTES) >= 0) return { ok: false, reason: 'malformed', detail: 'r is not in [1, n-1]' };
  if (isZero32(signature, 32) || compare32(signature, 32, CURVE_ORDER_BYTES) >= 0) return { ok: false, reason: 'malformed', detail: 's is not in [1, n-1]' };
  if (compare32(signature, 32, HALF_ORDER_BYTES) > 0) return { ok: false, reason: 'high-s', detail: 's > n/2 (only low-S signatures are accepted)' };
  return { ok: true };
}

const CURVE_ORDER_BYTES = bigIntTo32(CURVE_ORDER);
const HALF_ORDER_BYTES = bigIntTo32(HALF_ORDER);

function isZero32(b: Uint8Array, at: number): boolean {
  for (let i = at; i < at + 32; i++) if (b[i] !== 0) return false;
  return true;
}

/** Compares the big-endian 32-byte integer at b[at…at+32) with `ref`: -1, 0 or 1. */
function compare32(b: Uint8Array, at: number, ref: Uint8Array): number {
  for (let i = 0; i < 32; i++) {
    const x = b[at + i]!;
    const y = ref[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Verifies with noble: the verifier for the browser and the reference for the node:crypto one. */
export const nobleVerifier: Secp256k1Verifier = {
  name: 'noble',
  verify(signature, message, publicKey) {
    const pre = checkCompactSignature(signature);
    if (!pre.ok) return pre;
    assertDigest(message.digest);
    const ok = secp.verify(signature, message.digest, publicKey, { prehash: false, lowS: true, format: 'compact' });
    return ok ? { ok: true } : { ok: false, reason: 'bad-signature', detail: 'the signature does not verify under this key' };
  },
};

/** Verifies a compact signature over a 32-byte digest with noble (convenience for callers holding a digest). */
export function verifyDigest(signature: Uint8Array, digest: Uint8Array, publicKey: Uint8Array | string): VerifyOutcome {
  return nobleVerifier.verify(signature, { bytes: new Uint8Array(0), digest }, parsePublicKey(publicKey));
}

/** The same signature with s replaced by n - s: equally valid for plain ECDSA (and OpenSSL), refused by us. */
export function flipS(signature: Uint8Array): Uint8Array {
  if (signature.length !== SIGNATURE_LENGTH) throw new SignatureEncodingError(`expected ${SIGNATURE_LENGTH} bytes, got ${signature.length}`);
  const s = bytesToBigInt(signature.subarray(32));
  const out = Uint8Array.from(signature);
  out.set(bigIntTo32(CURVE_ORDER - s), 32);
  return out;
}

// --- DER and PEM, for openssl and other X.509 tooling -------------------------------------------------------

/** ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (RFC 3279 §2.2.3), minimal DER (X.690 §8.3.2). */
export function compactToDer(signature: Uint8Array): Uint8Array {
  if (!(signature instanceof Uint8Array) || signature.length !== SIGNATURE_LENGTH) {
    throw new SignatureEncodingError(`compact signature: expected ${SIGNATURE_LENGTH} bytes, got ${describe(signature)}`);
  }
  const int = (b: Uint8Array): number[] => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    const body = [...b.subarray(i)];
    if (body[0]! & 0x80) body.unshift(0);
    return [0x02, body.length, ...body];
  };
  const body = [...int(signature.subarray(0, 32)), ...int(signature.subarray(32))];
  return Uint8Array.from([0x30, body.length, ...body]);
}

/** Strict inverse of `compactToDer`: rejects non-minimal integers, trailing bytes and values wider than 32 bytes. */
export function derToCompact(der: Uint8Array): Uint8Array {
  const fail = (why: string): never => {
    throw new SignatureEncodingError(`DER signature: ${why}`);
  };
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) fail('expected SEQUENCE with a short-form length covering the input');
  const out = new Uint8Array(SIGNATURE_LENGTH);
  let pos = 2;
  for (const offset of [0, 32]) {
    if (der[pos] !== 0x02) fail(`expected INTEGER tag at byte ${pos}`);
    const len = der[pos + 1] ?? fail('truncated INTEGER');
    const body = der.subarray(pos + 2, pos + 2 + len);
    if (len === 0 || body.length !== len) fail('truncated INTEGER');
    if (body[0]! & 0x80) fail('negative INTEGER');
    if (len > 1 && body[0] === 0 && !(body[1]! & 0x80)) fail('non-minimal INTEGER (extra leading zero)');
    const value = body[0] === 0 ? body.subarray(1) : body;
    if (value.length > 32) fail('INTEGER wider than 32 bytes');
    out.set(value, offset + 32 - value.length);
    pos += 2 + len;
  }
  if (pos !== der.length) fail('trailing bytes after the second INTEGER');
  return out;
}

// SubjectPublicKeyInfo for id-ecPublicKey (1.2.840.10045.2.1) on secp256k1 (1.3.132.0.10), RFC 5480 §2.
const SPKI_PREFIX = fromHex('3036301006072a8648ce3d020106052b8104000a032200');

/** DER SubjectPublicKeyInfo (RFC 5480 §2) holding the compressed point; `openssl` and node:crypto import it. */
export function publicKeyToSpkiDer(publicKey: Uint8Array | string): Uint8Array {
  const pub = parsePublicKey(publicKey);
  const out = new Uint8Array(SPKI_PREFIX.length + pub.length);
  out.set(SPKI_PREFIX);
  out.set(pub, SPKI_PREFIX.length);
  return out;
}

/** Parses an SPKI DER produced by `publicKeyToSpkiDer` (compressed secp256k1 only). */
export function publicKeyFromSpkiDer(der: Uint8Array): Uint8Array {
  if (der.length !== SPKI_PREFIX.length + PUBLIC_KEY_LENGTH || !bytesEqual(der.subarray(0, SPKI_PREFIX.length), SPKI_PREFIX)) {
    throw new InvalidKeyError('SPKI: expected a secp256k1 SubjectPublicKeyInfo with a 33-byte compressed point');
  }
  return parsePublicKey(der.subarray(SPKI_PREFIX.length));
}

/** PEM "PUBLIC KEY" (RFC 7468 §13) of the compressed public key. */
export function publicKeyToPem(publicKey: Uint8Array | string): string {
  const b64 = toBase64(publicKeyToSpkiDer(publicKey));
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN PUBLIC KEY-----\n${lines.join('\n')}\n-----END PUBLIC KEY-----\n`;
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt('0x' + toHex(bytes));
}

function bigIntTo32(n: bigint): Uint8Array {
  return fromHex(n.toString(16).padStart(64, '0'));
}

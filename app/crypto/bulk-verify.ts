// Bulk verification through node:crypto (OpenSSL), for the ledger's audits of thousands of signatures. Node-only;
// the isomorphic envelope code takes this verifier by injection. OpenSSL accepts high-S signatures, so the
// shared pre-check (checkCompactSignature: length, r/s range, low-S) runs first: both verifiers refuse exactly
// the same inputs (bulk-verify.test.ts). Speed vs noble: bench/crypto.bench.ts.
import { createHash, createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { toHex } from './encoding';
import { verifyEnvelope, type EnvelopeReport, type VerifyOptions } from './envelope';
import { checkCompactSignature, publicKeyToSpkiDer, type Secp256k1Verifier, type VerifyOutcome } from './secp256k1';

const KEY_CACHE_LIMIT = 4096;

/** A compressed secp256k1 public key (already validated, e.g. by parsePublicKey) as a node:crypto KeyObject (SPKI DER, RFC 5480). */
export function nodePublicKey(publicKey: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.from(publicKeyToSpkiDer(publicKey)), format: 'der', type: 'spki' });
}

/**
 * The node:crypto verifier's check with the key already imported (callers that cache KeyObjects themselves,
 * e.g. the audit workers by publicKey hex): the shared low-S pre-check, then ECDSA-with-SHA256 over the signed
 * bytes, the 64-byte r||s read as IEEE P1363.
 */
export function verifyWithKeyObject(signature: Uint8Array, bytes: Uint8Array, key: KeyObject): VerifyOutcome {
  const pre = checkCompactSignature(signature);
  if (!pre.ok) return pre;
  const ok = nodeVerify('sha256', bytes, { key, dsaEncoding: 'ieee-p1363' }, signature);
  return ok ? { ok: true } : { ok: false, reason: 'bad-signature', detail: 'the signature does not verify under this key' };
}

/** Imports compressed secp256k1 keys as KeyObjects, cached (a ledger has few signers). */
class KeyCache {
  private readonly keys = new Map<string, KeyObject>();
  get(publicKey: Uint8Array): KeyObject {
    const hex = toHex(publicKey);
    let key = this.keys.get(hex);
    if (key === undefined) {
      key = nodePublicKey(publicKey);
      if (this.keys.size >= KEY_CACHE_LIMIT) this.keys.delete(this.keys.keys().next().value as string);
      this.keys.set(hex, key);
    }
    return key;
  }
}

/** Creates a node:crypto verifier with its own key cache. */
export function createNodeVerifier(): Secp256k1Verifier {
  const cache = new KeyCache();
  return {
    name: 'node:crypto',
    verify: (signature, message, publicKey) => verifyWithKeyObject(signature, message.bytes, cache.get(publicKey)),
  };
}

/** SHA-256 through node:crypto (OpenSSL), for the digests the ledger rules compute (ApplyOptions.sha256). */
export function nodeSha256(bytes: Uint8Array): Uint8Array {
  const h = createHash('sha256').update(bytes).digest();
  return new Uint8Array(h.buffer, h.byteOffset, h.length); // a plain Uint8Array, as noble's sha256 returns
}

const NODE_PREFIX = new Uint8Array([0x01]);
/** RFC 9162 §2.1.1 interior node hash, SHA-256(0x01 || left || right), through node:crypto (MemoryTree's hashChildren). */
export function nodeHashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  const h = createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
  return new Uint8Array(h.buffer, h.byteOffset, h.length);
}

/** The shared node:crypto verifier. */
export const nodeVerifier: Secp256k1Verifier = createNodeVerifier();

/** `verifyEnvelope` with the node:crypto verifier. */
export function verifyEnvelopeFast(envelope: unknown, options: Omit<VerifyOptions, 'verifier'>): EnvelopeReport {
  return verifyEnvelope(envelope, { ...options, verifier: nodeVerifier });
}

/** Verifies many envelopes under one policy with the node:crypto verifier; one report per envelope, in order. */
export function verifyEnvelopes(envelopes: Iterable<unknown>, options: Omit<VerifyOptions, 'verifier'>): EnvelopeReport[] {
  const verifier = nodeVerifier;
  const out: EnvelopeReport[] = [];
  for (const envelope of envelopes) out.push(verifyEnvelope(envelope, { ...options, verifier }));
  return out;
}

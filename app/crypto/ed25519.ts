// Ed25519 (RFC 8032) keys for log and witness identities (docs/DESIGN.md: the C2SP signed-note and tlog-cosignature
// formats assign Ed25519). Key generation, signing and strict verification only; the signed-note `vkey` text
// form and note signing live in app/ledger/note.ts. Isomorphic (@noble/curves), cross-checked against
// node:crypto in ed25519.test.ts.
import { ed25519 } from '@noble/curves/ed25519.js';
import { InvalidKeyError, SignerDisposedError } from './errors';
import { describe, toHex } from './encoding';

export const ED25519_SEED_LENGTH = 32;
export const ED25519_PUBLIC_KEY_LENGTH = 32;
export const ED25519_SIGNATURE_LENGTH = 64;

/** Signs messages with a held Ed25519 key; the seed never leaves the closure. */
export interface Ed25519Signer {
  /** 32-byte public key (RFC 8032 §5.1.5). */
  readonly publicKey: Uint8Array;
  /** 64-byte signature R || S (RFC 8032 §5.1.6). */
  sign(message: Uint8Array): Uint8Array;
  /** Zeroes the signer's copy of the seed; later `sign` calls throw. */
  dispose(): void;
}

/** A fresh 32-byte Ed25519 private key (the RFC 8032 seed) from the platform CSPRNG. Zero it after use. */
export function generateEd25519Seed(): Uint8Array {
  return ed25519.utils.randomSecretKey();
}

/** The public key of a 32-byte seed. */
export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  assertSeed(seed);
  return ed25519.getPublicKey(seed);
}

/** RFC 8032 §5.1.6 signature of `message` (pure Ed25519, no prehash, no context). */
export function ed25519Sign(message: Uint8Array, seed: Uint8Array): Uint8Array {
  assertSeed(seed);
  return ed25519.sign(message, seed);
}

/**
 * RFC 8032 §5.1.7 verification, strict: S must be canonical (< L) and non-canonical point encodings are
 * refused (`zip215: false`), so a signature has one valid encoding. Wrong lengths return false.
 */
export function ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (!(signature instanceof Uint8Array) || signature.length !== ED25519_SIGNATURE_LENGTH) return false;
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== ED25519_PUBLIC_KEY_LENGTH) return false;
  return ed25519.verify(signature, message, publicKey, { zip215: false });
}

/**
 * Wraps a seed in a signer. Copies the seed and, unless `{ wipe: false }`, zeroes the caller's array
 * (best effort: noble derives the expanded key per call).
 */
export function ed25519SignerFromSeed(seed: Uint8Array, options: { wipe?: boolean } = {}): Ed25519Signer {
  assertSeed(seed);
  const secret = Uint8Array.from(seed);
  if (options.wipe ?? true) seed.fill(0);
  const publicKey = ed25519.getPublicKey(secret);
  let disposed = false;
  return Object.freeze({
    publicKey,
    sign(message: Uint8Array): Uint8Array {
      if (disposed) throw new SignerDisposedError(`ed25519:${toHex(publicKey)}`);
      return ed25519.sign(message, secret);
    },
    dispose(): void {
      secret.fill(0);
      disposed = true;
    },
    toJSON(): { publicKey: string } {
      return { publicKey: toHex(publicKey) };
    },
  });
}

/** A signer over a fresh random seed (e.g. a standalone-mode witness). */
export function generateEd25519Signer(): Ed25519Signer {
  return ed25519SignerFromSeed(generateEd25519Seed());
}

function assertSeed(seed: Uint8Array): void {
  if (!(seed instanceof Uint8Array) || seed.length !== ED25519_SEED_LENGTH) {
    throw new InvalidKeyError(`Ed25519 private key: expected a ${ED25519_SEED_LENGTH}-byte seed, got ${describe(seed)}`);
  }
}

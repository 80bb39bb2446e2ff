// A Signer signs digests without ever handing its private key to the caller: code that only needs to sign
// (the deposition flow, the provider's receipt, the host) gets a Signer, never key bytes. Isomorphic.
import { SignerDisposedError } from './errors';
import { toHex } from './encoding';
import { assertPrivateKey, generatePrivateKey, getPublicKey, keyIdOf, signDigest } from './secp256k1';

export interface Signer {
  /** keyIdOf(publicKey): 32 hex characters. */
  readonly keyId: string;
  /** Compressed secp256k1 public key, 66 lowercase hex characters. */
  readonly publicKey: string;
  /** Signs a 32-byte digest: 64-byte compact r || s, low-S, RFC 6979 deterministic. */
  sign(digest: Uint8Array): Uint8Array;
}

export interface DisposableSigner extends Signer {
  /** Zeroes the signer's copy of the private key; later `sign` calls throw `SignerDisposedError`. */
  dispose(): void;
  readonly disposed: boolean;
}

/**
 * Wraps a private key in a Signer. The signer keeps its own copy in a closure (not reachable as a property, so
 * never serialised or logged) and, unless `{ wipe: false }`, zeroes the caller's `privateKey` array.
 * Zeroing is best effort: noble converts the key to a bigint per signature, which JavaScript cannot wipe.
 */
export function signerFromPrivateKey(privateKey: Uint8Array, options: { wipe?: boolean } = {}): DisposableSigner {
  assertPrivateKey(privateKey);
  const secret = Uint8Array.from(privateKey);
  if (options.wipe ?? true) privateKey.fill(0);
  const publicKey = toHex(getPublicKey(secret));
  const keyId = keyIdOf(publicKey);
  let disposed = false;
  return Object.freeze({
    keyId,
    publicKey,
    sign(digest: Uint8Array): Uint8Array {
      if (disposed) throw new SignerDisposedError(keyId);
      return signDigest(digest, secret);
    },
    dispose(): void {
      secret.fill(0);
      disposed = true;
    },
    get disposed(): boolean {
      return disposed;
    },
    toJSON(): { keyId: string; publicKey: string } {
      return { keyId, publicKey };
    },
  });
}

/** A signer over a fresh random key (services' ephemeral keys, tests). The key never leaves the signer. */
export function generateSigner(): DisposableSigner {
  return signerFromPrivateKey(generatePrivateKey());
}

import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { SignerDisposedError } from './errors';
import { toHex } from './encoding';
import { generatePrivateKey, getPublicKey, keyIdOf, verifyDigest } from './secp256k1';
import { generateSigner, signerFromPrivateKey } from './signer';

const digest = new Uint8Array(32).fill(9);

describe('signerFromPrivateKey', () => {
  it('signs with the key, exposes only key id and public key, and zeroes the caller copy', () => {
    const priv = generatePrivateKey();
    const privHex = toHex(priv);
    const pub = toHex(getPublicKey(priv));
    const signer = signerFromPrivateKey(priv);
    expect(priv.every((b) => b === 0)).toBe(true);
    expect(signer.publicKey).toBe(pub);
    expect(signer.keyId).toBe(keyIdOf(pub));
    expect(verifyDigest(signer.sign(digest), digest, pub)).toEqual({ ok: true });
    const shown = JSON.stringify(signer) + inspect(signer, { showHidden: true, depth: 5 });
    expect(shown).not.toContain(privHex);
    expect(JSON.parse(JSON.stringify(signer))).toEqual({ keyId: signer.keyId, publicKey: pub });
  });

  it('keeps the caller copy with { wipe: false }', () => {
    const priv = generatePrivateKey();
    const before = toHex(priv);
    signerFromPrivateKey(priv, { wipe: false });
    expect(toHex(priv)).toBe(before);
  });

  it('refuses to sign after dispose', () => {
    const signer = generateSigner();
    signer.dispose();
    expect(signer.disposed).toBe(true);
    expect(() => signer.sign(digest)).toThrow(SignerDisposedError);
  });
});

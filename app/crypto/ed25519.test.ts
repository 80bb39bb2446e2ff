import { describe, expect, it } from 'vitest';
import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { InvalidKeyError, SignerDisposedError } from './errors';
import { fromHex, toHex } from './encoding';
import {
  ed25519PublicKey,
  ed25519Sign,
  ed25519SignerFromSeed,
  ed25519Verify,
  generateEd25519Seed,
  generateEd25519Signer,
} from './ed25519';

// node:crypto imports raw Ed25519 keys through fixed DER prefixes (RFC 8410 §7, §4).
const PKCS8 = fromHex('302e020100300506032b657004220420');
const SPKI = fromHex('302a300506032b6570032100');
const nodePriv = (seed: Uint8Array) => createPrivateKey({ key: Buffer.concat([PKCS8, seed]), format: 'der', type: 'pkcs8' });
const nodePub = (pub: Uint8Array) => createPublicKey({ key: Buffer.concat([SPKI, pub]), format: 'der', type: 'spki' });

describe('Ed25519', () => {
  it('RFC 8032 §7.1 TEST 1 (empty message)', () => {
    const seed = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
    const pub = ed25519PublicKey(seed);
    expect(toHex(pub)).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    const sig = ed25519Sign(new Uint8Array(0), seed);
    expect(toHex(sig)).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
    expect(ed25519Verify(sig, new Uint8Array(0), pub)).toBe(true);
  });

  it('agrees with node:crypto both ways', () => {
    for (let i = 0; i < 10; i++) {
      const seed = generateEd25519Seed();
      const pub = ed25519PublicKey(seed);
      const msg = new TextEncoder().encode(`checkpoint ${i}\n`);
      const ours = ed25519Sign(msg, seed);
      const theirs = new Uint8Array(nodeSign(null, msg, nodePriv(seed)));
      expect(toHex(ours)).toBe(toHex(theirs)); // Ed25519 is deterministic
      expect(nodeVerify(null, msg, nodePub(pub), ours)).toBe(true);
      const bad = Uint8Array.from(ours);
      bad[i]! ^= 4;
      expect(ed25519Verify(bad, msg, pub)).toBe(false);
      expect(nodeVerify(null, msg, nodePub(pub), bad)).toBe(false);
    }
  });

  it('rejects wrong lengths, wrong keys and non-canonical S', () => {
    const seed = generateEd25519Seed();
    const pub = ed25519PublicKey(seed);
    const msg = Uint8Array.of(1, 2, 3);
    const sig = ed25519Sign(msg, seed);
    expect(ed25519Verify(sig.subarray(0, 63), msg, pub)).toBe(false);
    expect(ed25519Verify(sig, msg, pub.subarray(0, 31))).toBe(false);
    expect(ed25519Verify(sig, msg, ed25519PublicKey(generateEd25519Seed()))).toBe(false);
    // S + L encodes the same scalar; strict verification (RFC 8032 §5.1.7 step 1) refuses it.
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    const s = BigInt('0x' + toHex(sig.subarray(32).reverse()));
    const sPlusL = fromHex((s + L).toString(16).padStart(64, '0')).reverse();
    const malleated = Uint8Array.from([...sig.subarray(0, 32), ...sPlusL]);
    expect(ed25519Verify(malleated, msg, pub)).toBe(false);
    expect(() => ed25519PublicKey(new Uint8Array(31))).toThrow(InvalidKeyError);
  });

  it('a signer hides and wipes its seed', () => {
    const seed = generateEd25519Seed();
    const copy = Uint8Array.from(seed);
    const signer = ed25519SignerFromSeed(seed);
    expect(seed.every((b) => b === 0)).toBe(true);
    expect(toHex(signer.publicKey)).toBe(toHex(ed25519PublicKey(copy)));
    expect(JSON.stringify(signer)).not.toContain(toHex(copy));
    const msg = Uint8Array.of(7);
    expect(ed25519Verify(signer.sign(msg), msg, signer.publicKey)).toBe(true);
    signer.dispose();
    expect(() => signer.sign(msg)).toThrow(SignerDisposedError);
    expect(generateEd25519Signer().publicKey).toHaveLength(32);
  });
});

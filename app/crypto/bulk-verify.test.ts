import { describe, expect, it } from 'vitest';
import { fromBase64, toBase64 } from './encoding';
import { nodeVerifier, verifyEnvelopeFast, verifyEnvelopes } from './bulk-verify';
import { signRecord, verifyEnvelope } from './envelope';
import { recordMessage } from './record-digest';
import { CURVE_ORDER, flipS, getPublicKey, generatePrivateKey, nobleVerifier, parsePublicKey, signDigest } from './secp256k1';
import { generateSigner } from './signer';

describe('node:crypto and noble verifiers agree', () => {
  const priv = generatePrivateKey();
  const pub = getPublicKey(priv);
  const otherPub = getPublicKey(generatePrivateKey());
  const message = recordMessage({ type: 'integrity.check', item: 'E-9', result: 'match' });
  const good = signDigest(message.digest, priv);
  const mutate = (f: (s: Uint8Array) => void) => { const s = Uint8Array.from(good); f(s); return s; };
  const n = Uint8Array.from(Buffer.from(CURVE_ORDER.toString(16), 'hex'));

  const cases: [string, Uint8Array, Uint8Array, string][] = [
    ['valid', good, pub, 'ok'],
    ['high-S twin (OpenSSL alone would accept it)', flipS(good), pub, 'high-s'],
    ['wrong key', good, otherPub, 'bad-signature'],
    ['corrupted r', mutate((s) => { s[3]! ^= 0x10; }), pub, 'bad-signature'],
    ['corrupted s', mutate((s) => { s[63]! ^= 0x01; }), pub, 'bad-signature'],
    ['r = 0', mutate((s) => s.fill(0, 0, 32)), pub, 'malformed'],
    ['s = 0', mutate((s) => s.fill(0, 32)), pub, 'malformed'],
    ['r = n', mutate((s) => s.set(n, 0)), pub, 'malformed'],
    ['truncated', good.subarray(0, 60), pub, 'malformed'],
  ];

  it.each(cases)('%s', (_name, sig, key, want) => {
    const a = nobleVerifier.verify(sig, message, key);
    const b = nodeVerifier.verify(sig, message, key);
    expect(a).toEqual(b);
    expect(a.ok ? 'ok' : a.reason).toBe(want);
  });

  it('agree on many random signatures and their corruptions', () => {
    for (let i = 0; i < 30; i++) {
      const k = generatePrivateKey();
      const p = getPublicKey(k);
      const m = recordMessage({ type: 'access', i });
      const s = signDigest(m.digest, k);
      const bad = Uint8Array.from(s);
      bad[i % 64]! ^= 1 << (i % 8);
      for (const sig of [s, bad, flipS(s)]) {
        expect(nodeVerifier.verify(sig, m, p)).toEqual(nobleVerifier.verify(sig, m, p));
      }
    }
  });

  it('the plain OpenSSL verdict on a high-S signature is "valid", which is why the low-S pre-check exists', async () => {
    const { createPublicKey, verify } = await import('node:crypto');
    const { publicKeyToSpkiDer } = await import('./secp256k1');
    const key = createPublicKey({ key: Buffer.from(publicKeyToSpkiDer(parsePublicKey(pub))), format: 'der', type: 'spki' });
    expect(verify('sha256', message.bytes, { key, dsaEncoding: 'ieee-p1363' }, flipS(good))).toBe(true);
  });
});

describe('bulk envelope verification', () => {
  it('gives the same reports as the noble path', () => {
    const a = generateSigner();
    const b = generateSigner();
    const policy = { resolveKey: (id: string) => [a, b].find((s) => s.keyId === id)?.publicKey, requiredRoles: ['officer'] };
    const envs: unknown[] = [];
    for (let i = 0; i < 20; i++) {
      const env = signRecord({ type: 'access', item: `E-${i}` }, 'officer', i % 2 ? a : b);
      if (i % 5 === 1) env.record.item = 'tampered';
      if (i % 5 === 2) env.signatures[0]!.sig = toBase64(flipS(fromBase64(env.signatures[0]!.sig)));
      envs.push(env);
    }
    const fast = verifyEnvelopes(envs, policy);
    expect(fast).toEqual(envs.map((e) => verifyEnvelope(e, policy)));
    expect(fast.map((r) => r.ok)).toEqual(envs.map((_, i) => i % 5 !== 1 && i % 5 !== 2));
    expect(verifyEnvelopeFast(envs[0], policy).ok).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { bytesEqual, fromBase64, fromHex, toBase64, toHex } from './encoding';

describe('hex', () => {
  it('round-trips and is lowercase', () => {
    const b = Uint8Array.from([0, 1, 0xab, 0xff]);
    expect(toHex(b)).toBe('0001abff');
    expect(fromHex('0001abff')).toEqual(b);
  });
  it.each(['0', 'ABCD', 'zz', ' 00'])('rejects %j', (bad) => {
    expect(() => fromHex(bad, 'public key')).toThrow(/public key: expected lowercase hex/);
  });
});

describe('base64 (RFC 4648 §4, §10 test vectors)', () => {
  it.each([
    ['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foob', 'Zm9vYg=='], ['fooba', 'Zm9vYmE='], ['foobar', 'Zm9vYmFy'],
  ])('%j <-> %j', (plain, b64) => {
    const bytes = new TextEncoder().encode(plain);
    expect(toBase64(bytes)).toBe(b64);
    expect(fromBase64(b64)).toEqual(bytes);
    expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
  });
  it('agrees with Buffer on random bytes', () => {
    for (let n = 0; n < 70; n++) {
      const b = crypto.getRandomValues(new Uint8Array(n));
      expect(toBase64(b)).toBe(Buffer.from(b).toString('base64'));
      expect(fromBase64(toBase64(b))).toEqual(b);
    }
  });
  it.each(['Zg', 'Zg=', 'Zh==', 'Zm9=', 'Zm-v', 'Zm9v\n', 'Z===', '===='])('rejects non-canonical or invalid %j', (bad) => {
    expect(() => fromBase64(bad, 'sig')).toThrow(/^sig: /);
  });
});

describe('bytesEqual', () => {
  it('compares length and content', () => {
    expect(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
    expect(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
    expect(bytesEqual(Uint8Array.of(1), Uint8Array.of(1, 2))).toBe(false);
  });
});

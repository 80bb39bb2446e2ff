import { describe, expect, it } from 'vitest';
import { passphraseBits, passphraseStrength } from './passphrase';

describe('passphrase strength', () => {
  it('calls anything under 10 characters too short', () => {
    expect(passphraseStrength('Ab1!Ab1!x')).toBe(0);
  });
  it('rates common passwords and runs as weak', () => {
    expect(passphraseBits('password')).toBe(0);
    expect(passphraseStrength('aaaaaaaaaaaa')).toBe(1);
    expect(passphraseStrength('abcdefghijkl')).toBe(1);
  });
  it('rates several unrelated words as strong', () => {
    expect(passphraseStrength('harbour lantern violet 1987')).toBe(4);
  });
  it('grows with length', () => {
    expect(passphraseBits('correct horse')).toBeLessThan(passphraseBits('correct horse battery staple'));
  });
  it('counts Chinese characters as a large alphabet', () => {
    expect(passphraseStrength('海港灯笼紫罗兰一九八七年')).toBeGreaterThanOrEqual(3);
  });
});

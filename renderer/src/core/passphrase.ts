// Passphrase strength feedback for the first-run and keystore screens. The host enforces the hard rule (at least
// 10 characters); this estimates how hard the passphrase is to guess so the person can see it before submitting.
// The estimate is deliberately simple and conservative: character classes give the alphabet, repeats and
// sequences are discounted, and a few very common passwords score zero.

export type Strength = 0 | 1 | 2 | 3 | 4;

const COMMON = ['password', 'passw0rd', '123456', 'qwerty', 'letmein', 'admin', 'welcome', 'iloveyou', 'abc123', 'police', 'evidence'];

/** Estimated bits of entropy of a passphrase. */
export function passphraseBits(p: string): number {
  if (p.length === 0) return 0;
  const lower = p.toLowerCase();
  if (COMMON.some((c) => lower.includes(c) && lower.length <= c.length + 4)) return 0;
  let alphabet = 0;
  if (/[a-z]/.test(p)) alphabet += 26;
  if (/[A-Z]/.test(p)) alphabet += 26;
  if (/[0-9]/.test(p)) alphabet += 10;
  if (/[^A-Za-z0-9]/.test(p)) alphabet += 33;
  // Characters outside ASCII (e.g. Chinese) come from a very large alphabet.
  if ([...p].some((c) => c.charCodeAt(0) > 0x7f)) alphabet += 1000;
  // Count characters that are not a repeat or a +1/-1 step of the one before.
  let effective = 1;
  for (let i = 1; i < p.length; i++) {
    const d = p.charCodeAt(i) - p.charCodeAt(i - 1);
    effective += d === 0 || d === 1 || d === -1 ? 0.25 : 1;
  }
  return Math.round(effective * Math.log2(Math.max(alphabet, 2)));
}

/** 0 very weak … 4 strong. Below 10 characters is always 0 (the host refuses it). */
export function passphraseStrength(p: string): Strength {
  if (p.length < 10) return 0;
  const bits = passphraseBits(p);
  if (bits < 40) return 1;
  if (bits < 60) return 2;
  if (bits < 80) return 3;
  return 4;
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from './encoding';
import { CURVE_ORDER, HALF_ORDER, type VerifyOutcome, checkCompactSignature } from './secp256k1';

/** The range and low-S checks in BigInt arithmetic, as the byte comparisons must decide them. */
function reference(sig: Uint8Array): VerifyOutcome {
  const r = BigInt(`0x${toHex(sig.subarray(0, 32))}`);
  const s = BigInt(`0x${toHex(sig.subarray(32, 64))}`);
  if (r === 0n || r >= CURVE_ORDER) return { ok: false, reason: 'malformed', detail: 'r is not in [1, n-1]' };
  if (s === 0n || s >= CURVE_ORDER) return { ok: false, reason: 'malformed', detail: 's is not in [1, n-1]' };
  if (s > HALF_ORDER) return { ok: false, reason: 'high-s', detail: 's > n/2 (only low-S signatures are accepted)' };
  return { ok: true };
}

const to32 = (v: bigint) => fromHex(v.toString(16).padStart(64, '0'));
/** Scalars spread over [0, 2^256), and packed around 0, n/2 and n where the comparisons decide. */
const scalar = fc.oneof(
  fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
  fc.constantFrom(0n, HALF_ORDER, CURVE_ORDER).chain((c) => fc.bigInt({ min: -300n, max: 300n }).map((d) => c + d)).filter((v) => v >= 0n && v < 1n << 256n),
  // equal to n/2 or n in a prefix of bytes, then anything
  fc.tuple(fc.constantFrom(HALF_ORDER, CURVE_ORDER), fc.integer({ min: 1, max: 31 }), fc.bigInt({ min: 0n, max: (1n << 256n) - 1n })).map(([c, bytes, rest]) => {
    const keep = 256n - BigInt(bytes) * 8n;
    return ((c >> keep) << keep) | (rest & ((1n << keep) - 1n));
  }),
);

describe('checkCompactSignature on bytes', () => {
  it('decides r and s exactly as BigInt comparisons with 0, n/2 and n do', () => {
    fc.assert(
      fc.property(scalar, scalar, (r, s) => {
        const sig = new Uint8Array(64);
        sig.set(to32(r));
        sig.set(to32(s), 32);
        expect(checkCompactSignature(sig)).toEqual(reference(sig));
      }),
      { numRuns: 3000 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnchorError, type EvidenceAnchor, formatAnchor, parseAnchor } from './anchor';

const hex64 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));
// One printable line: ASCII (space included) and CJK ideographs, no white space at either end.
const printable = fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x4e00, max: 0x9fff })).map((c) => String.fromCharCode(c));
const oneLine = fc.string({ minLength: 1, maxLength: 40, unit: printable }).filter((s) => s === s.trim());
const anchor: fc.Arbitrary<EvidenceAnchor> = fc
  .record({
    origin: oneLine,
    caseId: oneLine,
    exhibitId: oneLine,
    index: fc.nat({ max: 1_000_000 }),
    extra: fc.integer({ min: 1, max: 1_000_000 }),
    leafHash: hex64,
    root: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('base64')),
    objects: fc.array(fc.record({ sha256: hex64, size: fc.maxSafeNat() }), { minLength: 1, maxLength: 4 }),
    receipt: oneLine.filter((s) => !/[/\\]/.test(s)),
    trust: fc.option(hex64, { nil: undefined }),
  })
  .map((r) => ({
    origin: r.origin,
    caseId: r.caseId,
    exhibitId: r.exhibitId,
    entry: { index: r.index, leafHash: r.leafHash },
    checkpoint: { size: r.index + r.extra, root: r.root },
    objects: r.objects,
    receipt: r.receipt,
    ...(r.trust !== undefined ? { trust: r.trust } : {}),
  }));

describe('anchor properties', () => {
  it('parse(format(a)) is a for every valid anchor', () => {
    fc.assert(fc.property(anchor, (a) => {
        expect(parseAnchor(formatAnchor(a))).toEqual(a);
      }), { numRuns: 300 });
  });

  it('a changed character either still formats to the same text or fails with AnchorError', () => {
    fc.assert(
      fc.property(anchor, fc.nat(), fc.constantFrom(' ', '\n', '0', 'x', '/', '\r', '\u0000', ''), (a, at, ch) => {
        const text = formatAnchor(a);
        const i = at % text.length;
        const changed = text.slice(0, i) + ch + text.slice(i + 1);
        try {
          expect(formatAnchor(parseAnchor(changed))).toBe(changed);
        } catch (err) {
          if (!(err instanceof AnchorError)) throw err;
        }
      }),
      { numRuns: 500 },
    );
  });
});

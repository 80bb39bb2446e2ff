// canonicalJson's one-pass fast path against its reference (assertJson + the `canonicalize` package): the same
// text for every value the reference accepts, and the reference's own error for every value it refuses.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson, canonicalJsonChecked } from './record-digest';

const outcome = (f: () => string): { text: string } | { error: string } => {
  try {
    return { text: f() };
  } catch (err) {
    return { error: `${(err as Error).name}: ${(err as Error).message}` };
  }
};

// Strings of any UTF-16 code units (lone surrogates included), numbers of every kind, holes, odd objects.
const odd = fc.oneof(
  fc.constant(undefined),
  fc.constant(Number.NaN),
  fc.constant(Infinity),
  fc.constant(-0),
  fc.bigInt(),
  fc.constant(Symbol('s')),
  fc.constant(new Date(0)),
  fc.constant([1, , 3]), // eslint-disable-line no-sparse-arrays
  fc.constant({ toJSON: () => 1 }),
  fc.constant(Object.create(null) as object),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    fc.string({ unit: 'binary' }),
    fc.string({ unit: 'grapheme' }),
    odd,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.string({ unit: 'binary', maxLength: 4 }), tie('v'), { maxKeys: 4 }),
  ),
})).v;

describe('canonicalJson fast path', () => {
  it('agrees with the reference on arbitrary values', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(outcome(() => canonicalJson(v))).toEqual(outcome(() => canonicalJsonChecked(v)));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees on JSON texts parsed back (what the ledger checks), and at the nesting limit', () => {
    fc.assert(fc.property(fc.json(), (t) => {
      const v: unknown = JSON.parse(t);
      expect(canonicalJson(v)).toBe(canonicalJsonChecked(v));
    }), { numRuns: 2000 });
    for (const depth of [63, 64, 65, 66]) {
      let v: unknown = 1;
      for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
      expect(outcome(() => canonicalJson(v))).toEqual(outcome(() => canonicalJsonChecked(v)));
    }
  });

  it('refuses a lone surrogate in a string or a key like the reference', () => {
    for (const v of [{ a: '\ud800' }, { '\udc00': 1 }, ['x\ud83d'], 'ok\ud83d\ude00']) {
      expect(outcome(() => canonicalJson(v))).toEqual(outcome(() => canonicalJsonChecked(v)));
    }
  });
});

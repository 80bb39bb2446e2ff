// canonicalJson's one-pass fast path against its reference (assertJson + the `canonicalize` package): the same
// text for every value the reference accepts, and the reference's own error for every value it refuses.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson, canonicalJsonChecked, isCanonicalJsonText } from './record-digest';

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

describe('isCanonicalJsonText', () => {
  const reference = (text: string, v: unknown) => outcome(() => String(canonicalJson(v) === text));
  const fast = (text: string, v: unknown) => outcome(() => String(isCanonicalJsonText(text, v)));

  it('decides JSON texts as canonicalJson(JSON.parse(text)) === text does: as written, canonical, and re-ordered', () => {
    // Keys that sort differently as UTF-16 than V8 orders them (integer-like keys first), escapes, surrogates.
    const key = fc.oneof(fc.string({ unit: 'binary', maxLength: 4 }), fc.constantFrom('0', '1', '10', '9', '01', '-1', 'a', 'B', '\u00e9', 'é', '\ud800', '😀'));
    const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null), fc.boolean(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.string({ unit: 'binary' }),
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(key, tie('v'), { maxKeys: 5 }),
      ),
    })).v;
    fc.assert(
      fc.property(fc.oneof(fc.json(), json.map((v) => JSON.stringify(v) ?? 'null'), json.map((v) => outcome(() => canonicalJson(v))).map((o) => ('text' in o ? o.text : 'null'))), (text) => {
        const v: unknown = JSON.parse(text);
        expect(fast(text, v)).toEqual(reference(text, v));
        // and for the text with its top-level keys reversed, or re-spaced
        if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
          const rev = JSON.stringify(Object.fromEntries(Object.entries(v).reverse()));
          expect(fast(rev, JSON.parse(rev))).toEqual(reference(rev, JSON.parse(rev)));
        }
        const spaced = JSON.stringify(v, null, 1);
        expect(fast(spaced, JSON.parse(spaced))).toEqual(reference(spaced, JSON.parse(spaced)));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees on arbitrary values, lone surrogates, escapes and the nesting limit', () => {
    fc.assert(
      fc.property(value, fc.string({ unit: 'binary' }), (v, other) => {
        const texts = [outcome(() => canonicalJson(v)), outcome(() => JSON.stringify(v) ?? '')].flatMap((o) => ('text' in o ? [o.text] : []));
        for (const t of [...texts, other]) expect(fast(t, v)).toEqual(reference(t, v));
      }),
      { numRuns: 3000 },
    );
    for (const text of ['{"a":"\\ud800"}', '{"a":"\\u00e9"}', '{"a":"\u00e9"}', '"\ud800"', '{"\udc00":1}', '{"b":1,"a":2}', '{"10":1,"9":2}', '{"9":2,"10":1}', '{"a":-0}', '{"a":1e21}', '{"a":1.0}', '[1,2]']) {
      const v: unknown = JSON.parse(text);
      expect([text, fast(text, v)]).toEqual([text, reference(text, v)]);
    }
    for (const depth of [63, 64, 65, 66]) {
      let v: unknown = 1;
      for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
      const text = JSON.stringify(v);
      expect(fast(text, v)).toEqual(reference(text, v));
    }
  });
});

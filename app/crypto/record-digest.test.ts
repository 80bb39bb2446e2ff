import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { RecordInputError } from './errors';
import { toHex } from './encoding';
import { DOMAIN_PREFIX, canonicalJson, domainTag, recordDigest, recordMessage, recordSignedBytes } from './record-digest';

const utf8 = (b: Uint8Array) => new TextDecoder().decode(b);

describe('RFC 8785 canonical JSON', () => {
  it('§3.2.2 example: whitespace, literals, numbers and string escaping', () => {
    const input = String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`;
    const want = String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`;
    expect(canonicalJson(JSON.parse(input))).toBe(want);
    // §3.2.4: the UTF-8 bytes of that canonical form.
    expect(Buffer.from(want, 'utf8').toString('hex')).toBe(
      '7b226c69746572616c73223a5b6e756c6c2c747275652c66616c73655d2c226e756d62657273223a5b3333333333333333332e33333333' +
        '3333332c31652b33302c342e352c302e3030322c31652d32375d2c22737472696e67223a22e282ac245c75303030665c6e4127425c225c' +
        '5c5c5c5c222f227d',
    );
  });

  it('§3.2.3 example: properties sorted by UTF-16 code units, not code points', () => {
    const input = String.raw`{
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }`;
    // (Object.keys would list "1" first: integer-like keys; so read the order off the text.)
    const text = canonicalJson(JSON.parse(input));
    const order = ['\\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'].map((k) => text.indexOf(`"${k}":`));
    expect(order.every((pos, i) => pos > 0 && (i === 0 || pos > order[i - 1]!))).toBe(true);
    expect(canonicalJson(JSON.parse(input))).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis",' +
        '"€":"Euro Sign","😀":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('sorts nested objects recursively and keeps array order', () => {
    expect(canonicalJson({ b: [3, { z: 1, a: 2 }], a: { d: null, c: 'x' } })).toBe('{"a":{"c":"x","d":null},"b":[3,{"a":2,"z":1}]}');
  });

  // Appendix B: IEEE 754 bit patterns and their ECMAScript serialisation.
  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'], // -0
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('Appendix B: %s -> %s', (bits, want) => {
    const view = new DataView(new ArrayBuffer(8));
    view.setBigUint64(0, BigInt('0x' + bits));
    expect(canonicalJson([view.getFloat64(0)])).toBe(`[${want}]`);
  });

  it('formats 1e21, 1e-7 and -0 as ECMAScript does', () => {
    expect(canonicalJson({ a: 1e21, b: 1e-7, c: -0, d: 1e20, e: 0.000001 })).toBe('{"a":1e+21,"b":1e-7,"c":0,"d":100000000000000000000,"e":0.000001}');
  });

  it('escapes exactly the characters §3.2.2.2 requires', () => {
    expect(canonicalJson(['\u0000\u0008\t\n\u000b\f\r\u001f "\\/\u007f\u2028é'])).toBe('["\\u0000\\b\\t\\n\\u000b\\f\\r\\u001f \\"\\\\/\u007f\u2028é"]');
  });

  it.each([
    ['NaN', { type: 't', n: NaN }, '$.n', /not finite/],
    ['Infinity', { type: 't', a: [1, -Infinity] }, '$.a[1]', /not finite/],
    ['undefined', { type: 't', u: undefined }, '$.u', /undefined is not a JSON value/],
    ['function', { type: 't', f: () => 1 }, '$.f', /function is not a JSON value/],
    ['bigint', { type: 't', big: 1n }, '$.big', /bigint/],
    ['Date', { type: 't', when: new Date(0) }, '$.when', /Date/],
    ['Map', { type: 't', m: new Map() }, '$.m', /Map/],
    ['lone surrogate', { type: 't', s: 'a\ud800' }, '$.s', /lone UTF-16 surrogate/],
    ['lone surrogate key', { type: 't', o: { '\udc00': 1 } }, '$.o["\\udc00"]', /lone/],
    // eslint-disable-next-line no-sparse-arrays -- the hole is the point of this case
    ['sparse array', { type: 't', a: [1, , 3] }, '$.a[1]', /sparse/],
    ['toJSON object', { type: 't', x: { toJSON: () => 1 } }, '$.x', /plain object|function/],
  ])('rejects %s with the path of the bad value', (_name, record, path, msg) => {
    let err: unknown;
    try {
      recordSignedBytes(record);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RecordInputError);
    expect((err as RecordInputError).code).toBe('E_RECORD_INPUT');
    expect((err as RecordInputError).path).toBe(path);
    expect((err as Error).message).toMatch(msg);
  });

  it('rejects cycles and excessive depth', () => {
    const a: Record<string, unknown> = { type: 't' };
    a.self = a;
    expect(() => recordSignedBytes(a)).toThrow(/\$\.self: circular reference/);
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = [deep];
    expect(() => recordSignedBytes({ type: 't', deep })).toThrow(/nested deeper than 64/);
  });
});

describe('record signed bytes', () => {
  it('is tag, one newline, then the canonical JSON', () => {
    const record = { type: 'custody.transfer', item: 'E-1', to: 'b', from: 'a', n: 1.5 };
    const bytes = recordSignedBytes(record);
    expect(utf8(bytes)).toBe('evidence-ledger/v1/custody.transfer\n{"from":"a","item":"E-1","n":1.5,"to":"b","type":"custody.transfer"}');
    expect(toHex(recordDigest(record))).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(recordMessage(record).digest).toEqual(recordDigest(record));
    expect(DOMAIN_PREFIX).toBe('evidence-ledger/v1/');
  });

  it('does not depend on key order or whitespace of the source', () => {
    const a = JSON.parse('{"type":"case.open","b":{"y":1,"x":[1,2]},"a":"é"}');
    const b = JSON.parse('{ "a" : "\\u00e9", "b": {"x":[1, 2.0], "y": 1e0}, "type": "case.open" }');
    expect(toHex(recordDigest(a))).toBe(toHex(recordDigest(b)));
  });

  it('separates domains: the same content under another type digests differently', () => {
    expect(toHex(recordDigest({ type: 'access', x: 1 }))).not.toBe(toHex(recordDigest({ type: 'disposition', x: 1 })));
  });

  it.each([
    ['not an object', 'text', '$', /expected a plain JSON object, got string/],
    ['array', [{ type: 'x' }], '$', /got an array/],
    ['null', null, '$', /got null/],
    ['missing type', { a: 1 }, '$.type', /expected a string naming the record type, got undefined/],
    ['numeric type', { type: 7 }, '$.type', /got number 7/],
    ['type with newline', { type: 'a\nb' }, '$.type', /record type matching/],
    ['type with slash', { type: 'a/b' }, '$.type', /record type matching/],
    ['empty type', { type: '' }, '$.type', /record type matching/],
  ])('rejects a record that is %s', (_name, record, path, msg) => {
    expect(() => recordSignedBytes(record)).toThrow(msg);
    try {
      recordSignedBytes(record);
    } catch (e) {
      expect((e as RecordInputError).path).toBe(path);
    }
  });

  it('domainTag validates the type', () => {
    expect(domainTag('member.enroll')).toBe('evidence-ledger/v1/member.enroll');
    expect(() => domainTag('x'.repeat(65))).toThrow(RecordInputError);
  });
});

// The witness policy text (Sigsum policy format with signed-note verifier keys): strict parsing that names the
// bad line, the quorum rule (groups of k, all, any, nested), and the genesis k-of-n form.
import { describe, expect, it } from 'vitest';
import { generateNoteKey } from '../ledger/note';
import { generateCosignerKey } from '../witness/cosignature';
import { PolicyError, describeQuorum, formatPolicyText, parsePolicyText, quorumMet } from './policy';

const log = generateNoteKey('ledger.example/main').vkey;
const w = [1, 2, 3, 4].map((i) => generateCosignerKey(`w${i}.example`).vkey);

describe('parsePolicyText', () => {
  it('reads logs, witnesses with URLs, comments, nested groups and the quorum', () => {
    const p = parsePolicyText(
      [
        '# agency policy',
        `log ${log} https://ledger.example/main`,
        `witness X1 ${w[0]}`,
        `witness X2 ${w[1]} https://w2.example   # second`,
        `witness Y1 ${w[2]}`,
        `witness Y2 ${w[3]}`,
        '',
        'group X 2 X1 X2',
        'group Y any Y1 Y2',
        'group XY all X Y',
        'quorum XY',
      ].join('\n'),
    );
    expect(p.logs.map((l) => [l.key.vkey, l.url])).toEqual([[log, 'https://ledger.example/main']]);
    expect(p.witnesses.map((x) => [x.name, x.key.vkey, x.url])).toEqual([['X1', w[0], undefined], ['X2', w[1], 'https://w2.example'], ['Y1', w[2], undefined], ['Y2', w[3], undefined]]);
    expect(describeQuorum(p.quorum)).toBe('2 of (2 of (X1, X2), 1 of (Y1, Y2))');
    expect(quorumMet(p.quorum, new Set(['X1', 'X2', 'Y2']))).toBe(true);
    expect(quorumMet(p.quorum, new Set(['X1', 'Y1', 'Y2']))).toBe(false);
    expect(quorumMet(p.quorum, new Set(['X1', 'X2']))).toBe(false);
  });

  it('accepts "quorum none" and a single witness as the quorum', () => {
    expect(quorumMet(parsePolicyText(`log ${log}\nquorum none\n`).quorum, new Set())).toBe(true);
    const one = parsePolicyText(`log ${log}\nwitness A ${w[0]}\nquorum A\n`);
    expect(quorumMet(one.quorum, new Set())).toBe(false);
    expect(quorumMet(one.quorum, new Set(['A']))).toBe(true);
  });

  it.each<[string, string, number, RegExp]>([
    ['an unknown keyword', `log ${log}\nwitnes A ${w[0]}\nquorum none`, 2, /unknown keyword "witnes"/],
    ['a name used before it is defined', `log ${log}\nquorum A\nwitness A ${w[0]}`, 2, /not defined on an earlier line/],
    ['a group member not defined', `log ${log}\nwitness A ${w[0]}\ngroup G 1 A B\nquorum G`, 3, /"B" is not defined/],
    ['a threshold above the members', `log ${log}\nwitness A ${w[0]}\ngroup G 2 A\nquorum G`, 3, /threshold 2 is more than its 1 members/],
    ['a threshold of zero', `log ${log}\nwitness A ${w[0]}\ngroup G 0 A\nquorum G`, 3, /threshold "0"/],
    ['a second quorum line', `log ${log}\nquorum none\nquorum none`, 3, /second quorum line \(the first is line 2\)/],
    ['a name defined twice', `log ${log}\nwitness A ${w[0]}\nwitness A ${w[1]}\nquorum none`, 3, /"A" is already defined/],
    ['the same key twice', `log ${log}\nwitness A ${w[0]}\nwitness B ${w[0]}\nquorum none`, 3, /already listed on line 2/],
    ['a log key as a witness', `log ${log}\nwitness A ${log}\nquorum none`, 2, /expected 0x04/],
    ['a witness key as the log', `log ${w[0]}\nquorum none`, 1, /expected 0x01/],
    ['a malformed key', `log ${log}\nwitness A nope\nquorum none`, 2, /witness A key "nope"/],
    ['a URL without a scheme', `log ${log} ledger.example\nquorum none`, 1, /must start with http/],
    ['too many arguments', `log ${log} https://a https://b\nquorum none`, 1, /takes a key and an optional URL/],
    ['"none" redefined', `log ${log}\nwitness none ${w[0]}\nquorum none`, 2, /"none" is predefined/],
    ['a control character', `log ${log}\nquorum\u0007 none`, 2, /control characters/],
  ])('refuses %s, naming the line', (_, text, line, message) => {
    let err: unknown;
    try {
      parsePolicyText(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PolicyError);
    expect((err as PolicyError).line).toBe(line);
    expect((err as PolicyError).message).toMatch(new RegExp(`^policy line ${line}: `));
    expect((err as PolicyError).message).toMatch(message);
  });

  it('refuses text without a quorum line', () => {
    expect(() => parsePolicyText(`log ${log}\n`)).toThrow(/no quorum line/);
  });
});

describe('formatPolicyText', () => {
  it('writes a genesis k-of-n policy that parses back to the same keys and rule', () => {
    const witnesses = w.slice(0, 3).map((vkey) => ({ name: vkey.split('+')[0]!, vkey }));
    const p = parsePolicyText(formatPolicyText(log, { quorum: 2, witnesses }));
    expect(p.logs[0]!.key.vkey).toBe(log);
    expect(p.witnesses.map((x) => x.key.vkey)).toEqual(w.slice(0, 3));
    expect(describeQuorum(p.quorum)).toBe('2 of (w1.example, w2.example, w3.example)');
    expect(formatPolicyText(log, { quorum: 0, witnesses: [] })).toBe(`log ${log}\nquorum none\n`);
  });
});

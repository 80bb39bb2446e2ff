import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReportData, loadLedgerFolder, type ReportData, type VerifiedLedger } from '../report/model';
import { proofReceipt } from '../report/receipts';
import { compactAnchor, receiptFileNameFor } from '../report/render';
import { buildCaseLedger } from '../testing/case-ledger';
import { ANCHOR_HEADER, AnchorError, type EvidenceAnchor, compareAnchor, formatAnchor, looksLikeAnchor, parseAnchor } from './anchor';

let dir: string;
let data: ReportData;
let ledger: VerifiedLedger;
const content = (i: number): Uint8Array => new TextEncoder().encode(`exhibit ${i} bytes `.repeat(100 * i));
const fileOf = (i: number) => {
  const b = content(i);
  return { sha256: createHash('sha256').update(b).digest('hex'), size: b.length };
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'proof-anchor-'));
  const b = await buildCaseLedger({ dir, exhibits: 2, content });
  ledger = await loadLedgerFolder(dir);
  data = buildReportData(ledger, b.caseId);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const anchorOf = (i: number): string => {
  const ex = data.exhibits[i]!;
  return compactAnchor(data, ex, receiptFileNameFor(ex.exhibitId));
};
const receiptOf = async (i: number): Promise<unknown> => JSON.parse(await proofReceipt(ledger, data.exhibits[i]!.deposition.index));

describe('parseAnchor', () => {
  it("reads back every field of the report's compact anchor, and formats to the same text", () => {
    const ex = data.exhibits[0]!;
    const text = anchorOf(0);
    const a = parseAnchor(text);
    expect(a).toEqual({
      origin: data.ledger.origin,
      caseId: data.case.caseId,
      exhibitId: ex.exhibitId,
      entry: { index: ex.deposition.index, leafHash: ex.deposition.leafHash },
      checkpoint: { size: data.checkpoint.size, root: data.checkpoint.rootBase64 },
      objects: [{ sha256: fileOf(1).sha256, size: fileOf(1).size }],
      receipt: `${ex.exhibitId}.evidence-receipt.json`,
      trust: data.ledger.trust.fingerprint,
    });
    expect(formatAnchor(a)).toBe(text);
    expect(looksLikeAnchor(text)).toBe(true);
    expect(looksLikeAnchor('{"format":"evidence-receipt"}')).toBe(false);
  });

  it('keeps several objects in order', () => {
    const a: EvidenceAnchor = { ...parseAnchor(anchorOf(0)), objects: [{ sha256: 'a'.repeat(64), size: 0 }, { sha256: 'b'.repeat(64), size: 9_007_199_254_740_991 }] };
    expect(parseAnchor(formatAnchor(a))).toEqual(a);
  });

  // Each row: a change to the valid anchor, and the line the error must name.
  const H = 'f'.repeat(64);
  const cases: Array<[string, (lines: string[]) => string[], number, RegExp]> = [
    ['another header', (l) => ['EVIDENCE-ANCHOR/2', ...l.slice(1)], 1, /expected EVIDENCE-ANCHOR\/1/],
    ['no origin line', (l) => [l[0]!, ...l.slice(2)], 2, /expected "origin …"/],
    ['an empty origin', (l) => [l[0]!, 'origin ', ...l.slice(2)], 2, /origin is empty/],
    ['a padded case id', (l) => [...l.slice(0, 2), `case  ${l[2]!.slice(5)}`, ...l.slice(3)], 3, /leading or trailing white space/],
    ['a control character in the exhibit id', (l) => [...l.slice(0, 3), 'exhibit EX\u0007', ...l.slice(4)], 4, /control character/],
    ['an index with a leading zero', (l) => [...l.slice(0, 4), `entry 01 ${H}`, ...l.slice(5)], 5, /leading zeroes/],
    ['an upper-case leaf hash', (l) => [...l.slice(0, 4), `entry 1 ${H.toUpperCase()}`, ...l.slice(5)], 5, /64 lowercase hex/],
    ['three entry fields', (l) => [...l.slice(0, 4), `entry 1 ${H} 2`, ...l.slice(5)], 5, /2 values separated by single spaces/],
    ['a root that is not base64', (l) => [...l.slice(0, 5), 'checkpoint 9 not*base64', ...l.slice(6)], 6, /not base64/],
    ['a 31-byte root', (l) => [...l.slice(0, 5), `checkpoint 9 ${Buffer.alloc(31).toString('base64')}`, ...l.slice(6)], 6, /31 bytes, expected 32/],
    ['a tree that does not cover the entry', (l) => [...l.slice(0, 5), `checkpoint ${data.exhibits[0]!.deposition.index} ${data.checkpoint.rootBase64}`, ...l.slice(6)], 6, /does not cover entry/],
    ['no sha256 line', (l) => [...l.slice(0, 6), ...l.slice(7)], 7, /expected "sha256 …", found "receipt/],
    ['a negative size', (l) => [...l.slice(0, 6), `sha256 ${H} -1`, ...l.slice(7)], 7, /object size "-1"/],
    ['a receipt in a folder', (l) => [...l.slice(0, 7), 'receipt ../x.evidence-receipt.json'], 8, /plain file name/],
    ['no receipt line', (l) => l.slice(0, 7), 8, /missing: expected "receipt …"/],
    ['a line after the receipt', (l) => [...l.slice(0, 8), 'extra 1'], 9, /unexpected text after the receipt line/],
    ['a trust fingerprint that is not 64 hex', (l) => [...l.slice(0, 8), 'trust abc'], 9, /trust fingerprint "abc" is not 64 lowercase hex/],
    ['a line after the trust line', (l) => [...l, 'x'], 10, /unexpected text after the trust line/],
    ['a trailing newline', (l) => [...l.slice(0, 8), ''], 9, /unexpected text after the receipt line/],
  ];
  it.each(cases)('rejects %s, naming the line', (_what, change, line, message) => {
    const bad = change(anchorOf(0).split('\n')).join('\n');
    let err: unknown;
    try {
      parseAnchor(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AnchorError);
    expect((err as AnchorError).code).toBe('ANCHOR_MALFORMED');
    expect((err as AnchorError).line).toBe(line);
    expect((err as AnchorError).message).toMatch(new RegExp(`^anchor line ${line}: `));
    expect((err as AnchorError).message).toMatch(message);
  });

  it('rejects carriage returns as a whole', () => {
    expect(() => parseAnchor(anchorOf(0).replaceAll('\n', '\r\n'))).toThrow(/anchor: lines must end in "\\n" alone/);
  });

  it('refuses to format a field that cannot be one line', () => {
    const a = parseAnchor(anchorOf(0));
    expect(() => formatAnchor({ ...a, caseId: 'CASE\nreceipt evil' })).toThrow(/anchor line 3: case .* line break/);
    expect(() => formatAnchor({ ...a, objects: [] })).toThrow(/anchor line 7: no sha256 line/);
  });

  it('starts with the header', () => {
    expect(anchorOf(1).split('\n')[0]).toBe(ANCHOR_HEADER);
  });
});

describe('compareAnchor', () => {
  it('passes when the file, the receipt and the anchor name the same entry, checkpoint and bytes', async () => {
    const checks = compareAnchor(parseAnchor(anchorOf(0)), { file: fileOf(1), receipt: await receiptOf(0) });
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['anchor-file', 'pass'],
      ['anchor-entry', 'pass'],
      ['anchor-checkpoint', 'pass'],
    ]);
  });

  it('skips what was not given, and names the receipt the anchor asks for', () => {
    const checks = compareAnchor(parseAnchor(anchorOf(0)), {});
    expect(checks.map((c) => c.status)).toEqual(['skip', 'skip', 'skip']);
    expect(checks[1]!.detail).toContain(`${data.exhibits[0]!.exhibitId}.evidence-receipt.json`);
  });

  it('fails the file check for another file, or the same hash with another size', () => {
    const a = parseAnchor(anchorOf(0));
    const other = compareAnchor(a, { file: fileOf(2) })[0]!;
    expect(other.status).toBe('fail');
    expect(other.detail).toContain(`the file's sha256 ${fileOf(2).sha256} is not the one the report names: ${fileOf(1).sha256}`);
    const size = compareAnchor(a, { file: { ...fileOf(1), size: 5 } })[0]!;
    expect(size.detail).toMatch(/the file is 5 bytes, the report names \d+/);
  });

  it("fails the entry check when the receipt is another exhibit's", async () => {
    const checks = compareAnchor(parseAnchor(anchorOf(0)), { receipt: await receiptOf(1) });
    const entry = checks.find((c) => c.id === 'anchor-entry')!;
    expect(entry.status).toBe('fail');
    expect(entry.detail).toContain(`the receipt is for entry ${data.exhibits[1]!.deposition.index}, the report names entry ${data.exhibits[0]!.deposition.index}`);
    expect(entry.detail).toContain(`the receipt's deposition is exhibit ${data.exhibits[1]!.exhibitId}, the report names ${data.exhibits[0]!.exhibitId}`);
    expect(checks.find((c) => c.id === 'anchor-checkpoint')!.status).toBe('pass');
  });

  it('fails the checkpoint check when the report names another checkpoint than the receipt', async () => {
    const a = parseAnchor(anchorOf(0));
    const later = { ...a, checkpoint: { size: a.checkpoint.size + 3, root: Buffer.alloc(32, 7).toString('base64') } };
    const cp = compareAnchor(later, { receipt: await receiptOf(0) }).find((c) => c.id === 'anchor-checkpoint')!;
    expect(cp.status).toBe('fail');
    expect(cp.detail).toContain(`the receipt's checkpoint has size ${a.checkpoint.size}, the report names ${a.checkpoint.size + 3}`);
    expect(cp.detail).toContain('does not check consistency between checkpoints');
    const sameSize = { ...a, checkpoint: { size: a.checkpoint.size, root: Buffer.alloc(32, 7).toString('base64') } };
    const root = compareAnchor(sameSize, { receipt: await receiptOf(0) }).find((c) => c.id === 'anchor-checkpoint')!;
    expect(root.detail).toBe(`the receipt's checkpoint root is ${a.checkpoint.root}, the report names ${sameSize.checkpoint.root}`);
  });

  it('fails both receipt checks for an unreadable receipt', () => {
    const checks = compareAnchor(parseAnchor(anchorOf(0)), { receipt: { origin: 'x' } });
    expect(checks.slice(1).map((c) => [c.status, c.detail])).toEqual([
      ['fail', 'the receipt cannot be read: the receipt has no origin, entry and proof strings'],
      ['fail', 'the receipt cannot be read: the receipt has no origin, entry and proof strings'],
    ]);
  });
});

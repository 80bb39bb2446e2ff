// The printed report, read back with independent tools. Fonts (pdffonts): every glyph comes from the embedded
// Noto Sans SC, none from whatever fonts this machine happens to have. The QR code per exhibit, read back the way
// a court's clerk would: the report is printed to PDF by Chromium, rasterised by pdftoppm and scanned by an
// independent decoder (zbarimg, ZBar). What it yields must be the
// exhibit's compact anchor (a receipt is too large for a QR code), naming the same entry, checkpoint and SHA-256
// as the report and the receipt file beside the PDF, which verifies the evidence file.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareAnchor, parseAnchor } from '../proof/anchor';
import { verifyReceipt } from '../proof/receipt';
import { parseTrustBundle } from '../trust/bundle';
import { exportReport, type ExportResult } from './export';
import { launchChromiumPrinter } from './pdf';
import { proofReceipt } from './receipts';
import { compactAnchor, receiptFileNameFor } from './render';
import { buildCaseLedger } from '../testing/case-ledger';

/** Every QR code zbarimg finds in a PNG, as the bytes it carries (XML output: one <data> per symbol, as text or base64). */
function scanQr(png: string): Buffer[] {
  let xml: string;
  try {
    xml = execFileSync('zbarimg', ['--xml', '-q', '-Sdisable', '-Sqrcode.enable', png], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (err) {
    // zbarimg exits 4 when an image holds no symbol at all.
    if ((err as { status?: number }).status === 4) return [];
    throw err;
  }
  return [...xml.matchAll(/<data( format='base64')?[^>]*><!\[CDATA\[([^\]]*)\]\]><\/data>/g)].map((m) => (m[1] ? Buffer.from(m[2]!.trim(), 'base64') : Buffer.from(m[2]!, 'utf8')));
}

const contents = (i: number): Uint8Array => new TextEncoder().encode(`exhibit ${i} bytes\n`.repeat(40 * i));
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

let dir: string;
let result: ExportResult;
let caseLedger: Awaited<ReturnType<typeof buildCaseLedger>>;
let scanned: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'report-qr-'));
  caseLedger = await buildCaseLedger({ dir: join(dir, 'ledger'), exhibits: 2, transfers: 1, checks: 1, mismatch: (i) => i === 2, accesses: 0, content: contents, description: (i) => `Exhibit ${i} 证物` });
  const printer = await launchChromiumPrinter();
  try {
    result = await exportReport({ dataDir: join(dir, 'ledger'), caseId: caseLedger.caseId, out: join(dir, 'out', 'report.pdf'), lang: 'both', printer: printer.print, receipts: proofReceipt });
  } finally {
    await printer.close();
  }
  execFileSync('pdftoppm', ['-r', '200', '-gray', '-png', result.pdf, join(dir, 'page')]);
  const pages = (await readdir(dir)).filter((f) => f.startsWith('page') && f.endsWith('.png')).sort();
  scanned = pages.flatMap((p) => scanQr(join(dir, p))).map((b) => b.toString('utf8'));
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the printed report', () => {
  it('draws every glyph, status marks included, with the embedded font alone', () => {
    const text = execFileSync('pdftotext', [result.pdf, '-'], { encoding: 'utf8' });
    expect(text).toContain('× 不一致 MISMATCH');
    expect(text).toContain('✓ 一致 MATCH');
    const fonts = execFileSync('pdffonts', [result.pdf], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
    expect(fonts.length).toBeGreaterThan(0);
    expect(fonts.filter((f) => !/^[A-Z]{6}\+NotoSansSC/.test(f))).toEqual([]);
  });
});

describe('exhibit QR codes in the printed report', () => {
  it('are found by an independent scanner, one per exhibit', () => {
    expect(result.data.exhibits).toHaveLength(2);
    expect(scanned).toHaveLength(2);
  });

  it('carry each exhibit’s anchor, which names the receipt beside the PDF that verifies the file', async () => {
    for (const [n, ex] of result.data.exhibits.entries()) {
      const file = contents(n + 1);
      const payload = scanned.find((s) => s.includes(`exhibit ${ex.exhibitId}\n`));
      expect(payload, `no QR names exhibit ${ex.exhibitId}`).toBeDefined();
      // A receipt (~11 KB) exceeds what a QR code holds (2,331 bytes at level M), so the anchor is printed —
      // byte for byte what the report meant, naming the same entry, checkpoint and SHA-256.
      const receiptPath = result.receipts.find((p) => p.endsWith(receiptFileNameFor(ex.exhibitId)))!;
      const receiptText = await readFile(receiptPath, 'utf8');
      expect(receiptText.length).toBeGreaterThan(2331);
      expect(payload).toBe(compactAnchor(result.data, ex, receiptFileNameFor(ex.exhibitId)));
      expect(payload).toContain(`entry ${ex.deposition.index} ${ex.deposition.leafHash}`);
      expect(payload).toContain(`sha256 ${sha256(file)} ${file.length}`);
      expect(payload).toContain(`checkpoint ${result.data.checkpoint.size} ${result.data.checkpoint.rootBase64}`);
      // The receipt the anchor names verifies the file, for the entry the anchor names.
      const named = /^receipt (.+)$/m.exec(payload!)![1]!;
      expect(join(dirname(result.pdf), named)).toBe(receiptPath);
      // The offline verifier's parser reads the scanned text, and finds it agrees with this file and receipt.
      const receipt: unknown = JSON.parse(receiptText);
      const checks = compareAnchor(parseAnchor(payload!), { file: { sha256: sha256(file), size: file.length }, receipt });
      expect(checks.map((c) => [c.id, c.status])).toEqual([['anchor-file', 'pass'], ['anchor-entry', 'pass'], ['anchor-checkpoint', 'pass']]);
      const report = verifyReceipt(receipt, { bundle: parseTrustBundle(await readFile(join(dir, 'ledger', 'trust.bundle'))) }, { file: { sha256: sha256(file), size: file.length } });
      expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.entry?.index).toBe(ex.deposition.index);
    }
  });
});

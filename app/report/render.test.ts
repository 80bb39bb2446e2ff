import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReportData, loadLedgerFolder, type ReportData } from './model';
import * as QRCode from 'qrcode/lib/core/qrcode.js';
import { compactAnchor, cssString, displayTime, exhibitQr, qrSvg, renderReport, sizeText } from './render';
import { buildCaseLedger } from '../testing/case-ledger';

const XSS = '<img src=x onerror=alert(1)>';
let dir: string;
let data: ReportData;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'report-render-'));
  const b = await buildCaseLedger({ dir, exhibits: 2, description: (i) => (i === 1 ? XSS : `Item ${i} 手机`) });
  data = buildReportData(await loadLedgerFolder(dir), b.caseId);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('renderReport', () => {
  it('prints record text as text: markup in a description runs nothing', async () => {
    const r = await renderReport(data, { lang: 'en', generatedAt: new Date('2026-11-27T10:00:00Z') });
    expect(r.html).toContain('&lt;img src&#61;x onerror&#61;alert(1)&gt;');
    expect(r.html).not.toContain(XSS);
    expect(r.html).not.toMatch(/<script/i);
    expect(r.html).not.toMatch(/\son[a-z]+=/i);
    expect(r.html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:`);
  });

  it('carries every exhibit SHA-256, the case number and the footer hash and time', async () => {
    const r = await renderReport(data, { lang: 'both', generatedAt: new Date('2026-11-27T10:00:00Z') });
    expect(r.html).toContain(data.case.caseId);
    for (const ex of data.exhibits) for (const o of ex.objects) expect(r.html).toContain(o.sha256);
    // Footer and header are CSS page-margin boxes: page x of y, the report hash and the generation time.
    const margins = /@page\{@top-left.*?\}\}/.exec(r.html)?.[0] ?? '';
    expect(margins).toContain(r.hash);
    expect(margins).toContain('2026-11-27 10:00:00 UTC');
    expect(margins).toMatch(/counter\(page\).*counter\(pages\)/);
    expect(margins).toContain(data.case.caseId);
  });

  it('embeds only the font subsets the page uses', async () => {
    const en = await renderReport(data, { lang: 'en', generatedAt: new Date() });
    const zh = await renderReport(data, { lang: 'zh-CN', generatedAt: new Date() });
    const faces = (h: string) => (h.match(/@font-face/g) ?? []).length;
    expect(faces(en.html)).toBeGreaterThan(0);
    expect(faces(zh.html)).toBeGreaterThan(faces(en.html));
    expect(faces(zh.html)).toBeLessThan(101 * 2);
    expect(en.html).not.toContain('<!--embedded-font-faces-->');
  });

  it('puts a QR code per exhibit; the compact anchor names the entry, checkpoint and receipt file', async () => {
    const r = await renderReport(data, { lang: 'en', generatedAt: new Date() });
    expect((r.html.match(/<svg/g) ?? []).length).toBe(data.exhibits.length);
    const ex = data.exhibits[0]!;
    const text = compactAnchor(data, ex, 'x.evidence-receipt.json');
    expect(text).toContain(`entry ${ex.deposition.index} ${ex.deposition.leafHash}`);
    expect(text).toContain(`checkpoint ${data.checkpoint.size} ${data.checkpoint.rootBase64}`);
    expect(text).toContain(`sha256 ${ex.objects[0]!.sha256}`);
  });

  it('quotes margin-box text as CSS strings that cannot end the string or the style sheet', () => {
    expect(cssString('CASE-1 · 报告')).toBe('"CASE-1 \\b7  \\62a5 \\544a "');
    const hostile = cssString('"}</style><script>alert(1)</script>');
    expect(hostile.slice(1, -1)).not.toMatch(/["<>{}]/);
  });

  it('carries the whole receipt when it fits a QR code, else the compact anchor', async () => {
    const ex = data.exhibits[0]!;
    expect((await exhibitQr(data, ex, '{"small":"receipt"}', 'r.json')).full).toBe(true);
    const big = await exhibitQr(data, ex, 'x'.repeat(5000), 'r.json');
    expect(big.full).toBe(false);
    expect(big.svg.html).toMatch(/^<svg [^>]*viewBox="0 0 \d+ \d+"/);
  });

  it('formats times and sizes for print', () => {
    expect(displayTime('2026-11-27T08:33:00.000Z')).toBe('2026-11-27 08:33:00 UTC');
    expect(displayTime('not a time')).toBe('not a time');
    expect(sizeText(512, 'en')).toBe('512 bytes');
    expect(sizeText(1_007_919, 'en')).toBe('1,007,919 bytes (984.3 KiB)');
    expect(sizeText(2048, 'zh-CN')).toBe('2,048 字节 (2.0 KiB)');
  });

  it('draws exactly the dark modules of the QR code, with the 4-module quiet zone', () => {
    for (const text of ['EVIDENCE-ANCHOR/1\nentry 1', 'x'.repeat(900)]) {
      const { size, data: modules } = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
      const svg = qrSvg(text).html;
      const drawn = new Set<string>();
      for (const m of svg.matchAll(/M(\d+) (\d+)h(\d+)v1h-(\d+)z/g)) {
        const [x, y, run, back] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
        expect(back).toBe(run);
        for (let i = 0; i < run; i++) drawn.add(`${x - 4 + i},${y - 4}`);
      }
      const dark = new Set<string>();
      for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) if (modules[y * size + x]) dark.add(`${x},${y}`);
      expect(drawn).toEqual(dark);
      expect(svg).toContain(`viewBox="0 0 ${size + 8} ${size + 8}"`);
    }
  });
});

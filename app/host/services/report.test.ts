// report.print through the host's contract, as the UI calls it: a real standalone deposition, then the report
// printed by headless Chromium (the printer the web host injects) from the standalone ledger folder.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { WorkstationHost } from '../host';
import type { HostLogger } from '../dispatch';
import type { DepositionProgress, Envelope, ReportPrinted, ReportSystemPrint } from '../../contract/api';
import { launchChromiumPrinter } from '../../report/pdf';

const log: HostLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
let dir: string;
let host: WorkstationHost;
const ok = <T>(e: Envelope<T>): T => {
  if (!e.ok) throw new Error(`${e.error.code}: ${e.error.message}`);
  return e.value;
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'report-svc-'));
  host = await WorkstationHost.open({ dataDir: join(dir, 'data'), shell: 'web', log, scrypt: { N: 1024, r: 8, p: 1 }, printer: () => launchChromiumPrinter() });
});
afterEach(async () => {
  await host.close();
  await rm(dir, { recursive: true, force: true });
});

describe('report.print', () => {
  it('refuses before standalone mode is chosen, in words', async () => {
    const r = await host.call('report.print', { caseId: 'CASE-1', lang: 'en' });
    expect(r.ok ? '' : r.error.code).toBe('REPORT_NOT_AVAILABLE');
    const bad = await host.call('report.print', { caseId: 'CASE-1', lang: 'fr' });
    expect(bad.ok ? '' : bad.error.code).toBe('INVALID_ARGUMENT');
  });

  it('prints a deposited case from the standalone ledger, with its JSON beside the PDF', async () => {
    ok(await host.call('settings.update', { mode: 'standalone' }));
    ok(await host.call('identity.create', { name: 'Li Wei 李伟', badge: 'PB-1', role: 'investigator', passphrase: 'first officer pass' }));
    ok(await host.call('cases.open', { caseId: 'CASE-1', title: '诈骗案 Fraud', agency: 'Metro', description: '<b>not bold</b>' }));
    const file = join(dir, 'photo.jpg');
    const bytes = Buffer.from('evidence bytes '.repeat(500));
    await writeFile(file, bytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const done = new Promise<void>((resolve) =>
      host.onEvent((event, payload) => {
        const p = payload as DepositionProgress;
        if (event === 'onDepositionProgress' && (p.step === 'witnessed' || p.step === 'failed')) resolve();
      }),
    );
    ok(await host.call('deposit.start', { caseId: 'CASE-1', passphrase: 'first officer pass', items: [{ exhibitId: 'EX-1', path: file, name: 'photo.jpg', size: bytes.length, sha256, metadata: { description: 'photo of the ledger book' } }] }));
    await done;

    const r = ok(await host.call('report.print', { caseId: 'CASE-1', lang: 'both' })) as ReportPrinted;
    // Always a new folder under the data folder's reports/: the UI cannot choose where the host writes.
    expect(dirname(dirname(r.pdf))).toBe(join(dir, 'data', 'reports'));
    expect(basename(dirname(r.pdf))).toMatch(/^CASE-1-\d{4}-/);
    expect(basename(r.pdf)).toBe('report.pdf');
    const outside = await host.call('report.print', { caseId: 'CASE-1', lang: 'en', folder: join(dir, 'out') } as never);
    expect(outside.ok ? '' : outside.error.code).toBe('INVALID_ARGUMENT');
    expect(r.pages).toBeGreaterThan(0);
    expect(createHash('sha256').update(await readFile(r.json)).digest('hex')).toBe(r.sha256);
    const text = execFileSync('pdftotext', [r.pdf, '-'], { encoding: 'utf8' });
    expect(text).toContain('CASE-1');
    expect(text).toContain(sha256);
    expect(text).toContain('<b>not bold</b>');
    expect((await host.call('report.print', { caseId: 'CASE-404', lang: 'en' })).ok).toBe(false);

    // On paper: the web host hands out an address of that exact PDF.
    const paper = ok(await host.call('report.systemPrint', { pdf: r.pdf })) as ReportSystemPrint;
    expect(paper.via).toBe('browser');
    const id = paper.via === 'browser' ? /^\/documents\/([0-9a-f]{32})\/report\.pdf$/.exec(paper.url)?.[1] : undefined;
    expect(host.report.document(id!)).toBe(r.pdf);
    // A PDF replaced by something else since it was printed is refused, in words.
    await writeFile(r.pdf, '<html>not a pdf</html>');
    const gone = await host.call('report.systemPrint', { pdf: r.pdf });
    expect(gone.ok ? '' : gone.error.code).toBe('REPORT_PDF_MISSING');
  });
});

describe('report.systemPrint', () => {
  it('prints only a report PDF this workstation printed, through the desktop dialog when there is one', async () => {
    const shown: string[] = [];
    const desk = await WorkstationHost.open({ dataDir: join(dir, 'desk'), shell: 'electron', log, printDialog: async (pdf) => (shown.push(pdf), shown.length === 1 ? 'printed' : 'cancelled') });
    try {
      const pdf = join(dir, 'desk', 'reports', 'CASE-1-2026', 'report.pdf');
      await mkdir(join(pdf, '..'), { recursive: true });
      await writeFile(pdf, '%PDF-1.7\n%%EOF\n');
      expect(ok(await desk.call('report.systemPrint', { pdf }))).toEqual({ via: 'dialog', outcome: 'printed' });
      expect(ok(await desk.call('report.systemPrint', { pdf }))).toEqual({ via: 'dialog', outcome: 'cancelled' });
      expect(shown).toEqual([pdf, pdf]);
      // Not a report: another PDF elsewhere, a file of the data folder, a relative path.
      for (const other of [join(dir, 'elsewhere.pdf'), join(dir, 'desk', 'settings.json'), join(dir, 'desk', 'reports', 'report.pdf')]) {
        await writeFile(other, '%PDF-1.7\n');
        const r = await desk.call('report.systemPrint', { pdf: other });
        expect(r.ok ? '' : r.error.code).toBe('REPORT_UNKNOWN_PDF');
      }
      const rel = await desk.call('report.systemPrint', { pdf: 'reports/x/report.pdf' });
      expect(rel.ok ? '' : rel.error.code).toBe('INVALID_ARGUMENT');
      const missing = await desk.call('report.systemPrint', { pdf: join(dir, 'desk', 'reports', 'CASE-2', 'report.pdf') });
      expect(missing.ok ? '' : missing.error.code).toBe('REPORT_PDF_MISSING');
      expect(shown).toHaveLength(2);
    } finally {
      await desk.close();
    }
  });
});

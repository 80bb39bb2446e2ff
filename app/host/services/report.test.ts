// report.print through the host's contract, as the UI calls it: a real standalone deposition, then the report
// printed by headless Chromium (the printer the web host injects) from the standalone ledger folder.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkstationHost } from '../host';
import type { HostLogger } from '../dispatch';
import type { DepositionProgress, Envelope, ReportPrinted } from '../../contract/api';
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

    const out = join(dir, 'out');
    const r = ok(await host.call('report.print', { caseId: 'CASE-1', lang: 'both', folder: out })) as ReportPrinted;
    expect(r.pdf).toBe(join(out, 'report.pdf'));
    expect(r.pages).toBeGreaterThan(0);
    expect(createHash('sha256').update(await readFile(r.json)).digest('hex')).toBe(r.sha256);
    const text = execFileSync('pdftotext', [r.pdf, '-'], { encoding: 'utf8' });
    expect(text).toContain('CASE-1');
    expect(text).toContain(sha256);
    expect(text).toContain('<b>not bold</b>');
    expect((await host.call('report.print', { caseId: 'CASE-404', lang: 'en' })).ok).toBe(false);
  });
});

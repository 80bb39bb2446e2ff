// The host in its own process, as main.ts runs it: electron/host-process.ts in a Node child process that has
// Electron's `process.parentPort` (the stand-in of app/testing/utility-process.ts; Electron's runtime cannot start
// here), driven through HostClient, main's end of the protocol. The host behind it is the real one.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DepositionProgress, Envelope, ReportPrinted } from '../app/contract/api';
import type { HostLogger } from '../app/host/dispatch';
import { launchChromiumPrinter } from '../app/report/pdf';
import { forkUtility, type UtilityStandIn } from '../app/testing/utility-process';
import { HostClient, type HostStart, type MainServices } from './host-protocol';
import { PaperPrintError } from './printer';

const ENTRY = fileURLToPath(new URL('./host-process.ts', import.meta.url));
const CHEAP = { N: 1024, r: 8, p: 1 };

let dir: string;
let lines: string[];
const children: UtilityStandIn[] = [];
const log: HostLogger = {
  info: (m) => lines.push(`info ${m}`),
  warn: (m) => lines.push(`warn ${m}`),
  error: (m, e) => lines.push(`error ${m} ${String(e ?? '')}`),
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'host-process-'));
  lines = [];
});
afterEach(async () => {
  for (const c of children.splice(0)) c.kill();
  await rm(dir, { recursive: true, force: true });
});

function forkHost(services: MainServices = {}): { child: UtilityStandIn; client: HostClient; exited: Promise<number> } {
  const child = forkUtility(ENTRY);
  children.push(child);
  const exited = new Promise<number>((resolve) => child.on('exit', resolve));
  return { child, client: new HostClient(child, log, services), exited };
}

async function startHost(services: MainServices = {}, options: Partial<HostStart> = {}) {
  const h = forkHost(services);
  await h.client.start({ dataDir: join(dir, 'data'), version: '9.9.9', printer: true, printDialog: true, scrypt: CHEAP, ...options });
  return h;
}

const ok = <T>(e: Envelope<unknown>): T => {
  if (!e.ok) throw new Error(`${e.error.code}: ${e.error.message}`);
  return e.value as T;
};

describe('the host process', () => {
  it('answers calls with the host envelopes, and relays events before the result of the call that raised them', async () => {
    const { client } = await startHost();
    expect(ok(await client.call('app.info', {}))).toMatchObject({ shell: 'electron', dataDir: join(dir, 'data'), version: '9.9.9' });
    const order: string[] = [];
    client.onEvent((event, payload) => order.push(`${event} ${(payload as { language: string }).language}`));
    const r = client.call('settings.update', { language: 'zh-CN' }).then((e) => order.push(`result ${ok<{ language: string }>(e).language}`));
    await r;
    expect(order).toEqual(['onSettingsChanged zh-CN', 'result zh-CN']);
    // The host's own checks still answer, in its words.
    const bad = await client.call('settings.update', { network: { ledgerUrl: 'javascript:alert(1)' } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect((await client.call('no.such', {})).ok ? '' : 'UNKNOWN_METHOD').toBe('UNKNOWN_METHOD');
    // Its log lines reach main's log.
    expect(lines).toContain(`info host: workstation host opened on ${join(dir, 'data')} (electron)`);
  });

  it('says why when the host cannot open', async () => {
    await mkdir(join(dir, 'data'), { recursive: true });
    await writeFile(join(dir, 'data', 'settings.json'), '{ not json');
    const { client } = forkHost();
    await expect(client.start({ dataDir: join(dir, 'data'), printer: false, printDialog: false })).rejects.toMatchObject({ code: 'SETTINGS_FILE_INVALID', message: expect.stringContaining('settings.json') });
  });

  it('prints reports with the printer of main and shows the print dialog of main', async () => {
    const printer = await launchChromiumPrinter();
    const dialogs: string[] = [];
    let dialogFails = false;
    const { client } = await startHost({
      print: (job) => printer.print(job),
      printDialog: async (pdf) => {
        if (dialogFails) throw new PaperPrintError(`The system could not print ${pdf}: no printer.`);
        dialogs.push(pdf);
        return 'printed';
      },
    });
    try {
      ok(await client.call('settings.update', { mode: 'standalone' }));
      ok(await client.call('identity.create', { name: 'Li Wei 李伟', badge: 'PB-1', role: 'investigator', passphrase: 'first officer pass' }));
      ok(await client.call('cases.open', { caseId: 'CASE-1', title: 'Fraud', agency: 'Metro', description: 'phone' }));
      const file = join(dir, 'photo.jpg');
      const bytes = Buffer.from('evidence bytes '.repeat(500));
      await writeFile(file, bytes);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const done = new Promise<void>((resolve) =>
        client.onEvent((event, payload) => {
          const p = payload as DepositionProgress;
          if (event === 'onDepositionProgress' && (p.step === 'witnessed' || p.step === 'failed')) resolve();
        }),
      );
      ok(await client.call('deposit.start', { caseId: 'CASE-1', passphrase: 'first officer pass', items: [{ exhibitId: 'EX-1', path: file, name: 'photo.jpg', size: bytes.length, sha256, metadata: { description: 'photo' } }] }));
      await done;
      const r = ok<ReportPrinted>(await client.call('report.print', { caseId: 'CASE-1', lang: 'en' }));
      expect((await readFile(r.pdf)).subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(ok(await client.call('report.systemPrint', { pdf: r.pdf }))).toEqual({ via: 'dialog', outcome: 'printed' });
      expect(dialogs).toEqual([r.pdf]);
      // A failure in main reaches the UI with its code.
      dialogFails = true;
      expect(await client.call('report.systemPrint', { pdf: r.pdf })).toMatchObject({ ok: false, error: { code: 'REPORT_PAPER_FAILED', message: expect.stringContaining('no printer') } });
    } finally {
      await printer.close();
    }
  }, 60_000);

  it('closes after the calls in flight, ends its process, and then answers HOST_CLOSED', async () => {
    const { client, exited } = await startHost();
    const inFlight = client.call('identity.create', { name: 'Zhang San', badge: 'PB-2', role: 'investigator', passphrase: 'second officer pass' });
    const closing = client.close();
    expect(await inFlight).toMatchObject({ ok: true, value: { unlocked: { name: 'Zhang San' } } });
    await closing;
    await exited;
    expect(await client.call('app.info', {})).toMatchObject({ ok: false, error: { code: 'HOST_CLOSED' } });
    expect(lines).toContain('info host: workstation host closed');
  });

  it('when the host process dies, the call in flight and later calls get TRANSPORT, in words', async () => {
    // Real scrypt: identity.create takes long enough to be in flight when the process is killed.
    const { child, client, exited } = await startHost({}, { scrypt: undefined });
    const inFlight = client.call('identity.create', { name: 'Wang Wu', badge: 'PB-3', role: 'investigator', passphrase: 'third officer pass' });
    child.kill();
    await exited;
    for (const r of [await inFlight, await client.call('app.info', {})]) {
      expect(r).toMatchObject({ ok: false, error: { code: 'TRANSPORT', message: expect.stringContaining('host process stopped') } });
    }
    expect(lines.some((l) => l.startsWith('error the host process exited unexpectedly'))).toBe(true);
    await client.close(); // nothing left to close
  });
});

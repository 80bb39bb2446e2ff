// Network mode end to end on 127.0.0.1: a real ledger node, witness and provider (CLI processes), and a
// workstation host that mirrors the node, records through it and answers only from its verified mirror.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DepositionProgress, LedgerStatus, TimelineEvent } from '../../contract/api';
import type { HostLogger } from '../dispatch';
import { WorkstationHost } from '../host';
import { launchChromiumPrinter } from '../../report/pdf';
import { execFileSync } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { originHash } from '../../witness/witness';
import { readFile } from 'node:fs/promises';
import { makePerson, runCli, startCli, stop } from '../../testing/provider-cluster';
import { slowLink, startNetworkCluster, type NetworkCluster } from '../../testing/network-cluster';

const log: HostLogger = { info: () => undefined, warn: () => undefined, error: (m, e) => console.error(m, e) };
const CHEAP = { N: 1024, r: 8, p: 1 };
const PASS = 'network officer passphrase';

let dir: string;
let cluster: NetworkCluster;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'host-network-'));
  cluster = await startNetworkCluster(join(dir, 'net'));
}, 120_000);

afterAll(async () => {
  await cluster?.close();
  await rm(dir, { recursive: true, force: true });
});

async function openHost(dataDir: string, network: NonNullable<Parameters<typeof WorkstationHost.open>[0]['network']> = {}): Promise<WorkstationHost> {
  return WorkstationHost.open({ dataDir, shell: 'web', log, scrypt: CHEAP, printer: () => launchChromiumPrinter(), network: { syncIntervalMs: 250, settleTimeoutMs: 30_000, ...network } });
}

async function call<T>(host: WorkstationHost, method: string, args: unknown = {}): Promise<T> {
  const r = await host.call(method, args);
  if (!r.ok) throw Object.assign(new Error(`${method}: ${r.error.code}: ${r.error.message}`), { code: r.error.code });
  return r.value as T;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Collects a host's deposition progress; `done(id)` resolves at its last step (witnessed or failed). */
function watchDeposits(host: WorkstationHost) {
  const seen: DepositionProgress[] = [];
  const waiters: Array<() => void> = [];
  host.onEvent((event, payload) => {
    if (event !== 'onDepositionProgress') return;
    seen.push(payload as DepositionProgress);
    for (const w of waiters.splice(0)) w();
  });
  const last = (id: string) => seen.filter((p) => p.depositionId === id).at(-1);
  return {
    seen,
    async until(pred: (p: DepositionProgress) => boolean, ms = 60_000): Promise<DepositionProgress> {
      return until('deposition progress', async () => seen.find(pred), ms);
    },
    async done(id: string): Promise<DepositionProgress> {
      return until(`deposition ${id} to finish`, async () => {
        const p = last(id);
        return p && (p.step === 'witnessed' || p.step === 'failed') ? p : undefined;
      }, 90_000);
    },
  };
}

/** A TCP server on 127.0.0.1 that accepts connections and never answers: a node that hangs. */
async function blackHole(): Promise<{ url: string; waiting(): number; gaveUp(): number; close(): Promise<void> }> {
  const open = new Set<Socket>();
  let gaveUp = 0;
  const server = createServer((socket) => {
    open.add(socket);
    socket.on('close', () => {
      if (open.delete(socket)) gaveUp += 1;
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    waiting: () => open.size,
    gaveUp: () => gaveUp,
    close: () =>
      new Promise<void>((r) => {
        const sockets = [...open];
        open.clear();
        for (const socket of sockets) socket.destroy();
        server.close(() => r());
      }),
  };
}

async function fileItem(path: string, bytes: Uint8Array, exhibitId: string) {
  await writeFile(path, bytes);
  return { exhibitId, path, name: path.split('/').pop()!, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), metadata: { description: `exhibit ${exhibitId}` } };
}

describe('network mode', () => {
  let host: WorkstationHost;
  let officer: { keyId: string; publicKey: string; name: string; badge: string };

  it('mirrors the node, asks for enrolment in words, records a deposit and shows it witnessed from the mirror', async () => {
    host = await openHost(join(dir, 'ws1'));
    await call(host, 'settings.update', { mode: 'network', network: cluster.settings() });
    const status = await call<{ unlocked: typeof officer }>(host, 'identity.create', { name: 'Wang Min', badge: 'PB-77', role: 'investigator', passphrase: PASS });
    officer = status.unlocked;

    const synced = await until('the mirror to verify the node', async () => {
      const s = await call<LedgerStatus>(host, 'ledger.status');
      return s.sync.state === 'synced' && s.available ? s : undefined;
    });
    expect(synced.origin).toBe(cluster.origin);
    expect(synced.witnesses).toEqual([cluster.witness.name]);
    expect(synced.peers.find((p) => p.role === 'ledger')).toMatchObject({ state: 'online', url: cluster.node.url, local: false });
    expect(synced.peers.find((p) => p.role === 'provider')).toMatchObject({ state: 'online', local: false });

    // Not enrolled yet: the error names the key and the administrator's command.
    const refused = await host.call('cases.open', { caseId: 'NET-1', title: 'Network case', agency: 'Unit 9', description: '' });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('NOT_ENROLLED');
      expect(refused.error.message).toContain(officer.keyId);
      expect(refused.error.message).toContain(`evidence member enroll --node ${cluster.node.url}`);
    }
    cluster.enroll({ ...officer, role: 'investigator' });

    // The enrolment counts once the workstation has verified it under a witnessed checkpoint.
    const opened = await until('the enrolment to be verified', async () => {
      const r = await host.call('cases.open', { caseId: 'NET-1', title: 'Network case', agency: 'Unit 9', description: 'opened in network mode' });
      if (r.ok) return r.value as { caseId: string };
      expect(r.error.code).toBe('NOT_ENROLLED');
      return undefined;
    });
    expect(opened.caseId).toBe('NET-1');

    const watch = watchDeposits(host);
    const item = await fileItem(join(dir, 'photo.jpg'), randomBytes(300_000), 'NET-1-A');
    const { depositionIds } = await call<{ depositionIds: string[] }>(host, 'deposit.start', { caseId: 'NET-1', passphrase: PASS, items: [item] });
    const done = await watch.done(depositionIds[0]!);
    expect(done.error).toBeNull();
    expect(done.step).toBe('witnessed');
    expect(done.cosigners).toEqual([cluster.witness.name]);
    expect(done.signedBy).toEqual(['Wang Min', 'Network Test Provider']);
    const steps = watch.seen.filter((p) => p.depositionId === depositionIds[0]).map((p) => p.step);
    expect(steps).toEqual(expect.arrayContaining(['signed', 'uploading', 'countersigned', 'recorded', 'witnessed']));

    const timeline = await call<TimelineEvent[]>(host, 'timeline.case', { caseId: 'NET-1' });
    expect(timeline.map((e) => e.type)).toEqual(['case.open', 'deposition']);
    for (const e of timeline) {
      expect(e.verdict).toBe('verified');
      expect(e.checks.included.state).toBe('ok');
      expect(e.proof?.cosigners).toEqual([cluster.witness.name]);
    }
    const dep = timeline[1]!;
    expect(dep.index).toBe(done.entryIndex);
    expect(dep.facts.sha256).toBe(item.sha256);
    expect(dep.signers.map((s) => s.role).sort()).toEqual(['depositor', 'provider']);

    // Verify now: the local copy and the provider's copy, countersigned by the pinned provider, recorded.
    const checks = await call<TimelineEvent[]>(host, 'integrity.verify', { exhibitId: 'NET-1-A' });
    expect(checks.map((e) => [e.facts.scope, e.facts.result, e.verdict])).toEqual([
      ['local', 'match', 'verified'],
      ['provider', 'match', 'verified'],
    ]);
    const after = await call<LedgerStatus>(host, 'ledger.status');
    expect(after.finalSize).toBe(after.size);
    expect(after.peers.find((p) => p.role === 'witness')?.state).toBe('cosigned');

    // The chain-of-custody report, printed from the verified mirror's folder alone.
    const printed = await call<{ pdf: string; json: string; receipts: string[] }>(host, 'report.print', { caseId: 'NET-1', lang: 'en' });
    const text = execFileSync('pdftotext', [printed.pdf, '-'], { encoding: 'utf8' });
    expect(text).toContain('NET-1');
    expect(text).toContain(item.sha256);
    expect(text).toContain(cluster.witness.name);
    expect(JSON.parse(await readFile(printed.json, 'utf8'))).toMatchObject({ case: { caseId: 'NET-1' } });
    expect(printed.receipts).toHaveLength(1);
  }, 180_000);

  it('continues a deposition the node accepted before a crash, to witnessed, instead of refusing the exhibit', async () => {
    const ledgerDir = join(dir, 'ws1', 'network', originHash(cluster.origin));
    const journal = join(ledgerDir, 'deposits', 'NET-1-A.json');
    const recorded = JSON.parse(await readFile(journal, 'utf8')) as { submitted: { index: number }; recorded?: unknown; receiptFile?: string };
    const index = recorded.submitted.index;
    const size = (await call<LedgerStatus>(host, 'ledger.status')).size;
    const item = { ...(await fileItem(join(dir, 'photo.jpg'), await readFile(join(dir, 'photo.jpg')), 'NET-1-A')) };
    // The journal as a crash leaves it: accepted by the node (index known), nothing after; then a crash before
    // even the node's answer was saved (the flow finds its entry in the log by the record's id).
    for (const strip of [['recorded', 'receiptFile'], ['recorded', 'receiptFile', 'submitted']]) {
      const j = { ...recorded } as Record<string, unknown>;
      for (const k of strip) delete j[k];
      await writeFile(journal, JSON.stringify(j));
      const watch = watchDeposits(host);
      const { depositionIds } = await call<{ depositionIds: string[] }>(host, 'deposit.start', { caseId: 'NET-1', passphrase: PASS, items: [item] });
      const done = await watch.done(depositionIds[0]!);
      expect(done.error, strip.join()).toBeNull();
      expect(done).toMatchObject({ step: 'witnessed', entryIndex: index });
      expect((JSON.parse(await readFile(journal, 'utf8')) as { receiptFile?: string }).receiptFile).toBeTruthy();
    }
    // Without a journal here (deposited elsewhere by the same officer), it is recognised from the ledger itself.
    await rm(journal);
    const watch = watchDeposits(host);
    const { depositionIds } = await call<{ depositionIds: string[] }>(host, 'deposit.start', { caseId: 'NET-1', passphrase: PASS, items: [item] });
    expect(await watch.done(depositionIds[0]!)).toMatchObject({ step: 'witnessed', entryIndex: index, error: null });
    expect((await call<LedgerStatus>(host, 'ledger.status')).size).toBe(size);
    const other = await host.call('deposit.start', { caseId: 'NET-1', passphrase: PASS, items: [{ ...item, sha256: 'b'.repeat(64) }] });
    expect(other.ok ? '' : other.error.code).toBe('EXHIBIT_EXISTS');
  }, 120_000);

  it('answers reads from the verified state while a sync round waits on a node that does not answer', async () => {
    const hole = await blackHole();
    try {
      await call(host, 'settings.update', { network: { ledgerUrl: hole.url } });
      await call<TimelineEvent[]>(host, 'timeline.case', { caseId: 'NET-1' });
      await until('a sync round to wait on the node', async () => (hole.waiting() > 0 ? true : undefined));
      const [timeline, cases, status] = await Promise.all([
        call<TimelineEvent[]>(host, 'timeline.case', { caseId: 'NET-1' }),
        call<Array<{ caseId: string }>>(host, 'cases.list', {}),
        call<LedgerStatus>(host, 'ledger.status'),
      ]);
      // Answered while the round's first request still waits for the node (it gives up after the mirror's 10 s
      // timeout and closes the connection; a read that waited for the round would come after that).
      expect(hole.gaveUp()).toBe(0);
      expect(timeline.map((e) => e.verdict)).toEqual(timeline.map(() => 'verified'));
      expect(cases.map((c) => c.caseId)).toEqual(['NET-1']);
      expect(status.available).toBe(true);
    } finally {
      await hole.close();
      await call(host, 'settings.update', { network: cluster.settings() });
    }
  }, 60_000);

  it('continues an interrupted upload from the provider offset after the workstation restarts', async () => {
    await host.close();
    const dataDir = join(dir, 'ws1');
    host = await openHost(dataDir, { uploadChunkBytes: 1 << 20 });
    await call(host, 'identity.unlock', { keyId: officer.keyId, passphrase: PASS });
    const link = await slowLink(cluster.provider.url, 8 << 20);
    await call(host, 'settings.update', { network: { providerUrl: link.url } });
    await until('the mirror', async () => ((await call<LedgerStatus>(host, 'ledger.status')).sync.state === 'synced' ? true : undefined));
    const item = await fileItem(join(dir, 'disk.img'), randomBytes(24 << 20), 'NET-1-B');
    let watch = watchDeposits(host);
    const first = await call<{ depositionIds: string[] }>(host, 'deposit.start', { caseId: 'NET-1', passphrase: PASS, items: [item] });
    const midway = await watch.until((p) => p.step === 'uploading' && p.bytesDone >= 4 << 20);
    expect(midway.bytesDone).toBeLessThan(item.size);
    // The link stalls here, so the quit below lands mid-upload however slow this machine is.
    link.hold();
    // A reloaded UI that deposits the same exhibit again follows the running deposition, never a second upload.
    const twice = await call<{ depositionIds: string[] }>(host, 'deposit.start', { caseId: 'NET-1', passphrase: PASS, items: [item] });
    expect(twice.depositionIds).toEqual(first.depositionIds);
    await host.close(); // the app quits mid-upload
    const interrupted = await watch.done(first.depositionIds[0]!);
    expect(interrupted.step).toBe('failed');
    expect(interrupted.error?.code).toBe('DEPOSIT_INTERRUPTED');

    host = await openHost(dataDir, { uploadChunkBytes: 1 << 20 });
    await call(host, 'identity.unlock', { keyId: officer.keyId, passphrase: PASS });
    link.release();
    watch = watchDeposits(host);
    const again = await call<{ depositionIds: string[] }>(host, 'deposit.start', { caseId: 'NET-1', passphrase: PASS, items: [item] });
    const resumed = await watch.until((p) => p.step === 'uploading' && p.bytesDone > 0);
    // The first bytes reported after the restart are past what the provider already held, not from zero.
    expect(resumed.resumedFrom).not.toBeNull();
    expect(resumed.resumedFrom!).toBeGreaterThanOrEqual(3 << 20);
    const done = await watch.done(again.depositionIds[0]!);
    expect(done.error).toBeNull();
    expect(done.step).toBe('witnessed');
    const events = await call<TimelineEvent[]>(host, 'timeline.exhibit', { exhibitId: 'NET-1-B' });
    expect(events.map((e) => [e.type, e.verdict, e.facts.sha256])).toEqual([['deposition', 'verified', item.sha256]]);
    await host.close();
    await link.close();
  }, 180_000);

  it('raises a fork alarm for a node that rewrote history and shows nothing unverified', async () => {
    host = await openHost(join(dir, 'ws1'));
    await call(host, 'settings.update', { network: cluster.settings() });
    await call(host, 'identity.unlock', { keyId: officer.keyId, passphrase: PASS });
    await until('the mirror', async () => ((await call<LedgerStatus>(host, 'ledger.status')).sync.state === 'synced' ? true : undefined));
    const before = await call<LedgerStatus>(host, 'ledger.status');
    const cases = await call<Array<{ caseId: string }>>(host, 'cases.list', {});
    // A second node with the same log key and genesis but another history (a rewritten or split view).
    const impostor = await startCli(['node', 'serve', '--dir', cluster.forkNodeDir, '--port', '0', '--batch-ms', '50']);
    try {
      const other = await fetch(`${impostor.url}/checkpoint`);
      expect(other.status).toBe(200);
      const stranger = await makePerson(dir, 'stranger', 'investigator');
      const r = runCli([
        'member', 'enroll', '--node', impostor.url, '--trust', cluster.trustBundle, '--admin-key', cluster.admin.keystore,
        '--key-id', stranger.signer.keyId, '--public-key', stranger.signer.publicKey, '--name', 'Impostor Entry', '--role', 'investigator',
      ]);
      stranger.signer.dispose();
      expect(r.status, r.stderr).toBe(0);
      await until('the impostor to publish size 2', async () => (/\n2\n/.test(await (await fetch(`${impostor.url}/checkpoint`)).text()) ? true : undefined));

      await call(host, 'settings.update', { network: { ledgerUrl: impostor.url } });
      const forked = await until('the fork alarm', async () => {
        const s = await call<LedgerStatus>(host, 'ledger.status');
        return s.sync.state === 'fork' && s.forks.length > 0 ? s : undefined;
      });
      expect(forked.forks[0]!.message).toMatch(/root/);
      // The alarm and the sync line as codes and values, for the UI to say in its language.
      expect(forked.forks[0]!.reason?.code).toMatch(/^fork\.(sameSize|notPrefix)$/);
      expect(forked.forks[0]!.reason?.params.source).toContain(impostor.url);
      expect(forked.sync.reason).toEqual(forked.forks.at(-1)!.reason);
      // Only what the mirror verified before: same size, same cases, no trace of the impostor's entry.
      expect(forked.size).toBe(before.size);
      expect(await call<Array<{ caseId: string }>>(host, 'cases.list', {})).toEqual(cases);
      const timeline = await call<TimelineEvent[]>(host, 'timeline.case', { caseId: 'NET-1' });
      expect(timeline.every((e) => e.verdict === 'verified')).toBe(true);
      expect(JSON.stringify(timeline)).not.toContain('Impostor Entry');
      // Nothing is sent to a forked ledger.
      const refused = await host.call('cases.open', { caseId: 'NET-2', title: 'x', agency: 'y', description: '' });
      expect(refused.ok ? '' : refused.error.code).toBe('LEDGER_FORKED');
    } finally {
      await stop(impostor.child, 'SIGTERM');
      await host.close();
    }
  }, 120_000);
});

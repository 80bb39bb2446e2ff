// The standalone ledger through the host's contract calls, as the UI drives it: open a case, deposit a file
// (signed, uploaded, countersigned, recorded, witnessed), see a verified timeline, change a byte on disk and see
// the mismatch, transfer custody to a second officer who signs with their own passphrase.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkstationHost } from '../host';
import type { HostLogger } from '../dispatch';
import type { CheckpointView, DepositionProgress, Envelope, TimelineEvent } from '../../contract/api';
import { fromHex } from '../../crypto/encoding';
import { formatCheckpoint } from '../../ledger/checkpoint';
import { parseNote } from '../../ledger/note';
import type { CheckpointSeen } from './backend';
import { blocks } from './ledger-status';
import { readJournal, runDeposition } from '../../deposit/flow';
import { verifyReceipt } from '../../proof/receipt';
import type { StandaloneStack } from './standalone';

const errors: string[] = [];
const log: HostLogger = { info: () => undefined, warn: () => undefined, error: (m, e) => errors.push(`${m}: ${String(e)}`) };
let dir: string;
let host: WorkstationHost;

const ok = <T>(e: Envelope<T>): T => {
  if (!e.ok) throw new Error(`${e.error.code}: ${e.error.message}`);
  return e.value;
};
const call = async (m: string, a: unknown) => ok(await host.call(m, a));

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ledger-svc-'));
  host = await WorkstationHost.open({ dataDir: join(dir, 'data'), shell: 'web', log, scrypt: { N: 1024, r: 8, p: 1 } });
});
afterEach(async () => {
  await host.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the standalone ledger service', () => {
  it('refuses before a mode is chosen, in words', async () => {
    const r = await host.call('cases.list', {});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('LEDGER_NOT_AVAILABLE');
  });

  it('records a case, a deposition, checks and a transfer, each verified from the ledger', async () => {
    await call('settings.update', { mode: 'standalone' });
    const second = (await call('identity.create', { name: 'Chen Fang', badge: 'PB-2', role: 'custodian', passphrase: 'second officer pass' })) as { unlocked: { keyId: string } };
    await call('identity.create', { name: 'Li Wei', badge: 'PB-1', role: 'investigator', passphrase: 'first officer pass' });

    const opened = (await call('cases.open', { caseId: 'CASE-1', title: 'Fraud', agency: 'Metro', description: 'x' })) as { caseId: string; index: number };
    expect(opened.caseId).toBe('CASE-1');
    expect((await call('cases.list', { search: 'fraud' })) as unknown[]).toHaveLength(1);
    expect((await call('cases.list', { search: 'nothing like it' })) as unknown[]).toHaveLength(0);

    const file = join(dir, '证据 照片.jpg');
    const bytes = Buffer.from('evidence bytes '.repeat(1000));
    await writeFile(file, bytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const steps: DepositionProgress[] = [];
    const done = new Promise<void>((resolve) =>
      host.onEvent((event, payload) => {
        if (event !== 'onDepositionProgress') return;
        const p = payload as DepositionProgress;
        steps.push(p);
        if (p.step === 'witnessed' || p.step === 'failed') resolve();
      }),
    );
    const wrong = await host.call('deposit.start', { caseId: 'CASE-1', passphrase: 'not it at all', items: [{ exhibitId: 'EX-1', path: file, name: '证据 照片.jpg', size: bytes.length, sha256, metadata: { description: 'photo' } }] });
    expect(wrong.ok ? '' : wrong.error.code).toBe('WRONG_PASSPHRASE');
    await call('deposit.start', { caseId: 'CASE-1', passphrase: 'first officer pass', items: [{ exhibitId: 'EX-1', path: file, name: '证据 照片.jpg', size: bytes.length, sha256, metadata: { description: 'photo', seizedPlace: 'Harbour Rd' } }] });
    await done;
    expect(steps.map((s) => s.step).filter((s, i, a) => a.indexOf(s) === i)).toEqual(['signed', 'uploading', 'countersigned', 'recorded', 'witnessed']);
    expect(steps.at(-1)!.cosigners).toHaveLength(1);

    let events = (await call('timeline.case', { caseId: 'CASE-1' })) as TimelineEvent[];
    expect(events.map((e) => e.type)).toEqual(['case.open', 'deposition']);
    for (const e of events) expect(e.verdict, e.reason ?? '').toBe('verified');
    expect(events[1]!.signers.map((s) => s.role).sort()).toEqual(['depositor', 'provider']);
    expect(events[1]!.proof?.path.length).toBeGreaterThan(0);
    // Each check carries a stable code and its values, for the UI to say it in its own language.
    expect(events[1]!.checks.included).toMatchObject({ state: 'ok', code: 'included.final', params: { index: String(events[1]!.index), k: '1', n: '1', quorum: '1' } });
    expect(events[1]!.checks.signatures).toMatchObject({ code: 'signatures.ok', params: { count: '2' } });
    expect(events[1]!.checks.hash.code).toBe('hash.notRechecked');

    // Change one byte of the local copy: the local re-check is a mismatch, the provider's copy still matches.
    bytes[10] = bytes[10]! ^ 1;
    await writeFile(file, bytes);
    const checks = (await call('integrity.verify', { exhibitId: 'EX-1' })) as TimelineEvent[];
    expect(checks.map((c) => c.facts.scope)).toEqual(['local', 'provider']);
    expect(checks[0]!.verdict).toBe('failed');
    expect(checks[0]!.reason).toContain('local copy hashes to');
    expect(checks[0]!.checks.hash).toMatchObject({ state: 'failed', code: 'hash.mismatch', params: { scope: 'local', observedSize: String(bytes.length) } });
    expect(checks[1]!.verdict).toBe('verified');
    events = (await call('timeline.exhibit', { exhibitId: 'EX-1' })) as TimelineEvent[];
    expect(events.find((e) => e.type === 'deposition')!.verdict).toBe('failed');

    // Custody transfer: both passphrases needed.
    const bad = await host.call('custody.transfer', { exhibitId: 'EX-1', to: second.unlocked.keyId, purpose: 'lab', releasingPassphrase: 'first officer pass', receivingPassphrase: 'wrong wrong' });
    expect(bad.ok ? '' : bad.error.code).toBe('WRONG_PASSPHRASE');
    const xfer = (await call('custody.transfer', { exhibitId: 'EX-1', to: second.unlocked.keyId, purpose: 'lab', releasingPassphrase: 'first officer pass', receivingPassphrase: 'second officer pass' })) as TimelineEvent;
    expect(xfer.verdict).toBe('verified');
    expect(xfer.facts).toMatchObject({ from: 'Li Wei', to: 'Chen Fang' });
    const exhibits = (await call('cases.exhibits', { caseId: 'CASE-1' })) as Array<{ holder: { name: string } }>;
    expect(exhibits[0]!.holder.name).toBe('Chen Fang');

    const status = (await call('ledger.status', {})) as { size: number; finalSize: number };
    expect(status.finalSize).toBe(status.size);

    // The blocks, newest first, chained: each header names the previous checkpoint by the SHA-256 of its body,
    // and the newest is the checkpoint the log publishes.
    const blocksSeen = (await call('ledger.checkpoints', {})) as CheckpointView[];
    expect(blocksSeen.length).toBeGreaterThan(2);
    expect(blocksSeen[0]!.size).toBe(status.size);
    for (const [i, b] of blocksSeen.entries()) {
      const older = blocksSeen[i + 1];
      expect(b.prevHash).toBe(older ? older.hash : null);
      expect(b.firstIndex).toBe(older ? older.size : 0);
      expect(b.size).toBeGreaterThan(b.firstIndex);
    }
    const published = parseNote(await readFile(join(await host.ledger.ledgerFolder(), 'checkpoint'), 'utf8')).text;
    expect(createHash('sha256').update(published).digest('hex')).toBe(blocksSeen[0]!.hash);
    expect(errors).toEqual([]);
  }, 60_000);

  it('continues a deposition the ledger already recorded (a retry after a crash) instead of refusing the exhibit number', async () => {
    await call('settings.update', { mode: 'standalone' });
    await call('identity.create', { name: 'Li Wei', badge: 'PB-1', role: 'investigator', passphrase: 'first officer pass' });
    await call('cases.open', { caseId: 'CASE-2', title: 'Retry', agency: 'Metro', description: '' });
    const file = join(dir, 'disk.bin');
    const bytes = Buffer.from('retried evidence '.repeat(500));
    await writeFile(file, bytes);
    const item = { exhibitId: 'EX-9', path: file, name: 'disk.bin', size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), metadata: { description: 'disk' } };
    const last = new Map<string, DepositionProgress>();
    host.onEvent((event, payload) => {
      if (event === 'onDepositionProgress') last.set((payload as DepositionProgress).depositionId, payload as DepositionProgress);
    });
    const finished = async (id: string) => {
      for (let i = 0; i < 300 && !['witnessed', 'failed'].includes(last.get(id)?.step ?? ''); i++) await new Promise((r) => setTimeout(r, 50));
      return last.get(id)!;
    };
    const first = (await call('deposit.start', { caseId: 'CASE-2', passphrase: 'first officer pass', items: [item] })) as { depositionIds: string[] };
    const recorded = await finished(first.depositionIds[0]!);
    expect(recorded.step).toBe('witnessed');
    const size = ((await call('ledger.status', {})) as { size: number }).size;

    // The same deposition again: it is recognised and continues to witnessed at the same entry; nothing new is logged.
    const again = (await call('deposit.start', { caseId: 'CASE-2', passphrase: 'first officer pass', items: [item] })) as { depositionIds: string[] };
    const resumed = await finished(again.depositionIds[0]!);
    expect(resumed).toMatchObject({ step: 'witnessed', entryIndex: recorded.entryIndex, error: null });
    expect(((await call('ledger.status', {})) as { size: number }).size).toBe(size);

    // Other content under the same exhibit number is still refused, with the number as a value for the UI's words.
    const other = await host.call('deposit.start', { caseId: 'CASE-2', passphrase: 'first officer pass', items: [{ ...item, sha256: 'a'.repeat(64) }] });
    expect(other.ok ? null : other.error).toMatchObject({ code: 'EXHIBIT_EXISTS', params: { exhibitId: 'EX-9' } });
  }, 60_000);

  it('pages the verified entries for the UI index, continuing a matching mark and starting again from 0 for another', async () => {
    await call('settings.update', { mode: 'standalone' });
    await call('identity.create', { name: 'Li Wei', badge: 'PB-1', role: 'investigator', passphrase: 'first officer pass' });
    await call('cases.open', { caseId: 'IDX-1', title: 'First', agency: 'Metro', description: 'one' });
    type Page = { continues: boolean; from: number; entries: Array<{ index: number; type: string; caseId: string | null; facts: Record<string, string> }>; mark: { origin: string; size: number; root: string }; total: number };
    const all = (await call('ledger.index', { since: null })) as Page;
    expect(all).toMatchObject({ continues: false, from: 0 });
    expect(all.mark.size).toBe(all.total);
    expect(all.entries.map((e) => [e.type, e.caseId])).toEqual([['case.open', 'IDX-1']]);
    expect(all.entries[0]!.facts).toMatchObject({ title: 'First', description: 'one', openedBy: 'Li Wei', openedByBadge: 'PB-1' });

    // Up to date: nothing new. Then a second case: only it comes, after the mark.
    expect(await call('ledger.index', { since: all.mark })).toMatchObject({ continues: true, entries: [], mark: all.mark });
    await call('cases.open', { caseId: 'IDX-2', title: 'Second', agency: 'Metro', description: '' });
    const next = (await call('ledger.index', { since: all.mark })) as Page;
    expect(next.continues).toBe(true);
    expect(next.from).toBe(all.mark.size);
    expect(next.entries.map((e) => e.caseId)).toEqual(['IDX-2']);

    // Pages of at most `limit` entries, each mark the root of exactly that prefix.
    let since: Page['mark'] | null = null;
    const paged: string[] = [];
    for (let i = 0; i < 50; i++) {
      const p = (await call('ledger.index', { since, limit: 2 })) as Page;
      expect(p.mark.size - p.from).toBeLessThanOrEqual(2);
      paged.push(...p.entries.map((e) => e.caseId ?? ''));
      since = p.mark;
      if (p.mark.size >= p.total) break;
    }
    expect(paged).toEqual(['IDX-1', 'IDX-2']);
    expect(since).toEqual(next.mark);

    // A mark of another log or a forked view (same size, other root) is told to start again from entry 0.
    for (const bad of [{ ...all.mark, root: 'f'.repeat(64) }, { ...all.mark, origin: 'other.example/log' }, { ...next.mark, size: next.mark.size + 5 }]) {
      const again = (await call('ledger.index', { since: bad })) as Page;
      expect(again).toMatchObject({ continues: false, from: 0, mark: next.mark });
      expect(again.entries.map((e) => e.caseId)).toEqual(['IDX-1', 'IDX-2']);
    }
  }, 60_000);
});

describe('blocks', () => {
  const root = (n: number) => n.toString(16).padStart(64, '0');
  const seen = (size: number, final = true, body?: string): CheckpointSeen => ({ size, root: root(size), time: `2026-11-27T10:0${size}:00Z`, cosigners: ['w1'], final, ...(body ? { body } : {}) });
  it('one block per checkpoint in its latest state, each linked to the one before by the hash of its body', () => {
    const body3 = formatCheckpoint({ origin: 'example.org/log', size: 3, root: fromHex(root(3)), extensions: [] });
    const b = blocks('example.org/log', [seen(1), seen(3, false, body3), seen(3, true, body3), seen(7)]);
    expect(b.map((x) => [x.firstIndex, x.size, x.final])).toEqual([
      [0, 1, true],
      [1, 3, true],
      [3, 7, true],
    ]);
    expect(b[0]!.prevHash).toBeNull();
    expect(b[1]!.prevHash).toBe(b[0]!.hash);
    expect(b[2]!.prevHash).toBe(b[1]!.hash);
    // A body kept and a body rebuilt from origin, size and root hash the same for our nodes' checkpoints.
    expect(b[1]!.hash).toBe(createHash('sha256').update(body3).digest('hex'));
    expect(blocks('example.org/log', [seen(3)])[0]!.hash).toBe(b[1]!.hash);
    // Another origin is another checkpoint text.
    expect(blocks('other.example/log', [seen(3)])[0]!.hash).not.toBe(b[1]!.hash);
  });
});

// The journal and the evidence receipt are kept under <data>/standalone/; the receipt passes every check a
// court's verifier makes (the witness quorum included: the in-process witness cosigned it); a deposition
// interrupted after the provider countersigned continues from its journal.
async function deposit(item: { exhibitId: string; path: string; name: string; size: number; sha256: string }): Promise<DepositionProgress[]> {
  const steps: DepositionProgress[] = [];
  const done = new Promise<void>((resolve) =>
    host.onEvent((event, payload) => {
      const p = payload as DepositionProgress;
      if (event !== 'onDepositionProgress' || p.exhibitId !== item.exhibitId) return;
      steps.push(p);
      if (p.step === 'witnessed' || p.step === 'failed') resolve();
    }),
  );
  await call('deposit.start', { caseId: 'CASE-1', passphrase: 'first officer pass', items: [{ ...item, metadata: { description: 'photo' } }] });
  await done;
  return steps;
}

describe('a standalone deposition through the deposition flow (app/deposit/flow.ts)', () => {
  beforeEach(async () => {
    errors.length = 0;
    await call('settings.update', { mode: 'standalone' });
    await call('identity.create', { name: 'Li Wei', badge: 'PB-1', role: 'investigator', passphrase: 'first officer pass' });
    await call('cases.open', { caseId: 'CASE-1', title: 'Fraud', agency: 'Metro', description: '' });
  });

  it('keeps a journal and a final evidence receipt that verifies', async () => {
    const bytes = Buffer.from('evidence bytes '.repeat(2000));
    const file = join(dir, 'photo.jpg');
    await writeFile(file, bytes);
    const steps = await deposit({ exhibitId: 'EX-1', path: file, name: 'photo.jpg', size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    expect(steps.at(-1)).toMatchObject({ step: 'witnessed', error: null });
    const journal = await readJournal(join(dir, 'data', 'standalone', 'deposits'), 'EX-1');
    expect(journal?.recorded?.final).toBe(true);
    const receipt = JSON.parse(await readFile(journal!.receiptFile!, 'utf8')) as unknown;
    const report = verifyReceipt(receipt, undefined, { file: { sha256: journal!.files[0]!.sha256, size: bytes.length } });
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(report.checks.find((c) => c.id === 'witness-quorum')?.status).toBe('pass');
    expect(report.entry?.index).toBe(steps.at(-1)!.entryIndex);
    expect(errors).toEqual([]);
  });

  it('continues a deposition interrupted after the countersignature from its journal', async () => {
    const bytes = Buffer.from('interrupted evidence '.repeat(3000));
    const file = join(dir, 'disk.bin');
    await writeFile(file, bytes);
    const item = { exhibitId: 'EX-2', path: file, name: 'disk.bin', size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
    // The flow runs to the countersignature and stops there (a ledger that is not answering), as a crash would.
    const s = await (host.ledger as unknown as { access: { backend(): Promise<StandaloneStack> } }).access.backend();
    const { signer } = host.identity.signer();
    const ports = await s.depositPorts(signer, item.sha256, new AbortController().signal);
    const down = { ...ports.node, add: () => Promise.reject(Object.assign(new Error('the sequencer is not answering'), { code: 'NODE_UNREACHABLE' })) };
    const stopped = await runDeposition(
      { caseId: 'CASE-1', exhibitId: item.exhibitId, files: [{ path: file, name: item.name }], metadata: { description: 'photo' } },
      { signer, provider: ports.provider, node: down, ledger: { origin: s.origin, genesis: s.state.genesis, lookup: (k) => s.member(k) }, pinned: ports.pinned, journalDir: ports.journalDir, receiptsDir: ports.receiptsDir },
    ).catch((e: unknown) => e);
    expect(stopped).toMatchObject({ stage: 'submit', code: 'NODE_UNREACHABLE' });
    expect((await readJournal(ports.journalDir, item.exhibitId))?.cosigned).toBeDefined();

    const steps = await deposit(item);
    expect(steps.at(-1)).toMatchObject({ step: 'witnessed', error: null });
    expect(steps.map((p) => p.step).filter((x, i, a) => a.indexOf(x) === i)).toEqual(['signed', 'uploading', 'countersigned', 'recorded', 'witnessed']);
    const journal = await readJournal(ports.journalDir, item.exhibitId);
    expect(journal?.request?.record.id).toBeDefined();
    expect(steps.at(-1)!.entryIndex).toBe(journal!.submitted!.index);
    expect(errors).toEqual([]);
  });
});

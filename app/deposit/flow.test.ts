// The whole deposition flow against a real ledger node and a real provider (in-process, over 127.0.0.1).
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeVerifier } from '../crypto/bulk-verify';
import { canonicalJson } from '../crypto/record-digest';
import type { SignedRecord } from '../crypto/envelope';
import { loadLog } from '../ledger/log';
import { replay, entryBytes } from '../ledger/rules';
import { SampleNetwork, type SampleMember } from '../node/sample-network';
import { initNode } from '../node/init';
import { startNodeServer, type LedgerNode } from '../node/server';
import { ProviderClient } from '../provider/client';
import { LedgerMemberDirectory, tileFetcherFor } from '../provider/ledger-members';
import { createProviderServer, type ProviderServer } from '../provider/server';
import { verifyReceipt } from '../proof/receipt';
import { DepositError, readJournal, runDeposition, type DepositEvent, type DepositionDeps } from './flow';

const ORIGIN = 'deposit.test/ledger';
let dir: string;
let net: SampleNetwork;
let node: LedgerNode;
let provider: ProviderServer;
let providerUrl: string;
let members: LedgerMemberDirectory;
let officer: SampleMember;
let caseId: string;

async function submit(env: SignedRecord): Promise<void> {
  const res = await fetch(`${node.url}/add`, { method: 'POST', body: Buffer.from(entryBytes(env)) });
  if (res.status !== 200) throw new Error(`POST /add: ${res.status} ${await res.text()}`);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deposit-'));
  net = new SampleNetwork({ origin: ORIGIN, seed: 9, start: new Date(Date.now() - 3_600_000) });
  await initNode({ dir: join(dir, 'node'), origin: ORIGIN, key: net.logKey, genesis: () => net.genesis() });
  node = await startNodeServer({ dir: join(dir, 'node'), batchMs: 20 });
  for (let i = 0; i < 8; i++) await submit(net.next());
  officer = net.officers.find((o) => o.role === 'investigator')!;
  const open = net.caseOpen(officer);
  caseId = String(open.record.caseId);
  await submit(open);
  await node.sequencer.integrate();
  members = await LedgerMemberDirectory.open(node.url, { refreshMs: 0 });
  provider = await createProviderServer({ dir: join(dir, 'provider'), signer: net.providers[0]!.signer, directory: members, origin: ORIGIN });
  providerUrl = await provider.listen(0);
});
afterAll(async () => {
  members?.close();
  await provider?.close();
  await node?.close();
  await rm(dir, { recursive: true, force: true });
});

function deps(events: DepositEvent[], patch: Partial<DepositionDeps> = {}): DepositionDeps {
  return {
    signer: officer.signer,
    provider: new ProviderClient({ baseUrl: providerUrl, signer: officer.signer, urlStorageFile: join(dir, 'ws', 'uploads.json') }),
    nodeUrl: node.url,
    ledger: members,
    journalDir: join(dir, 'ws', 'journal'),
    receiptsDir: join(dir, 'ws', 'receipts'),
    onEvent: (e) => events.push(e),
    recordTimeoutMs: 10_000,
    ...patch,
  };
}

async function ledgerEntries(): Promise<Uint8Array[]> {
  await members.refresh();
  const log = await loadLog(await tileFetcherFor(node.url), { logKey: net.logKey.verifier, origin: ORIGIN });
  replay(log.entries, { verifier: nodeVerifier });
  return log.entries;
}

describe('deposition flow', () => {
  it('deposits two files end to end: one log entry signed by depositor and provider, and a receipt', async () => {
    const a = join(dir, 'phone.bin');
    const b = join(dir, 'notes.txt');
    await writeFile(a, randomBytes(1 << 20));
    await writeFile(b, 'seized at the scene\n');
    const events: DepositEvent[] = [];
    const receipt = await runDeposition({ caseId, exhibitId: 'EX-FLOW-1', files: [{ path: a }, { path: b }], metadata: { description: 'phone and notes' } }, deps(events));
    const stages = events.filter((e) => e.status === 'done').map((e) => e.stage);
    expect(stages).toEqual(['hash', 'hash', 'sign-request', 'upload', 'upload', 'countersign', 'cosign', 'submit', 'promise', 'recorded', 'receipt']);
    // The sample genesis wants 2 of 3 witnesses and none runs here: recorded, not final.
    expect(events.find((e) => e.stage === 'final')).toMatchObject({ status: 'progress' });
    expect(receipt.final).toBe(false);
    expect(receipt.entry.signatures.map((s) => s.role).sort()).toEqual(['depositor', 'provider']);
    const entries = await ledgerEntries();
    expect(Buffer.from(entries[receipt.index]!).toString()).toBe(canonicalJson(receipt.entry));
    // The evidence receipt verifies offline (app/proof); only the witness quorum is missing here.
    const onDisk = JSON.parse(await readFile(join(dir, 'ws', 'receipts', 'EX-FLOW-1.evidence-receipt.json'), 'utf8')) as unknown;
    expect(onDisk).toEqual(receipt.receipt);
    const report = verifyReceipt(onDisk, undefined);
    expect(report.entry?.index).toBe(receipt.index);
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['witness-quorum']);
    // Running it again changes nothing: every stage resumes from the journal.
    const again: DepositEvent[] = [];
    const same = await runDeposition({ caseId, exhibitId: 'EX-FLOW-1', files: [{ path: a }, { path: b }], metadata: { description: 'phone and notes' } }, deps(again));
    expect(same.index).toBe(receipt.index);
    expect((await ledgerEntries()).length).toBe(entries.length);
    expect(again.filter((e) => e.status === 'done').map((e) => e.stage)).toEqual(['recorded', 'receipt']);
  });

  it('resumes after a failure at submission, and after a submission whose answer was lost', async () => {
    const f = join(dir, 'disk.img');
    await writeFile(f, randomBytes(300_000));
    const input = { caseId, exhibitId: 'EX-FLOW-2', files: [{ path: f }], metadata: { description: 'disk image' } };
    const before = (await ledgerEntries()).length;
    const err = await runDeposition(input, deps([], { nodeUrl: 'http://127.0.0.1:9' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DepositError);
    expect((err as DepositError).stage).toBe('submit');
    const journal = await readJournal(join(dir, 'ws', 'journal'), 'EX-FLOW-2');
    expect(journal?.cosigned?.signatures).toHaveLength(2);
    expect(journal?.submitted).toBeUndefined();
    // The entry reaches the node but the workstation never hears back (simulated by posting it ourselves).
    await submit(journal!.cosigned!);
    const events: DepositEvent[] = [];
    const receipt = await runDeposition(input, deps(events));
    expect(events.filter((e) => e.status === 'resumed').map((e) => e.stage)).toEqual(['hash', 'sign-request', 'upload', 'countersign', 'cosign']);
    expect(events.find((e) => e.stage === 'submit' && e.status === 'done')?.message).toMatch(/already in the log/);
    expect(receipt.promise).toBeNull();
    expect((await ledgerEntries()).length).toBe(before + 1);
  });

  it('refuses to resume an unfinished deposition whose file bytes changed since, naming both hashes', async () => {
    const f = join(dir, 'changed.img');
    await writeFile(f, randomBytes(100_000));
    const input = { caseId, exhibitId: 'EX-FLOW-CHANGED', files: [{ path: f }], metadata: { description: 'changed' } };
    const first = await runDeposition(input, deps([], { nodeUrl: 'http://127.0.0.1:9' })).catch((e: unknown) => e);
    expect((first as DepositError).stage).toBe('submit');
    await writeFile(f, randomBytes(100_000)); // same name, same size, other bytes
    const before = (await ledgerEntries()).length;
    const err = await runDeposition(input, deps([])).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'FILE_CHANGED', stage: 'hash' });
    expect((err as Error).message).toMatch(/changed since the deposition of exhibit EX-FLOW-CHANGED began .*deposit it as a new exhibit/);
    expect((await ledgerEntries()).length).toBe(before);
  });

  it('stops before signing anything when a file does not match what the provider receives', async () => {
    const f = join(dir, 'changing.bin');
    await writeFile(f, randomBytes(200_000));
    const input = { caseId, exhibitId: 'EX-FLOW-3', files: [{ path: f }], metadata: { description: 'changes after hashing' } };
    const events: DepositEvent[] = [];
    const d = deps(events);
    const original = d.provider.upload.bind(d.provider);
    // The file changes between hashing and upload (e.g. a still-mounted image).
    d.provider.upload = async (path, declared, options) => {
      await writeFile(f, randomBytes(200_000));
      return original(path, declared, options);
    };
    const err = await runDeposition(input, d).catch((e: unknown) => e);
    expect(err).toMatchObject({ stage: 'upload', code: 'INTEGRITY' });
    const journal = await readJournal(join(dir, 'ws', 'journal'), 'EX-FLOW-3');
    expect(journal?.deposition).toBeUndefined();
    expect(await provider.countersigner.receiptFor(String(journal!.request!.record.id))).toBeUndefined();
  });
});

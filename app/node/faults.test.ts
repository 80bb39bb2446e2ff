// Storage faults at the ledger node: a journal write or fsync that fails (EIO, ENOSPC, short writes), tiles and
// checkpoint that cannot be written, fork evidence that cannot be kept, and a real full tmpfs. After each:
// nothing acknowledged is lost, the log verifies, the error is the named one (507), and the node accepts again
// on its own once the fault clears.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fromBase64, toBase64 } from '../crypto/encoding';
import { leafHash } from '../ledger/merkle';
import { signCheckpoint } from '../ledger/checkpoint';
import { loadLog } from '../ledger/log';
import { entryBytes, replay } from '../ledger/rules';
import { SampleNetwork } from './sample-network';
import { FsLogDriver } from '../ledger/storage/fs';
import { injectFaults, type FaultPlan, type InjectedFaults } from '../testing/faulty-io';
import { mountTmpfs, tmpfsUnavailable, unmountAll } from '../testing/tmpfs';
import { initNode } from './init';
import { type LedgerNode, type NodeServerOptions, startNodeServer } from './server';
import { nodePaths } from './files';

const ORIGIN = 'faults.test/ledger';
let faults: InjectedFaults | undefined;
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  faults?.restore();
  faults = undefined;
  for (const c of cleanup.splice(0).reverse()) await c();
  unmountAll();
});

async function startNode(dir?: string, onCheckpoint?: NodeServerOptions['onCheckpoint']): Promise<{ dir: string; net: SampleNetwork; node: LedgerNode }> {
  const d = dir ?? (await mkdtemp(join(tmpdir(), 'node-faults-')));
  if (!dir) cleanup.push(() => rm(d, { recursive: true, force: true }));
  const net = new SampleNetwork({ origin: ORIGIN, seed: 7 });
  await initNode({ dir: d, origin: ORIGIN, key: net.logKey, genesis: () => net.genesis() });
  const node = await startNodeServer({ dir: d, batchMs: 20, recoverMs: 50, workers: 0, ...(onCheckpoint ? { onCheckpoint } : {}) });
  cleanup.push(() => node.close());
  return { dir: d, net, node };
}

async function submit(node: LedgerNode, bytes: Uint8Array): Promise<{ status: number; body: { index?: number; leafHash?: string; error?: { code: string; message: string } } }> {
  const res = await fetch(`${node.url}/add`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from(bytes) });
  return { status: res.status, body: (await res.json()) as never };
}

/** Submits the network's next records until one is acknowledged; resolves to its leaf hash. */
async function acceptAgain(node: LedgerNode, net: SampleNetwork, timeoutMs = 5000): Promise<string> {
  const until = Date.now() + timeoutMs;
  const env = net.next();
  for (;;) {
    const r = await submit(node, entryBytes(env));
    if (r.status === 200) return r.body.leafHash!;
    if (Date.now() > until) throw new Error(`the node did not accept again: ${r.status} ${JSON.stringify(r.body)}`);
    await new Promise((res) => setTimeout(res, 25));
  }
}

/** Every acknowledged leaf is in the verified log after a restart. */
async function expectAllKept(dir: string, node: LedgerNode, acknowledged: string[], net: SampleNetwork): Promise<void> {
  await node.close();
  const again = await startNodeServer({ dir, batchMs: 20, workers: 0 });
  cleanup.push(() => again.close());
  await again.sequencer.integrate();
  const loaded = await loadLog(new FsLogDriver(nodePaths(dir).log), { logKey: net.logKey.verifier, origin: ORIGIN });
  const leaves = new Set(loaded.entries.map((e) => toBase64(leafHash(e))));
  for (const h of acknowledged) expect(leaves).toContain(h);
  replay(loaded.entries);
}

describe('ledger node under storage faults', () => {
  it.each<[string, FaultPlan, string]>([
    ['EIO writing the journal', { path: /journal$/, failWriteAt: 1, errno: 'EIO' }, 'STORAGE_IO'],
    ['ENOSPC writing the journal half-way', { path: /journal$/, failWriteAt: 1, errno: 'ENOSPC' }, 'STORAGE_FULL'],
    ['a failed fdatasync of the journal', { path: /journal$/, failSyncAt: 1, errno: 'EIO' }, 'STORAGE_IO'],
    ['EIO writing tiles and the checkpoint', { path: /[/\\]log[/\\]/, failAllFrom: 1, errno: 'EIO' }, 'STORAGE_IO'],
  ])('%s: 507 with the named code, nothing acknowledged lost, accepts again once it clears', async (_name, plan, code) => {
    const { dir, net, node } = await startNode();
    faults = injectFaults(plan);
    const acknowledged: string[] = [];
    let refused: { status: number; body: { error?: { code: string } } } | undefined;
    for (let i = 0; i < 8 && !refused; i++) {
      const r = await submit(node, entryBytes(net.next()));
      if (r.status === 200) acknowledged.push(r.body.leafHash!);
      else refused = r;
      await node.sequencer.integrate().catch(() => undefined);
    }
    expect(faults.injected).toBeGreaterThan(0);
    expect(refused?.status).toBe(507);
    expect(refused?.body.error?.code).toBe(code);
    faults.heal();
    acknowledged.push(await acceptAgain(node, net));
    await expectAllKept(dir, node, acknowledged, net);
  });

  it('a short journal write is completed, never acknowledged torn', async () => {
    faults = injectFaults({ path: /journal$/, shortWriteAt: 1 });
    const { dir, net, node } = await startNode();
    const r = await submit(node, entryBytes(net.next()));
    expect(r.status).toBe(200);
    expect(faults.injected).toBe(1);
    await expectAllKept(dir, node, [r.body.leafHash!], net);
  });

  it('gossip answers a disk fault keeping fork evidence with 507, not "not validly signed"', async () => {
    const { net, node } = await startNode();
    faults = injectFaults({ path: /forks/, failAllFrom: 1, errno: 'ENOSPC' });
    const forked = signCheckpoint({ origin: ORIGIN, size: 1, root: fromBase64('A'.repeat(43) + '='), extensions: [] }, [net.logKey.signer]);
    const res = await fetch(`${node.url}/gossip`, { method: 'POST', body: forked });
    expect(res.status).toBe(507);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('STORAGE_FULL');
    const unsigned = await fetch(`${node.url}/gossip`, { method: 'POST', body: 'not a note\n' });
    expect(unsigned.status).toBe(403);
  });
});

describe('stuck states: the witnesses hear the current checkpoint without a new entry', () => {
  it('at start, after a restart, and after the log reopens from a storage fault', async () => {
    const sizes: number[] = [];
    const { dir, net, node } = await startNode(undefined, (p) => void sizes.push(p.checkpoint.size));
    await vi.waitFor(() => expect(sizes).toEqual([1])); // the genesis checkpoint, before any submission
    expect((await submit(node, entryBytes(net.next()))).status).toBe(200);
    await node.sequencer.integrate();
    await vi.waitFor(() => expect(sizes).toEqual([1, 2]));
    faults = injectFaults({ path: /journal$/, failWriteAt: 1, errno: 'EIO' });
    expect((await submit(node, entryBytes(net.next()))).status).toBe(507);
    faults.heal();
    await vi.waitFor(() => expect(sizes).toEqual([1, 2, 2])); // reopened: the current checkpoint again
    await node.close();
    const again = await startNodeServer({ dir, workers: 0, onCheckpoint: (p) => void sizes.push(p.checkpoint.size) });
    cleanup.push(() => again.close());
    await vi.waitFor(() => expect(sizes).toEqual([1, 2, 2, 2]));
  });
});

describe.skipIf(tmpfsUnavailable !== undefined)(`ledger node on a full tmpfs${tmpfsUnavailable ? ` (skipped: ${tmpfsUnavailable})` : ''}`, () => {
  it('answers 507 STORAGE_FULL while the disk is full and accepts again, losing nothing, once space is freed', async () => {
    const dir = mountTmpfs('512k');
    const { net, node } = await startNode(dir);
    const acknowledged: string[] = [];
    // Fill the disk but for a few KiB, then submit until the node refuses.
    const filler = join(dir, 'filler');
    const chunk = Buffer.alloc(4096);
    const { open } = await import('node:fs/promises');
    const fh = await open(filler, 'w');
    try {
      for (;;) await fh.write(chunk);
    } catch {
      // ENOSPC: full
    } finally {
      await fh.close();
    }
    let refused: { status: number; body: { error?: { code: string } } } | undefined;
    for (let i = 0; i < 200 && !refused; i++) {
      const r = await submit(node, entryBytes(net.next()));
      if (r.status === 200) acknowledged.push(r.body.leafHash!);
      else refused = r;
    }
    expect(refused?.status).toBe(507);
    expect(refused?.body.error?.code).toBe('STORAGE_FULL');
    await writeFile(filler, '');
    acknowledged.push(await acceptAgain(node, net));
    await expectAllKept(dir, node, acknowledged, net);
  });
});

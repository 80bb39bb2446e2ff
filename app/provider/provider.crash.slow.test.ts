// Kill and resume, with the provider and the ledger node as separate processes: an upload killed at about 50%
// (first the depositor's `evidence deposit`, then separately the provider) resumes where it stopped and ends
// with the right hash in the store and a recorded deposition.
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyReceipt } from '../proof/receipt';
import { parseTrustBundle } from '../trust/bundle';
import { hashFile } from './store';
import { BIN, cliEnv, REPO, startCli, startCluster, stop, type Cluster } from '../testing/provider-cluster';

const SIZE = 768 << 20;
let c: Cluster;
let dir: string;
let big: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'provider-crash-'));
  c = await startCluster(dir);
  big = join(dir, 'disk.img');
  // Pseudo-random content (a counter hashed per block), written once.
  const out = createWriteStream(big);
  for (let i = 0; i < SIZE / (1 << 20); i++) {
    const block = Buffer.alloc(1 << 20);
    const seed = createHash('sha256').update(String(i)).digest();
    for (let o = 0; o < block.length; o += 32) seed.copy(block, o);
    if (!out.write(block)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}, 300_000);
afterAll(async () => {
  await c?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Bytes the provider has received so far for the single upload in its staging folder. */
async function staged(): Promise<number> {
  const names = (await readdir(join(c.providerDir, 'staging'))).filter((n) => /^[0-9a-f]{32}$/.test(n));
  if (names.length === 0) return 0;
  return (await stat(join(c.providerDir, 'staging', names[0]!))).size;
}

async function waitFor(cond: () => Promise<boolean>, what: string, timeoutMs = 240_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function deposit(receipts: string) {
  const child = spawn(
    process.execPath,
    [BIN, 'deposit', '--trust', join(c.nodeDir, 'trust.bundle'), '--provider', c.provider.url, '--node', c.node.url, '--key', c.alice.keystore, '--case', c.caseId, '--exhibit-prefix', 'EX-CRASH-', '--receipts', receipts, big],
    { cwd: REPO, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<number>((r) => child.once('exit', (code) => r(code ?? -1)));
  return { child, done, output: () => out };
}

describe('an upload killed at ~50% resumes', () => {
  it('after the client is killed, then after the provider is killed, and ends with the right hash', async () => {
    const receipts = join(dir, 'receipts');
    const expected = await hashFile(big);

    // 1. Kill the depositor's process at ~50% of the upload.
    const first = deposit(receipts);
    await waitFor(async () => (await staged()) >= SIZE * 0.4, 'the upload to reach 40%');
    await stop(first.child);
    const afterClient = await staged();
    expect(afterClient).toBeGreaterThan(0);
    expect(afterClient).toBeLessThan(SIZE);

    // 2. Resume; kill the provider at ~50% of what is left, then start it again on the same port: the
    //    client's retries reach it and the upload resumes from the provider's offset.
    const second = deposit(receipts);
    await waitFor(async () => /resuming http/.test(second.output()), 'the client to resume');
    await waitFor(async () => (await staged()) >= afterClient + (SIZE - afterClient) * 0.4, 'the resumed upload to progress');
    const port = new URL(c.provider.url).port;
    await stop(c.provider.child);
    const afterServer = await staged();
    expect(afterServer).toBeGreaterThan(afterClient);
    expect(afterServer).toBeLessThan(SIZE);
    c.provider = await startCli(['provider', 'serve', '--dir', c.providerDir, '--ledger', c.node.url, '--port', port]);
    const code = await second.done;
    expect(second.output()).toMatch(/resuming http/);
    expect(code).toBe(0);

    // The store holds exactly the original bytes, once; the deposition is recorded.
    const object = join(c.providerDir, 'store', 'objects', expected.sha256.slice(0, 2), expected.sha256.slice(2));
    expect(await hashFile(object)).toEqual(expected);
    const receipt = JSON.parse(await readFile(join(receipts, 'EX-CRASH-disk.img.evidence-receipt.json'), 'utf8')) as unknown;
    expect(verifyReceipt(receipt, { bundle: parseTrustBundle(await readFile(join(c.nodeDir, 'trust.bundle'))) }, { file: expected }).ok).toBe(true);
    expect(await readdir(join(c.providerDir, 'staging'))).toEqual([]);
  }, 600_000);
});

// The provider and a ledger node as separate processes started through the CLI, on 127.0.0.1: what a
// depositor can and cannot do, and a full deposition that ends in the log with both signatures and passes
// `evidence log verify`. (Kill-and-resume runs in provider.crash.slow.test.ts.)
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyReceipt } from '../proof/receipt';
import { parseTrustBundle } from '../trust/bundle';
import { AUTH_HEADER, bodyDigestOf, signRequest } from './auth';
import { ProviderClient } from './client';
import { makePerson, runCli, startCli, startCluster, stop, type Cluster } from '../testing/provider-cluster';

let c: Cluster;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'provider-int-'));
  c = await startCluster(dir);
}, 180_000);
afterAll(async () => {
  await c?.close();
  await rm(dir, { recursive: true, force: true });
});

const client = (who: Cluster['alice'], name: string) =>
  new ProviderClient({ baseUrl: c.provider.url, signer: who.signer, urlStorageFile: join(dir, `urls-${name}.json`) });

async function objects(): Promise<string[]> {
  const root = join(c.providerDir, 'store', 'objects');
  const out: string[] = [];
  for (const p of await readdir(root)) for (const n of await readdir(join(root, p))) out.push(p + n);
  return out.sort();
}

async function logSize(): Promise<number> {
  return Number((await (await fetch(`${c.node.url}/checkpoint`)).text()).split('\n')[1]);
}

async function file(name: string, bytes: Buffer) {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return { path, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
}

describe('provider and ledger node as processes', () => {
  it('rejects a wrong declared hash: nothing is stored, signed or recorded', async () => {
    const f = await file('wrong.bin', randomBytes(500_000));
    const before = { objects: await objects(), size: await logSize() };
    const wrong = createHash('sha256').update('not these bytes').digest('hex');
    await expect(client(c.alice, 'a').upload(f.path, { sha256: wrong, size: f.size })).rejects.toMatchObject({ status: 422, code: 'INTEGRITY' });
    expect(await objects()).toEqual(before.objects);
    expect(await readdir(join(c.providerDir, 'staging'))).toEqual([]);
    expect(await readdir(join(c.providerDir, 'receipts'))).toEqual([]);
    expect(await logSize()).toBe(before.size);
  });

  it('answers an unknown key 401 and a replayed request 401', async () => {
    await expect(client(c.mallory, 'm').storedSize('0'.repeat(64))).rejects.toMatchObject({ status: 401, code: 'UNKNOWN_KEY' });
    const path = `/objects/${'1'.repeat(64)}/verify`;
    const body = Buffer.from('{}');
    const headers = { [AUTH_HEADER]: signRequest(c.alice.signer, { method: 'POST', path, bodyDigest: bodyDigestOf(body) }), 'content-type': 'application/json' };
    expect((await fetch(c.provider.url + path, { method: 'POST', headers, body })).status).toBe(404);
    const replay = await fetch(c.provider.url + path, { method: 'POST', headers, body });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ error: { code: 'REPLAYED_NONCE' } });
  });

  it('keeps one object when two depositors upload identical content', async () => {
    const f = await file('same.bin', randomBytes(1 << 20));
    await Promise.all([client(c.alice, 'a').upload(f.path, f), client(c.bob, 'b').upload(f.path, f)]);
    expect((await objects()).filter((o) => o === f.sha256)).toEqual([f.sha256]);
  });

  it('refuses to deposit without a trust root, and before sending a byte to a look-alike node or a provider not in the bundle', async () => {
    const f = await file('refused.bin', randomBytes(100_000));
    const before = { objects: await objects(), size: await logSize(), staging: await readdir(join(c.providerDir, 'staging')) };
    const args = ['--provider', c.provider.url, '--key', c.alice.keystore, '--case', c.caseId, '--receipts', join(dir, 'refused'), f.path];
    const none = runCli(['deposit', '--node', c.node.url, ...args]);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/deposit needs a trust root: give --trust BUNDLE/);
    // A look-alike ledger: same origin, a new log key and admin.
    const fakeDir = join(dir, 'fake-node');
    const fakeAdmin = await makePerson(dir, 'fake-admin', 'admin');
    fakeAdmin.signer.dispose();
    expect(runCli(['node', 'init', '--dir', fakeDir, '--name', c.origin, '--admin-key', fakeAdmin.keystore]).status).toBe(0);
    const fake = await startCli(['node', 'serve', '--dir', fakeDir, '--port', '0', '--batch-ms', '50']);
    try {
      const fakeSize = Number((await (await fetch(`${fake.url}/checkpoint`)).text()).split('\n')[1]);
      const r = runCli(['deposit', '--trust', join(c.nodeDir, 'trust.bundle'), '--node', fake.url, ...args]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/log key not in the trust root/);
      expect(r.stderr).toMatch(/nothing was sent/);
      // With the fake ledger's own fingerprint, the genuine provider is refused: its key is not in that bundle.
      const fakeFp = parseTrustBundle(await readFile(join(fakeDir, 'trust.bundle'))).fingerprint;
      const p = runCli(['deposit', '--trust-fingerprint', fakeFp, '--node', fake.url, ...args]);
      expect(p.status).toBe(1);
      expect(p.stderr).toMatch(new RegExp(`the provider at .* has key ${c.providerKeyId}, which is not in the trust root`));
      expect(Number((await (await fetch(`${fake.url}/checkpoint`)).text()).split('\n')[1])).toBe(fakeSize);
    } finally {
      await stop(fake.child, 'SIGTERM');
    }
    expect(await objects()).toEqual(before.objects);
    expect(await readdir(join(c.providerDir, 'staging'))).toEqual(before.staging);
    expect(await logSize()).toBe(before.size);
  }, 180_000);

  it('records a full deposition with both signatures that passes `evidence log verify`', async () => {
    const f = await file('exhibit photo.jpg', randomBytes(2 << 20));
    const receipts = join(dir, 'receipts');
    const r = runCli([
      'deposit',
      '--trust', join(c.nodeDir, 'trust.bundle'),
      '--provider', c.provider.url,
      '--node', c.node.url,
      '--key', c.alice.keystore,
      '--case', c.caseId,
      '--exhibit-prefix', 'EX-INT-',
      '--receipts', receipts,
      f.path,
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const stage of ['sign-request', 'upload', 'countersign', 'cosign', 'submit', 'promise', 'recorded', 'receipt']) {
      expect(r.stdout).toMatch(new RegExp(`\\[EX-INT-exhibit_photo\\.jpg\\] ${stage}: `));
    }
    const receipt = JSON.parse(await readFile(join(receipts, 'EX-INT-exhibit_photo.jpg.evidence-receipt.json'), 'utf8')) as { entry: string };
    const entry = JSON.parse(Buffer.from(receipt.entry, 'base64').toString('utf8')) as {
      record: { type: string; receipt: { objects: unknown } };
      signatures: Array<{ role: string; keyId: string }>;
    };
    expect(entry.record.type).toBe('deposition');
    expect(entry.record.receipt.objects).toEqual([{ sha256: f.sha256, size: f.size }]);
    expect(Object.fromEntries(entry.signatures.map((s) => [s.role, s.keyId]))).toEqual({ provider: c.providerKeyId, depositor: c.alice.signer.keyId });
    // A court's check of the receipt, offline, with the file: every check passes (this ledger needs no witnesses).
    const report = verifyReceipt(receipt, { bundle: parseTrustBundle(await readFile(join(c.nodeDir, 'trust.bundle'))) }, { file: { sha256: f.sha256, size: f.size } });
    expect(report.checks.filter((x) => x.status !== 'pass')).toEqual([]);
    expect(report.ok).toBe(true);
    const cli = runCli(['verify-receipt', join(receipts, 'EX-INT-exhibit_photo.jpg.evidence-receipt.json'), '--file', f.path, '--trust', join(c.nodeDir, 'trust.bundle')]);
    expect(cli.stdout).not.toMatch(/✗/);
    expect(cli.status).toBe(0);
    // Without a trust root the same receipt is unanchored: exit 3, with the fingerprint to compare.
    const bare = runCli(['verify-receipt', join(receipts, 'EX-INT-exhibit_photo.jpg.evidence-receipt.json')]);
    expect(bare.stdout).toMatch(/UNANCHORED/);
    expect(bare.status).toBe(3);
    const verify = runCli(['log', 'verify', c.node.url]);
    expect(verify.status).toBe(0);
    expect(verify.stdout).toMatch(/^ok: /);
    expect(verify.stdout).toMatch(/exhibits 1/);
  }, 180_000);
});

// Membership read from a real ledger node (app/node) over HTTP and from its folder.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSignature, signRecord, type SignedRecord } from '../crypto/envelope';
import { generateSigner } from '../crypto/signer';
import { adminRole, entryBytes } from '../ledger/rules';
import { SampleNetwork } from '../node/sample-network';
import { initNode } from '../node/init';
import { startNodeServer, type LedgerNode } from '../node/server';
import type { TileFetcher } from '../ledger/tiles';
import { LedgerMemberDirectory, tileFetcherFor } from './ledger-members';

const ORIGIN = 'provider.test/ledger';
let dir: string;
let net: SampleNetwork;
let node: LedgerNode;

async function submit(env: SignedRecord): Promise<void> {
  const res = await fetch(`${node.url}/add`, { method: 'POST', body: Buffer.from(entryBytes(env)) });
  if (res.status !== 200) throw new Error(`POST /add: ${res.status} ${await res.text()}`);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'provider-ledger-'));
  net = new SampleNetwork({ origin: ORIGIN, seed: 5 });
  await initNode({ dir, origin: ORIGIN, key: net.logKey, genesis: () => net.genesis() });
  node = await startNodeServer({ dir, batchMs: 20 });
  for (let i = 0; i < 8; i++) await submit(net.next()); // the sample's enrolments
  await node.sequencer.integrate();
});
afterAll(async () => {
  await node?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('LedgerMemberDirectory', () => {
  it.each([
    ['over HTTP', () => node.url],
    ['from the node folder', () => dir],
  ])('answers from the verified log %s and follows a revocation', async (_how, source) => {
    const members = await LedgerMemberDirectory.open(source(), { refreshMs: 0 });
    try {
      expect(members.origin).toBe(ORIGIN);
      const officer = net.officers[0]!;
      expect(await members.lookup(officer.signer.keyId)).toMatchObject({
        keyId: officer.signer.keyId,
        publicKey: officer.signer.publicKey,
        role: officer.role,
        enrolled: true,
        revoked: false,
      });
      expect(await members.lookup(net.providers[0]!.signer.keyId)).toMatchObject({ role: 'provider' });
      expect(await members.lookup(generateSigner().keyId)).toBeUndefined();
    } finally {
      members.close();
    }
  });

  it('sees a revocation logged after it started', async () => {
    const members = await LedgerMemberDirectory.open(node.url, { refreshMs: 0 });
    const victim = net.officers[1]!;
    expect((await members.lookup(victim.signer.keyId))?.revoked).toBe(false);
    const record = { type: 'member.revoke', v: 1, origin: ORIGIN, id: 'revoke-test-1', time: new Date().toISOString(), keyId: victim.signer.keyId, reason: 'left the unit' };
    let env = signRecord(record, adminRole(0), net.admins[0]!.signer) as SignedRecord;
    for (let i = 1; i < net.adminQuorum; i++) env = addSignature(env, adminRole(i), net.admins[i]!.signer);
    await submit(env);
    await node.sequencer.integrate();
    await members.refresh();
    expect((await members.lookup(victim.signer.keyId))?.revoked).toBe(true);
    members.close();
  });

  /** Logs a revocation of `keyId` (signed by the admin quorum) and integrates it. */
  async function revoke(keyId: string, id: string): Promise<void> {
    const record = { type: 'member.revoke', v: 1, origin: ORIGIN, id, time: new Date().toISOString(), keyId, reason: 'left the unit' };
    let env = signRecord(record, adminRole(0), net.admins[0]!.signer) as SignedRecord;
    for (let i = 1; i < net.adminQuorum; i++) env = addSignature(env, adminRole(i), net.admins[i]!.signer);
    await submit(env);
    await node.sequencer.integrate();
  }

  it('follows the log from the size it verified: only the new checkpoint and bundles are read', async () => {
    const base = await tileFetcherFor(dir);
    const read: string[] = [];
    const counting: TileFetcher = { get: (path) => (read.push(path), base.get(path)) };
    const members = await LedgerMemberDirectory.open(counting, { refreshMs: 0 });
    try {
      expect(read.some((p) => p.startsWith('tile/0/'))).toBe(true); // the first read checks the hash tiles too
      const size = members.size;
      const victim = net.officers.at(-1)!;
      await revoke(victim.signer.keyId, 'revoke-follow-1');
      read.length = 0;
      await members.refresh();
      expect(members.size).toBe(size + 1);
      expect((await members.lookup(victim.signer.keyId))?.revoked).toBe(true);
      // The checkpoint and the one (partial) bundle holding the new entry: no tile, no earlier bundle.
      expect(read).toEqual(['checkpoint', expect.stringMatching(/^tile\/entries\/000(\.p\/\d+)?$/)]);
      read.length = 0;
      await members.refresh();
      expect(read).toEqual(['checkpoint']);
    } finally {
      members.close();
    }
  });

  it('refuses a checkpoint that does not extend the entries it verified, and keeps its state', async () => {
    const base = await tileFetcherFor(dir);
    const older = await base.get('checkpoint');
    let tamper: 'none' | 'old-checkpoint' | 'altered-entry' = 'none';
    const fetcher: TileFetcher = {
      async get(path) {
        if (tamper === 'old-checkpoint' && path === 'checkpoint') return older;
        const bytes = await base.get(path);
        if (tamper === 'altered-entry' && path.startsWith('tile/entries/')) {
          const copy = Uint8Array.from(bytes);
          copy[copy.length - 2]! ^= 1; // inside the last entry's bytes, not its length prefix
          return copy;
        }
        return bytes;
      },
    };
    const members = await LedgerMemberDirectory.open(fetcher, { refreshMs: 0 });
    try {
      const size = members.size;
      const victim = net.officers.at(-2)!;
      await revoke(victim.signer.keyId, 'revoke-follow-2');
      tamper = 'altered-entry';
      await expect(members.refresh()).rejects.toMatchObject({ code: 'LEDGER_ROOT_MISMATCH' });
      expect(members.size).toBe(size);
      expect((await members.lookup(victim.signer.keyId))?.revoked).toBe(false);
      tamper = 'none';
      await members.refresh();
      expect((await members.lookup(victim.signer.keyId))?.revoked).toBe(true);
      tamper = 'old-checkpoint';
      await expect(members.refresh()).rejects.toThrow(/shrank from \d+ to \d+ entries/);
      expect(members.size).toBe(size + 1);
    } finally {
      members.close();
    }
  });

  it('refuses a log of another ledger', async () => {
    await expect(LedgerMemberDirectory.open(node.url, { refreshMs: 0, origin: 'other.example/ledger' })).rejects.toThrow(/origin|checkpoint/);
  });
});

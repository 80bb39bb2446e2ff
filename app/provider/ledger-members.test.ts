// Membership read from a real ledger node (app/node) over HTTP and from its folder.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSignature, signRecord, type SignedRecord } from '../crypto/envelope';
import { generateSigner } from '../crypto/signer';
import { adminRole } from '../ledger/rules';
import { SampleNetwork, entryBytes } from '../ledger/sample';
import { initNode } from '../node/init';
import { startNodeServer, type LedgerNode } from '../node/server';
import { LedgerMemberDirectory } from './ledger-members';

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

  it('refuses a log of another ledger', async () => {
    await expect(LedgerMemberDirectory.open(node.url, { refreshMs: 0, origin: 'other.example/ledger' })).rejects.toThrow(/origin|checkpoint/);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkstationHost } from './host';
import type { HostLogger } from './dispatch';
import { IDENTITIES_DIR } from './identity';
import { createKeystore } from '../crypto/keystore';
import { recordDigest } from '../crypto/record-digest';
import { verifyDigest } from '../crypto/secp256k1';

const FAST = { N: 1024, r: 8, p: 1 };
const log: HostLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const alice = { name: 'Alice Chen', badge: 'PC 1234', role: 'investigator', passphrase: 'correct horse battery' } as const;

let dir: string;
let host: WorkstationHost;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'identity-'));
  host = await WorkstationHost.open({ dataDir: dir, shell: 'web', log, scrypt: FAST });
});
afterEach(async () => {
  await host.close();
  await rm(dir, { recursive: true, force: true });
});

type Ok<T> = { ok: true; value: T };
const value = <T>(r: unknown) => (r as Ok<T>).value;

describe('identities', () => {
  it('creates an identity, stores it encrypted with mode 0600, and unlocks it', async () => {
    const events: unknown[] = [];
    host.onEvent((e, p) => e === 'onIdentityChanged' && events.push(p));
    const r = await host.call('identity.create', alice);
    expect(r.ok).toBe(true);
    const status = value<{ unlocked: { keyId: string; name: string }; identities: unknown[] }>(r);
    expect(status.unlocked).toMatchObject({ name: 'Alice Chen', badge: 'PC 1234', role: 'investigator' });
    expect(status.identities).toHaveLength(1);
    const file = join(dir, IDENTITIES_DIR, `${status.unlocked.keyId}.json`);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(alice.passphrase);
    expect(events).toEqual([status]);
    // The unlocked signer signs for the host; its signature verifies against the identity's public key.
    const { signer, info } = host.identity.signer();
    const digest = recordDigest({ type: 'test', n: 1 });
    expect(verifyDigest(signer.sign(digest), digest, info.publicKey)).toMatchObject({ ok: true });
  });

  it('never sends key material or the passphrase through the contract', async () => {
    const r = await host.call('identity.create', alice);
    const text = JSON.stringify(r) + JSON.stringify(await host.call('identity.status', {}));
    expect(text).not.toContain(alice.passphrase);
    expect(text).not.toMatch(/ciphertext|privateKey|"sig"/);
  });

  it('locks, refuses a wrong passphrase with an actionable message, and unlocks with the right one', async () => {
    const created = value<{ unlocked: { keyId: string } }>(await host.call('identity.create', alice));
    const keyId = created.unlocked.keyId;
    expect(value<{ unlocked: null }>(await host.call('identity.lock', {})).unlocked).toBeNull();
    expect(() => host.identity.signer()).toThrow(expect.objectContaining({ code: 'LOCKED' }));
    const wrong = await host.call('identity.unlock', { keyId, passphrase: 'not it at all' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'WRONG_PASSPHRASE', message: expect.stringContaining('Caps Lock') } });
    const right = await host.call('identity.unlock', { keyId, passphrase: alice.passphrase });
    expect(value<{ unlocked: { keyId: string } }>(right).unlocked.keyId).toBe(keyId);
    const missing = await host.call('identity.unlock', { keyId: '0'.repeat(32), passphrase: 'x' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'IDENTITY_NOT_FOUND' } });
  });

  it('refuses a short passphrase and an unknown role by schema', async () => {
    const short = await host.call('identity.create', { ...alice, passphrase: 'short' });
    expect(short).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('passphrase') } });
    const role = await host.call('identity.create', { ...alice, role: 'root' });
    expect(role).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('role') } });
    expect(await readdir(dir)).not.toContain(IDENTITIES_DIR);
  });

  it('imports a keystore file after checking its passphrase, once', async () => {
    const elsewhere = join(dir, 'bob.json');
    const info = await createKeystore(elsewhere, 'bob passphrase 1', { meta: { name: 'Bob', badge: '77', role: 'custodian' }, scrypt: FAST });
    const keystore = await readFile(elsewhere, 'utf8');
    const wrong = await host.call('identity.import', { keystore, passphrase: 'nope' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'WRONG_PASSPHRASE' } });
    const r = await host.call('identity.import', { keystore, passphrase: 'bob passphrase 1' });
    expect(value<{ unlocked: { keyId: string; name: string } }>(r).unlocked).toMatchObject({ keyId: info.keyId, name: 'Bob' });
    const again = await host.call('identity.import', { keystore, passphrase: 'bob passphrase 1' });
    expect(again).toMatchObject({ ok: false, error: { code: 'IDENTITY_EXISTS' } });
    const garbage = await host.call('identity.import', { keystore: '{"format":"x"}', passphrase: 'p' });
    expect(garbage).toMatchObject({ ok: false, error: { code: 'KEYSTORE_INVALID' } });
    expect((await readdir(join(dir, IDENTITIES_DIR))).filter((n) => n.includes('.tmp'))).toEqual([]);
  });

  it('lists several officers and keeps only one unlocked', async () => {
    const a = value<{ unlocked: { keyId: string } }>(await host.call('identity.create', alice)).unlocked.keyId;
    const b = value<{ unlocked: { keyId: string }; identities: unknown[] }>(
      await host.call('identity.create', { name: 'Bao Wei', badge: 'C-9', role: 'custodian', passphrase: 'another long one' }),
    );
    expect(b.identities).toHaveLength(2);
    expect(b.unlocked.keyId).not.toBe(a);
    expect(host.identity.signer().info.keyId).toBe(b.unlocked.keyId);
  });
});

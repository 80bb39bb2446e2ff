import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  KeystoreCorruptError,
  KeystoreExistsError,
  KeystoreNotFoundError,
  KeystorePassphraseError,
  KeystoreVersionError,
  PassphraseError,
} from './errors';
import { toHex } from './encoding';
import { signRecord, verifyEnvelope } from './envelope';
import { createKeystore, readKeystoreInfo, unlockKeystore, type ScryptParams } from './keystore';
import { generatePrivateKey, getPublicKey, keyIdOf } from './secp256k1';

/** The file as JSON, loosely typed so tests can damage it. */
type KeystoreJson = {
  format?: unknown;
  version?: unknown;
  kdf: Record<string, unknown>;
  cipher: Record<string, string>;
  meta: Record<string, string>;
  publicKey: string;
  keyId: string;
  extra?: unknown;
};

const LOW: ScryptParams = { N: 1024, r: 8, p: 1 };
let dir: string;
let n = 0;
const fresh = () => join(dir, `k${n++}.json`);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'evidence-keystore-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function make(passphrase = 'correct horse battery staple') {
  const path = fresh();
  const info = await createKeystore(path, passphrase, { scrypt: LOW, meta: { name: '李警官 Li', badge: 'B-1024', role: 'investigator' } });
  return { path, info, passphrase };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as { code: string }).code;
  }
  return 'no error';
}

describe('keystore', () => {
  it('creates a versioned 0600 JSON file and unlocks to a working signer', async () => {
    const { path, info, passphrase } = await make();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const json = JSON.parse(readFileSync(path, 'utf8'));
    expect(json).toMatchObject({
      format: 'evidence-keystore',
      version: 1,
      kdf: { name: 'scrypt', N: 1024, r: 8, p: 1, dkLen: 64 },
      cipher: { name: 'aes-256-gcm' },
      publicKey: info.publicKey,
      keyId: keyIdOf(info.publicKey),
      meta: { name: '李警官 Li', badge: 'B-1024', role: 'investigator' },
    });
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const unlocked = await unlockKeystore(path, passphrase);
    expect(unlocked.keyId).toBe(info.keyId);
    expect(unlocked.meta.role).toBe('investigator');
    const env = signRecord({ type: 'case.open', caseId: 'C-1' }, 'investigator', unlocked.signer);
    const policy = { resolveKey: (id: string) => (id === info.keyId ? info.publicKey : undefined), requiredRoles: ['investigator'] };
    expect(verifyEnvelope(env, policy).ok).toBe(true);
    // The unlocked object carries no private key material.
    expect(Object.keys(unlocked).sort()).toEqual(['createdAt', 'kdf', 'keyId', 'meta', 'path', 'publicKey', 'signer']);
    unlocked.signer.dispose();
  });

  it('imports a given private key and zeroes it', async () => {
    const priv = generatePrivateKey();
    const pub = toHex(getPublicKey(priv));
    const info = await createKeystore(fresh(), 'pw', { scrypt: LOW, privateKey: priv });
    expect(info.publicKey).toBe(pub);
    expect(priv.every((b) => b === 0)).toBe(true);
  });

  it('readKeystoreInfo needs no passphrase', async () => {
    const { path, info } = await make();
    expect(await readKeystoreInfo(path)).toEqual(info);
  });

  it('normalises the passphrase to NFC', async () => {
    const path = fresh();
    await createKeystore(path, 'caf\u00e9', { scrypt: LOW });
    await expect(unlockKeystore(path, 'cafe\u0301')).resolves.toMatchObject({ path });
  });

  it('wrong passphrase -> KeystorePassphraseError', async () => {
    const { path } = await make();
    const err = await unlockKeystore(path, 'wrong').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeystorePassphraseError);
    expect((err as Error).message).toBe(`wrong passphrase for keystore ${path}`);
  });

  it('empty passphrase -> PassphraseError', async () => {
    expect(await codeOf(createKeystore(fresh(), '', { scrypt: LOW }))).toBe(PassphraseError.CODE);
  });

  it('refuses to overwrite an existing keystore', async () => {
    const { path } = await make();
    const before = readFileSync(path, 'utf8');
    expect(await codeOf(createKeystore(path, 'x', { scrypt: LOW }))).toBe(KeystoreExistsError.CODE);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('missing file -> KeystoreNotFoundError', async () => {
    expect(await codeOf(unlockKeystore(join(dir, 'nope.json'), 'x'))).toBe(KeystoreNotFoundError.CODE);
  });

  it('truncated at every length -> KeystoreCorruptError (never a crash or a passphrase error)', async () => {
    const { path, passphrase } = await make();
    const text = readFileSync(path, 'utf8');
    const cut = fresh();
    for (const len of [0, 1, 10, text.length / 2, text.length - 3]) {
      writeFileSync(cut, text.slice(0, Math.floor(len)));
      const err = await unlockKeystore(cut, passphrase).catch((e: unknown) => e);
      expect(err, `length ${len}`).toBeInstanceOf(KeystoreCorruptError);
    }
  });

  it.each([
    ['ciphertext byte', (j: KeystoreJson) => { j.cipher.ciphertext = flipB64(j.cipher.ciphertext); }, /authentication failed/],
    ['tag byte', (j: KeystoreJson) => { j.cipher.tag = flipB64(j.cipher.tag); }, /authentication failed/],
    ['meta (bound as GCM additional data)', (j: KeystoreJson) => { j.meta.name = 'Mallory'; }, /authentication failed/],
    ['iv', (j: KeystoreJson) => { j.cipher.iv = flipB64(j.cipher.iv); }, /authentication failed/],
    ['publicKey swapped for another key', (j: KeystoreJson) => { const p = toHex(getPublicKey(generatePrivateKey())); j.publicKey = p; j.keyId = keyIdOf(p); }, /authentication failed/],
    ['keyId', (j: KeystoreJson) => { j.keyId = '0'.repeat(32); }, /keyId is not the fingerprint/],
    ['a missing field', (j: KeystoreJson) => { delete j.cipher.tag; }, /field cipher\.tag/],
    ['an unknown field', (j: KeystoreJson) => { j.extra = 1; }, /field \(root\): Unrecognized key/],
    ['a huge N', (j: KeystoreJson) => { j.kdf.N = 2 ** 30; }, /field kdf\.N: N must be at most/],
  ])('altered %s -> KeystoreCorruptError naming the problem', async (_name, edit, msg) => {
    const { path, passphrase } = await make();
    const json = JSON.parse(readFileSync(path, 'utf8')) as KeystoreJson;
    edit(json);
    writeFileSync(path, JSON.stringify(json));
    const err = await unlockKeystore(path, passphrase).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeystoreCorruptError);
    expect((err as KeystoreCorruptError).code).toBe('E_KEYSTORE_CORRUPT');
    expect((err as Error).message).toMatch(msg);
  });

  it.each([
    ['version 2', (j: KeystoreJson) => { j.version = 2; }, /version 2; this release reads version 1/],
    ['another format', (j: KeystoreJson) => { j.format = 'ethereum-keystore'; }, /format "ethereum-keystore"/],
    ['no format', (j: KeystoreJson) => { delete j.format; }, /format undefined/],
  ])('%s -> KeystoreVersionError', async (_name, edit, msg) => {
    const { path, passphrase } = await make();
    const json = JSON.parse(readFileSync(path, 'utf8')) as KeystoreJson;
    edit(json);
    writeFileSync(path, JSON.stringify(json));
    const err = await unlockKeystore(path, passphrase).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeystoreVersionError);
    expect((err as Error).message).toMatch(msg);
  });

  it('error codes are distinct', () => {
    const codes = [KeystorePassphraseError.CODE, KeystoreCorruptError.CODE, KeystoreVersionError.CODE, KeystoreExistsError.CODE, KeystoreNotFoundError.CODE];
    expect(new Set(codes).size).toBe(codes.length);
  });
});

function flipB64(s: string | undefined): string {
  const b = Buffer.from(s ?? '', 'base64');
  b[0]! ^= 1;
  return b.toString('base64');
}

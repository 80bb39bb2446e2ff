// Keystore round-trips for any passphrase (fast-check), at a low scrypt cost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeystorePassphraseError } from './errors';
import { createKeystore, unlockKeystore } from './keystore';
import { verifyDigest } from './secp256k1';

const LOW = { N: 16, r: 1, p: 1 };
let dir: string;
let n = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'evidence-keystore-prop-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const passphrase = fc.string({ unit: 'binary', minLength: 1, maxLength: 64 });

describe('keystore properties', () => {
  it('unlocks with the passphrase it was created with, for any passphrase, and signs with the stored key', async () => {
    await fc.assert(
      fc.asyncProperty(passphrase, async (pw) => {
        const path = join(dir, `p${n++}.json`);
        const info = await createKeystore(path, pw, { scrypt: LOW });
        const { signer } = await unlockKeystore(path, pw);
        const digest = new Uint8Array(32).fill(n & 0xff);
        expect(signer.keyId).toBe(info.keyId);
        expect(verifyDigest(signer.sign(digest), digest, info.publicKey)).toEqual({ ok: true });
        signer.dispose();
      }),
      { numRuns: 30 },
    );
  });

  it('refuses any other passphrase', async () => {
    await fc.assert(
      fc.asyncProperty(passphrase, passphrase, async (pw, other) => {
        fc.pre(pw.normalize('NFC') !== other.normalize('NFC') && Buffer.from(pw.normalize('NFC')).compare(Buffer.from(other.normalize('NFC'))) !== 0);
        const path = join(dir, `q${n++}.json`);
        await createKeystore(path, pw, { scrypt: LOW });
        await expect(unlockKeystore(path, other)).rejects.toBeInstanceOf(KeystorePassphraseError);
      }),
      { numRuns: 20 },
    );
  });
});

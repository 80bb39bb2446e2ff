// Interoperability (docs/DESIGN.md: signatures "verify with openssl as ordinary ECDSA"): a signature made by the core
// verifies with `openssl dgst -sha256 -verify pub.pem -signature sig.der` over the exact signed bytes, and a
// one-byte change to the record makes openssl reject it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromBase64 } from './encoding';
import { signRecord } from './envelope';
import { recordSignedBytes } from './record-digest';
import { compactToDer, flipS, publicKeyToPem } from './secp256k1';
import { generateSigner } from './signer';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'evidence-openssl-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function opensslVerify(pem: string, der: Uint8Array, message: Uint8Array): { ok: boolean; out: string } {
  writeFileSync(join(dir, 'pub.pem'), pem);
  writeFileSync(join(dir, 'sig.der'), der);
  writeFileSync(join(dir, 'msg.bin'), message);
  const r = spawnSync('openssl', ['dgst', '-sha256', '-verify', 'pub.pem', '-signature', 'sig.der', 'msg.bin'], { cwd: dir, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

describe('openssl interop', () => {
  const signer = generateSigner();
  const env = signRecord({ type: 'deposition', caseId: 'C-1', note: '证据 exhibit', files: [{ sha256: 'cd'.repeat(32), size: 4096 }] }, 'depositor', signer);
  const der = compactToDer(fromBase64(env.signatures[0]!.sig));
  const pem = publicKeyToPem(signer.publicKey);

  it('openssl verifies the signature over tag || 0x0A || JCS(record)', () => {
    const r = opensslVerify(pem, der, recordSignedBytes(env.record));
    expect(r.out).toContain('Verified OK');
    expect(r.ok).toBe(true);
  });

  it('a one-byte change to the record makes openssl reject it', () => {
    const changed = { ...env.record, caseId: 'C-2' };
    const bytes = recordSignedBytes(changed);
    expect(bytes.length).toBe(recordSignedBytes(env.record).length);
    const r = opensslVerify(pem, der, bytes);
    expect(r.out).toContain('Verification failure');
    expect(r.ok).toBe(false);
  });

  it('a one-byte change to the signed bytes (the tag) makes openssl reject it', () => {
    const bytes = Uint8Array.from(recordSignedBytes(env.record));
    bytes[0]! ^= 0x01;
    expect(opensslVerify(pem, der, bytes).ok).toBe(false);
  });

  it('openssl accepts the high-S twin (plain ECDSA), which our verifiers refuse (see bulk-verify.test.ts)', () => {
    const twin = compactToDer(flipS(fromBase64(env.signatures[0]!.sig)));
    expect(opensslVerify(pem, twin, recordSignedBytes(env.record)).ok).toBe(true);
  });
});

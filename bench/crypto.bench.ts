// Signing-core benchmarks. Ratios against baselines measured in the same run (docs/STYLE.md):
//  1. secp256k1 verification: node:crypto (bulk-verify.ts) vs noble over the same signatures; noble signing rate.
//  2. Keystore unlock vs one plain scrypt call with the same parameters (unlock should cost scrypt + ~nothing).
// BENCH_FULL=1 uses more signatures and unlock repetitions.
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes, scrypt } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeVerifier } from '../app/crypto/bulk-verify';
import { DEFAULT_SCRYPT, createKeystore, unlockKeystore } from '../app/crypto/keystore';
import { recordMessage } from '../app/crypto/record-digest';
import { generatePrivateKey, getPublicKey, nobleVerifier, signDigest, type Secp256k1Verifier, type SignedMessage } from '../app/crypto/secp256k1';

const full = process.env.BENCH_FULL === '1';

function timeIt(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

export async function run(): Promise<void> {
  const count = full ? 5000 : 1000;
  const keys = Array.from({ length: 8 }, () => generatePrivateKey());
  const pubs = keys.map((k) => getPublicKey(k));
  const items: { sig: Uint8Array; msg: SignedMessage; pub: Uint8Array }[] = [];
  const signSeconds = timeIt(() => {
    for (let i = 0; i < count; i++) {
      const msg = recordMessage({ type: 'access', item: `E-${i}`, officer: i % 8 });
      items.push({ sig: signDigest(msg.digest, keys[i % 8]!), msg, pub: pubs[i % 8]! });
    }
  });
  const verifyAll = (v: Secp256k1Verifier) => {
    let ok = 0;
    const s = timeIt(() => {
      for (const it of items) if (v.verify(it.sig, it.msg, it.pub).ok) ok++;
    });
    if (ok !== items.length) throw new Error(`${v.name}: ${ok}/${items.length} verified`);
    return s;
  };
  verifyAll(nodeVerifier); // warm up both (JIT, key cache)
  verifyAll(nobleVerifier);
  const noble = verifyAll(nobleVerifier);
  const node = verifyAll(nodeVerifier);
  const rate = (s: number) => Math.round(count / s);
  console.log(`secp256k1 verify, ${count} signatures over 8 keys:`);
  console.log(`  noble         ${rate(noble)}/s (baseline)`);
  console.log(`  node:crypto   ${rate(node)}/s   ratio node/noble = ${(noble / node).toFixed(2)}x`);
  console.log(`  noble sign    ${rate(signSeconds)}/s   ratio sign/verify (noble) = ${(noble / signSeconds).toFixed(2)}x (incl. JCS + SHA-256)`);

  const dir = mkdtempSync(join(tmpdir(), 'evidence-bench-ks-'));
  try {
    const path = join(dir, 'k.json');
    await createKeystore(path, 'bench passphrase', {});
    const reps = full ? 5 : 3;
    const salt = randomBytes(32);
    const { N, r, p } = DEFAULT_SCRYPT;
    const plain = async () =>
      new Promise<void>((done, fail) =>
        scrypt('bench passphrase', salt, 64, { N, r, p, maxmem: 128 * N * r * p + 16 * 1024 * 1024 }, (err) => (err ? fail(err) : done())),
      );
    let scryptTotal = 0;
    let unlockTotal = 0;
    for (let i = 0; i < reps; i++) {
      scryptTotal += await timeAsync(plain);
      unlockTotal += await timeAsync(async () => (await unlockKeystore(path, 'bench passphrase')).signer.dispose());
    }
    console.log(`keystore unlock (scrypt N=${N} r=${r} p=${p}, ${reps} runs each):`);
    console.log(`  plain scrypt  ${((scryptTotal / reps) * 1000).toFixed(0)} ms (baseline)`);
    console.log(`  unlock        ${((unlockTotal / reps) * 1000).toFixed(0)} ms   ratio unlock/scrypt = ${(unlockTotal / scryptTotal).toFixed(2)}x`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

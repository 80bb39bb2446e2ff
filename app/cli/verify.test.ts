// `evidence verify FILE RECEIPT` on a receipt exported with a report after a real deposition (the standalone
// stack: sequencer, provider and witness code, driven through the host's contract). Every kind of tampering
// fails with the specific check named, and the exit code says so.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { WorkstationHost } from '../host/host';
import type { DepositionProgress, Envelope, ReportPrinted } from '../contract/api';
import { fromBase64, toBase64 } from '../crypto/encoding';
import { generateNoteKey } from '../ledger/note';
import { generateSigner } from '../crypto/signer';
import { launchChromiumPrinter } from '../report/pdf';
import { formatTlogProof, parseTlogProof } from '../proof/tlog-proof';
import { main } from './main';
import { formatFingerprint, parseTrustBundle } from '../trust/bundle';

let dir: string;
let file: string;
let receiptText: string;
let receipt: string;
const ok = <T>(e: Envelope<T>): T => {
  if (!e.ok) throw new Error(`${e.error.code}: ${e.error.message}`);
  return e.value;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'verify-cli-'));
  const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const host = await WorkstationHost.open({ dataDir: join(dir, 'data'), shell: 'web', log, scrypt: { N: 1024, r: 8, p: 1 }, printer: () => launchChromiumPrinter() });
  try {
    ok(await host.call('settings.update', { mode: 'standalone' }));
    ok(await host.call('identity.create', { name: 'Li Wei', badge: 'PB-1', role: 'investigator', passphrase: 'first officer pass' }));
    ok(await host.call('cases.open', { caseId: 'CASE-V', title: 'Verify', agency: 'Metro', description: '' }));
    file = join(dir, 'disk.img');
    const bytes = Buffer.from('disk image bytes '.repeat(3000));
    await writeFile(file, bytes);
    const done = new Promise<void>((resolve) =>
      host.onEvent((event, payload) => {
        const p = payload as DepositionProgress;
        if (event === 'onDepositionProgress' && (p.step === 'witnessed' || p.step === 'failed')) resolve();
      }),
    );
    ok(await host.call('deposit.start', { caseId: 'CASE-V', passphrase: 'first officer pass', items: [{ exhibitId: 'EX-V1', path: file, name: 'disk.img', size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), metadata: { description: 'disk' } }] }));
    await done;
    const r = ok(await host.call('report.print', { caseId: 'CASE-V', lang: 'en' })) as ReportPrinted;
    expect(r.receipts).toEqual([join(dirname(r.pdf), 'EX-V1.evidence-receipt.json')]);
    receipt = r.receipts[0]!;
    receiptText = await readFile(r.receipts[0]!, 'utf8');
  } finally {
    await host.close();
  }
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The standalone ledger's trust bundle, written beside its log (what the report's fingerprint names). */
const bundlePath = (): string => join(dir, 'data', 'standalone', 'trust.bundle');

async function run(...args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await main(['node', 'evidence', ...args]), out };
  } finally {
    spy.mockRestore();
    err.mockRestore();
  }
}
const verify = (evidence: string, receipt: string, ...trust: string[]) => run('verify', evidence, receipt, ...(trust.length ? trust : ['--trust', bundlePath()]));
const verifyBare = (evidence: string, receipt: string) => run('verify', evidence, receipt);

async function tampered(name: string, change: (r: Record<string, unknown>) => void): Promise<string> {
  const r = JSON.parse(receiptText) as Record<string, unknown>;
  change(r);
  const path = join(dir, `${name}.evidence-receipt.json`);
  await writeFile(path, JSON.stringify(r));
  return path;
}
const failedChecks = (out: string): string[] => [...out.matchAll(/^✗ ([a-z-]+):/gm)].map((m) => m[1]!);
const entryJson = (r: Record<string, unknown>) => JSON.parse(new TextDecoder().decode(fromBase64(r.entry as string))) as { record: Record<string, unknown>; signatures: Array<Record<string, string>> };
const setEntry = (r: Record<string, unknown>, env: unknown) => (r.entry = toBase64(new TextEncoder().encode(JSON.stringify(env))));

describe('evidence verify', () => {
  it('passes every check for the file and the receipt exported with its report', async () => {
    const { code, out } = await verify(file, receipt);
    expect(out).toMatch(/^✓ file:/m);
    expect(out).toMatch(/^✓ signatures:/m);
    expect(out).toMatch(/^✓ inclusion:/m);
    expect(out).toMatch(/^✓ log-signature:/m);
    expect(out).toMatch(/^✓ witness-quorum:/m);
    expect(out).toMatch(/^✓ trust-root:/m);
    expect(failedChecks(out)).toEqual([]);
    expect(out).toMatch(/^verified: every check passed against the trust root \(self-witnessed: no independent party has checked this record\)$/m);
    expect(code).toBe(0);
  });

  it('gives the same verdict from the built command (bin/evidence.mjs)', async () => {
    const built = spawnSync(process.execPath, [join(__dirname, '../../bin/evidence.mjs'), 'verify', file, receipt, '--trust', bundlePath()], { encoding: 'utf8' });
    expect(built.status).toBe(0);
    expect(built.stdout).toBe((await verify(file, receipt)).out);
  });

  it('passes with the fingerprint alone, and is unanchored (exit 3) without a trust root, naming the fingerprint to compare', async () => {
    const fp = parseTrustBundle(await readFile(bundlePath())).fingerprint;
    expect((await verify(file, receipt, '--trust-fingerprint', fp.toUpperCase())).code).toBe(0);
    const { code, out } = await verifyBare(file, receipt);
    expect(code).toBe(3);
    expect(failedChecks(out)).toEqual([]);
    expect(out).toMatch(/^– trust-root:/m);
    expect(out).toContain(`UNANCHORED`);
    expect(out).toContain(`The receipt claims trust bundle fingerprint ${formatFingerprint(fp)}: compare it with the fingerprint the agency publishes`);
    expect(out).toMatch(/self-witnessed: no independent party has checked this record/);
  });

  it('names the file check when one byte of the file changed', async () => {
    const bytes = await readFile(file);
    bytes[100] = bytes[100]! ^ 1;
    const changed = join(dir, 'changed.img');
    await writeFile(changed, bytes);
    const { code, out } = await verify(changed, receipt);
    expect(failedChecks(out)).toEqual(['file']);
    expect(code).toBe(1);
  });

  it.each<[string, (r: Record<string, unknown>) => void, string[]]>([
    ['a field of the entry', (r) => {
      const env = entryJson(r);
      (env.record.request as { metadata: { description: string } }).metadata.description = 'another disk';
      setEntry(r, env);
    }, ['signatures', 'inclusion']],
    ['a proof hash', (r) => {
      const p = parseTlogProof(r.proof as string);
      p.proof[0]![0] = p.proof[0]![0]! ^ 1;
      r.proof = formatTlogProof(p);
    }, ['inclusion']],
    ['the checkpoint root', (r) => {
      const p = parseTlogProof(r.proof as string);
      const lines = p.checkpoint.split('\n');
      const root = fromBase64(lines[2]!);
      root[5] = root[5]! ^ 1;
      lines[2] = toBase64(root);
      r.proof = formatTlogProof({ ...p, checkpoint: lines.join('\n') });
    }, ['inclusion', 'log-signature', 'witness-quorum']],
    ['a cosignature', (r) => {
      const p = parseTlogProof(r.proof as string);
      const lines = p.checkpoint.split('\n');
      const at = lines.findIndex((l, i) => i > 3 && l.startsWith('\u2014 ') && !l.startsWith(`\u2014 ${lines[0]} `));
      const parts = lines[at]!.split(' ');
      const sig = fromBase64(parts[2]!);
      sig[sig.length - 1] = sig[sig.length - 1]! ^ 1;
      lines[at] = `${parts[0]} ${parts[1]} ${toBase64(sig)}`;
      r.proof = formatTlogProof({ ...p, checkpoint: lines.join('\n') });
    }, ['witness-quorum']],
    ["the depositor's public key swapped for another", (r) => {
      const env = entryJson(r);
      const other = generateSigner();
      const s = env.signatures.find((x) => x.role === 'depositor')!;
      s.publicKey = other.publicKey;
      s.keyId = other.keyId;
      setEntry(r, env);
    }, ['signatures', 'enrolment', 'inclusion']],
    ["the log's public key the receipt names swapped for another (a hint only: the trust root's key is used)", (r) => {
      (r.trust as { logKey: string }).logKey = generateNoteKey(r.origin as string).vkey;
    }, ['trust-root']],
  ])('names the failing check when %s is changed', async (name, change, expected) => {
    const path = await tampered(name.replace(/\W+/g, '-'), change);
    const { code, out } = await verify(file, path);
    const failed = failedChecks(out);
    expect(failed.length).toBeGreaterThan(0);
    for (const id of failed) expect(expected).toContain(id);
    expect(failed).toContain(expected[0]);
    expect(out).toContain('FAILED:');
    expect(code).toBe(1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromBase64, toBase64 } from '../crypto/encoding';
import { generateNoteKey } from '../ledger/note';
import { parseEntry } from '../ledger/rules';
import { createSampleLog, type SampleLog } from '../testing/sample-log';
import { generateCosignerKey } from '../witness/cosignature';
import { type BuiltProof, buildProof, loadVerifiedLog } from './build';
import { type CheckId, type EvidenceReceipt, requiredRoles, verifyReceipt } from './receipt';
import type { GenesisRecord } from '../records/schemas';
import { type ParsedTrustBundle, bundleFromGenesis, checkTrustBundle, formatFingerprint } from '../trust/bundle';
import { formatTlogProof, parseTlogProof } from './tlog-proof';

const origin = 'receipt-test.example/ledger';
let root: string;
let log: SampleLog;
let loaded: Awaited<ReturnType<typeof loadVerifiedLog>>;
let depositionIndex = -1;
let built: BuiltProof;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'receipt-'));
  log = await createSampleLog(join(root, 'log'), { origin, entries: 40 });
  loaded = await loadVerifiedLog(log.driver);
  depositionIndex = loaded.entries.findIndex((e) => parseEntry(e).record.type === 'deposition');
  built = buildProof(loaded, depositionIndex);
}, 60_000);
afterAll(async () => rm(root, { recursive: true, force: true }));

/** The trust root: the bundle the sample log's genesis describes, as the agency would publish it. */
const trusted = (): { bundle: ParsedTrustBundle } => ({ bundle: checkTrustBundle(bundleFromGenesis(parseEntry(loaded.entries[0]!).record as GenesisRecord)) });
const failed = (r: ReturnType<typeof verifyReceipt>): CheckId[] => r.checks.filter((c) => c.status === 'fail').map((c) => c.id);
const clone = (): EvidenceReceipt => JSON.parse(JSON.stringify(built.receipt)) as EvidenceReceipt;

describe('evidence receipt', () => {
  it('verifies offline: every check passes, the file check is skipped without a file', () => {
    const r = verifyReceipt(clone(), trusted());
    expect(failed(r)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.checks.find((c) => c.id === 'file')!.status).toBe('skip');
    expect(r.entry).toMatchObject({ index: depositionIndex, type: 'deposition' });
    expect(r.limit).toMatch(/not that no key was revoked later/);
    // Context: the genesis plus the enrolments of both signers (depositor and provider).
    expect(built.receipt.context.length).toBeGreaterThanOrEqual(3);
  });

  it('checks the exhibit file hash and size', () => {
    const rec = parseEntry(fromBase64(built.receipt.entry)).record as Extract<ReturnType<typeof parseEntry>['record'], { type: 'deposition' }>;
    const o = rec.request.objects[0]!;
    expect(verifyReceipt(clone(), trusted(), { file: { sha256: o.sha256, size: o.size } }).ok).toBe(true);
    expect(failed(verifyReceipt(clone(), trusted(), { file: { sha256: o.sha256, size: o.size + 1 } }))).toEqual(['file']);
    expect(failed(verifyReceipt(clone(), trusted(), { file: { sha256: '0'.repeat(64), size: o.size } }))).toEqual(['file']);
  });

  it.each<[string, (r: EvidenceReceipt) => void, CheckId[]]>([
    ['a byte of the entry', (r) => {
      const b = fromBase64(r.entry);
      const i = new TextDecoder().decode(b).indexOf('"exhibitId":"EX-') + 17;
      b[i] = b[i]! ^ 1;
      (r as { entry: string }).entry = toBase64(b);
    }, ['signatures', 'inclusion']],
    ['a proof hash', (r) => {
      const p = parseTlogProof(r.proof);
      p.proof[1]![3] = p.proof[1]![3]! ^ 0x10;
      (r as { proof: string }).proof = formatTlogProof(p);
    }, ['inclusion']],
    ['the checkpoint root', (r) => {
      const p = parseTlogProof(r.proof);
      const lines = p.checkpoint.split('\n');
      const root = fromBase64(lines[2]!);
      root[0] = root[0]! ^ 1;
      lines[2] = toBase64(root);
      (r as { proof: string }).proof = formatTlogProof({ ...p, checkpoint: lines.join('\n') });
    }, ['log-signature', 'witness-quorum', 'inclusion']],
    ['a cosignature', (r) => {
      const p = parseTlogProof(r.proof);
      const lines = p.checkpoint.split('\n');
      const at = lines.findIndex((l) => l.startsWith('\u2014 witness-'));
      const [dash, name, sig] = lines[at]!.split(' ');
      const raw = fromBase64(sig!);
      raw[20] = raw[20]! ^ 1;
      lines[at] = `${dash} ${name} ${toBase64(raw)}`;
      (r as { proof: string }).proof = formatTlogProof({ ...p, checkpoint: lines.join('\n') });
    }, ['witness-quorum']],
    ['the log key of its trust hint', (r) => {
      (r.trust as { logKey: string }).logKey = generateNoteKey(origin).vkey;
    }, ['trust-root']],
    ['a witness key of its trust hint', (r) => {
      const w = r.trust.witnessPolicy.witnesses[0]!;
      (r.trust.witnessPolicy.witnesses as Array<{ name: string; vkey: string }>)[0] = { name: w.name, vkey: generateCosignerKey(w.name).vkey };
    }, ['trust-root']],
    ['a swapped signer public key', (r) => {
      const text = new TextDecoder().decode(fromBase64(r.entry));
      const env = JSON.parse(text) as { signatures: Array<{ publicKey: string }> };
      const other = JSON.parse(new TextDecoder().decode(fromBase64(r.context[0]!.entry))) as { signatures: Array<{ publicKey: string }> };
      env.signatures[0]!.publicKey = other.signatures[0]!.publicKey;
      (r as { entry: string }).entry = toBase64(new TextEncoder().encode(text.replace(/"publicKey":"[0-9a-f]+"/, `"publicKey":"${other.signatures[0]!.publicKey}"`)));
    }, ['signatures', 'enrolment', 'inclusion']],
    ['a context entry removed', (r) => {
      (r.context as unknown[]).splice(1, 1);
    }, ['enrolment']],
  ])('fails when tampering with %s, naming the check', (_what, tamper, expected) => {
    const r = clone();
    tamper(r);
    const report = verifyReceipt(r, trusted());
    expect(report.ok).toBe(false);
    for (const id of expected) expect(failed(report)).toContain(id);
  });

  it('checks the cosignatures with the trust root, not the receipt: a hint with other witness keys only fails trust-root', () => {
    const r = clone();
    const ws = r.trust.witnessPolicy.witnesses as Array<{ name: string; vkey: string }>;
    for (const i of [0, 1]) ws[i] = { name: ws[i]!.name, vkey: generateCosignerKey(ws[i]!.name).vkey };
    expect(failed(verifyReceipt(r, trusted()))).toEqual(['trust-root']);
  });

  it('rejects a malformed receipt with the format check', () => {
    expect(failed(verifyReceipt({ format: 'x' }, trusted()))[0]).toBe('format');
    expect(verifyReceipt(null, trusted()).ok).toBe(false);
  });

  it('refuses to build under a checkpoint that is not final', async () => {
    await log.extend(3, [0]);
    const l = await loadVerifiedLog(log.driver);
    expect(() => buildProof(l, 1)).toThrow(/1 of the 2 witness cosignatures/);
    expect(() => buildProof(loaded, 10_000)).toThrow(/not in the log/);
  });

  it('builds receipts for every record type that verify', () => {
    for (let i = 0; i < loaded.entries.length; i += 3) expect(failed(verifyReceipt(buildProof(loaded, i).receipt, trusted()))).toEqual([]);
  });

  it('requiredRoles agrees with the rules engine on every sample entry', () => {
    for (const e of loaded.entries) {
      const { envelope, record } = parseEntry(e);
      const { roles, bound } = requiredRoles(record);
      const have = new Map(envelope.signatures.map((s) => [s.role, s.keyId]));
      for (const role of roles) expect(have.has(role)).toBe(true);
      for (const [role, keyId] of Object.entries(bound)) expect(have.get(role)).toBe(keyId);
    }
  });
});

describe('trust root', () => {
  const quorumOf = (r: ReturnType<typeof verifyReceipt>) => r.checks.find((c) => c.id === 'witness-quorum')!;

  it('is unanchored without one: the checks run, nothing fails, but it is not verified and names the claimed fingerprint', () => {
    const r = verifyReceipt(clone(), undefined);
    expect(failed(r)).toEqual([]);
    expect(r).toMatchObject({ ok: false, outcome: 'unanchored', anchored: false });
    expect(r.claimed!.fingerprint).toBe(trusted().bundle.fingerprint);
    const t = r.checks.find((c) => c.id === 'trust-root')!;
    expect(t.status).toBe('skip');
    expect(t.detail).toContain(formatFingerprint(r.claimed!.fingerprint));
    expect(t.detail).toMatch(/compare it with the fingerprint the agency publishes/);
  });

  it('passes with the fingerprint alone, and fails with another fingerprint', () => {
    const fp = trusted().bundle.fingerprint;
    expect(verifyReceipt(clone(), { fingerprint: fp })).toMatchObject({ ok: true, outcome: 'verified' });
    const r = verifyReceipt(clone(), { fingerprint: 'ab'.repeat(32) });
    expect(r.outcome).toBe('failed');
    expect(failed(r)).toEqual(expect.arrayContaining(['log-signature', 'trust-root']));
    expect(r.checks.find((c) => c.id === 'log-signature')!.detail).toMatch(/^log key not in the trust root/);
  });

  it('fails a look-alike ledger (same origin and names, new keys) with "log key not in the trust root"', async () => {
    const fake = await createSampleLog(join(root, 'fake'), { origin, entries: 40, seed: 7 });
    const fakeLoaded = await loadVerifiedLog(fake.driver);
    const forged = buildProof(fakeLoaded, depositionIndex).receipt;
    expect(verifyReceipt(forged, undefined).outcome).toBe('unanchored');
    const r = verifyReceipt(forged, trusted());
    expect(r.outcome).toBe('failed');
    expect(r.checks.find((c) => c.id === 'log-signature')!.detail).toMatch(/^log key not in the trust root: the checkpoint is signed by receipt-test\.example\/ledger key [0-9a-f]{8}/);
    expect(failed(r)).toEqual(expect.arrayContaining(['log-signature', 'trust-root']));
    expect(r.checks.find((c) => c.id === 'trust-root')!.detail).toMatch(/log key not in the trust root/);
  });

  it('names the witness whose key in the trust root is not the one that cosigned', () => {
    const b = trusted().bundle.bundle;
    const g = parseEntry(loaded.entries[0]!).record as GenesisRecord;
    const ws = g.witnessPolicy.witnesses.map((w, i) => (i === 0 ? { name: w.name, vkey: generateCosignerKey(w.vkey.split('+')[0]!).vkey } : w));
    const swapped = checkTrustBundle(bundleFromGenesis({ ...g, witnessPolicy: { ...g.witnessPolicy, witnesses: ws } }));
    expect(swapped.bundle.logKey).toBe(b.logKey);
    const r = verifyReceipt(clone(), { bundle: swapped });
    const q = quorumOf(r);
    const name = ws[0]!.vkey.split('+')[0]!;
    expect(q.status).toBe('fail');
    expect(q.detail).toMatch(/fewer cosignatures than the trust root's quorum/);
    expect(q.detail).toContain(`witness ${name}: its cosignature is by key`);
  });

  it('names the witness missing when the checkpoint has fewer cosignatures than the pinned quorum', () => {
    const r = clone();
    const p = parseTlogProof(r.proof);
    const lines = p.checkpoint.split('\n');
    const at = lines.findIndex((l) => l.startsWith('\u2014 witness-'));
    const name = lines[at]!.split(' ')[1]!;
    lines.splice(at, 1);
    (r as { proof: string }).proof = formatTlogProof({ ...p, checkpoint: lines.join('\n') });
    const q = quorumOf(verifyReceipt(r, trusted()));
    expect(q.status).toBe('fail');
    expect(q.detail).toContain(`witness ${name}: no cosignature`);
  });
});

describe('tlog-proof', () => {
  it('round-trips and rejects malformed text naming the line', () => {
    const p = parseTlogProof(built.tlogProof);
    expect(formatTlogProof(p)).toBe(built.tlogProof);
    const withExtra = formatTlogProof({ ...p, extra: new Uint8Array([1, 2, 3]) });
    expect(withExtra.split('\n')[1]).toBe('extra AQID');
    expect(parseTlogProof(withExtra).extra).toEqual(new Uint8Array([1, 2, 3]));
    expect(() => parseTlogProof(built.tlogProof.replace('c2sp.org/tlog-proof@v1', 'c2sp.org/tlog-proof@v2'))).toThrow(/line 1/);
    expect(() => parseTlogProof(built.tlogProof.replace(/index \d+/, 'index 01'))).toThrow(/line 2/);
    expect(() => parseTlogProof(built.tlogProof.replace(/\n[A-Za-z0-9+/]{43}=\n/, '\nAAAA\n'))).toThrow(/3 bytes, expected 32/);
  });
});

describe('isomorphic receipt verifier', () => {
  it('receipt.ts and everything it imports use no Node built-ins', async () => {
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    const here = dirname(fileURLToPath(import.meta.url));
    const seen = new Set<string>();
    const offenders: string[] = [];
    const todo = [resolve(here, 'receipt.ts')];
    while (todo.length > 0) {
      const file = todo.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const src = await readFile(file, 'utf8');
      for (const m of src.matchAll(/^\s*(?:import|export)\s[^'"]*from\s+['"]([^'"]+)['"]/gm)) {
        const spec = m[1]!;
        if (builtins.has(spec)) offenders.push(`${file} imports ${spec}`);
        if (spec.startsWith('.')) todo.push(resolve(dirname(file), `${spec}.ts`));
      }
    }
    expect(seen.size).toBeGreaterThan(8);
    expect(offenders).toEqual([]);
  });
});

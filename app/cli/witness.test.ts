import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Server } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromBase64, toBase64 } from '../crypto/encoding';
import { parseEntry } from '../ledger/rules';
import { createSampleLog, type SampleLog } from '../testing/sample-log';
import { createTileServer } from '../mirror/server';
import { closeServer, listen } from '../witness/http';
import { main } from './main';
import { formatFingerprint, parseTrustBundle } from '../trust/bundle';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const so = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += c.toString()), true));
  const se = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += c.toString()), true));
  try {
    return { code: await main(['node', 'evidence', ...args]), out, err };
  } finally {
    so.mockRestore();
    se.mockRestore();
  }
}

const origin = 'cli-test.example/ledger';
let root: string;
let log: SampleLog;
let server: Server;
let url: string;
let dep = -1;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cli-witness-'));
  log = await createSampleLog(join(root, 'node'), { origin, entries: 30, node: true });
  server = createTileServer(log.driver);
  url = await listen(server, 0, '127.0.0.1');
  const { loadLog } = await import('../ledger/log');
  const loaded = await loadLog(log.driver, { logKey: log.net.logKey.verifier });
  dep = loaded.entries.findIndex((e) => parseEntry(e).record.type === 'deposition');
}, 60_000);
afterAll(async () => {
  await closeServer(server);
  await rm(root, { recursive: true, force: true });
});

describe('evidence log proof / verify-receipt', () => {
  it('prints the tlog-proof, writes both files, and the receipt verifies (exit 0)', async () => {
    const printed = await run('log', 'proof', '--dir', join(root, 'node'), '--index', String(dep));
    expect(printed.code).toBe(0);
    expect(printed.out).toMatch(new RegExp(`^c2sp\\.org/tlog-proof@v1\\nindex ${dep}\\n`));
    const out = join(root, 'ex');
    expect((await run('log', 'proof', '--dir', url, '--index', String(dep), '--out', out)).code).toBe(0);
    expect(existsSync(`${out}.tlog-proof`)).toBe(true);
    const bundle = join(root, 'node', 'trust.bundle');
    const v = await run('verify-receipt', `${out}.evidence-receipt.json`, '--trust', bundle);
    expect(v.code).toBe(0);
    expect(v.out).toMatch(/✓ signatures/);
    expect(v.out).toMatch(/✓ witness-quorum/);
    expect(v.out).toMatch(/✓ trust-root/);
    expect(v.out).toMatch(/– file/);
    expect(v.out).toMatch(/verified: every check passed against the trust root/);
    // The fingerprint alone anchors it too; nothing at all leaves it unanchored (exit 3), naming the fingerprint.
    const fp = parseTrustBundle(await readFile(bundle)).fingerprint;
    expect((await run('verify-receipt', `${out}.evidence-receipt.json`, '--trust-fingerprint', formatFingerprint(fp))).code).toBe(0);
    const u = await run('verify-receipt', `${out}.evidence-receipt.json`);
    expect(u.code).toBe(3);
    expect(u.out).toMatch(/UNANCHORED/);
    expect(u.out).toContain(`claims trust bundle fingerprint ${formatFingerprint(fp)}: compare it with the fingerprint the agency publishes`);
  });

  it('exits 1 and names the failed check for a wrong file or a tampered receipt', async () => {
    const out = join(root, 'ex2');
    await run('log', 'proof', '--dir', join(root, 'node'), '--index', String(dep), '--out', out);
    const other = join(root, 'not-the-exhibit.bin');
    await writeFile(other, 'not the exhibit');
    const bundle = join(root, 'node', 'trust.bundle');
    const f = await run('verify-receipt', `${out}.evidence-receipt.json`, '--file', other, '--trust', bundle);
    expect(f.code).toBe(1);
    expect(f.out).toMatch(/✗ file/);
    expect(f.err).toMatch(/does not verify: file failed/);

    const receipt = JSON.parse(await readFile(`${out}.evidence-receipt.json`, 'utf8')) as { entry: string };
    const bytes = fromBase64(receipt.entry);
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 1;
    receipt.entry = toBase64(bytes);
    await writeFile(`${out}.evidence-receipt.json`, JSON.stringify(receipt));
    const t = await run('verify-receipt', `${out}.evidence-receipt.json`, '--trust', bundle);
    expect(t.code).toBe(1);
    expect(t.out).toMatch(/✗ inclusion/);
    expect(t.err).toMatch(/does not verify: .*inclusion/);
    // A failed check exits 1 even without a trust root.
    expect((await run('verify-receipt', `${out}.evidence-receipt.json`)).code).toBe(1);
  });

  it('refuses an index outside the log', async () => {
    const r = await run('log', 'proof', '--dir', join(root, 'node'), '--index', '999');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/index 999 is not in the log \(size 30\)/);
  });
});

describe('evidence witness / mirror', () => {
  it('initialises a witness and follows a log', async () => {
    const dir = join(root, 'w');
    const init = await run('witness', 'init', '--dir', dir, '--name', 'witness.example/cli');
    expect(init.code).toBe(0);
    expect(init.out).toMatch(/^witness\.example\/cli\+[0-9a-f]{8}\+/);
    expect((await run('witness', 'add-log', '--dir', dir, '--vkey', log.net.logKey.vkey)).out).toBe(`following ${origin}\n`);
    expect((await run('witness', 'init', '--dir', dir, '--name', 'witness.example/cli')).err).toMatch(/already holds a witness/);
  });

  it('adds a log to a mirror and syncs it once', async () => {
    const dir = join(root, 'm');
    expect((await run('mirror', 'add-log', '--dir', dir, '--vkey', log.net.logKey.vkey, '--peer', 'http://127.0.0.1:9/down', '--peer', url)).code).toBe(0);
    const s = await run('mirror', 'sync', '--dir', dir);
    expect(s.code).toBe(0);
    expect(s.out).toBe(`${origin}: synced at size 30\n`);
    expect(s.err).toMatch(/peer http:\/\/127\.0\.0\.1:9\/down/);
    const p = await run('log', 'proof', '--dir', dir, '--index', '0');
    expect(p.code).toBe(0);
  });

  it('exits non-zero when no peer served anything verifiable', async () => {
    const dir = join(root, 'm-down');
    expect((await run('mirror', 'add-log', '--dir', dir, '--vkey', log.net.logKey.vkey, '--peer', 'http://127.0.0.1:9/down')).code).toBe(0);
    const s = await run('mirror', 'sync', '--dir', dir);
    expect(s.code).not.toBe(0);
    expect(s.err).toMatch(/no peer served anything verifiable for /);
  });
});

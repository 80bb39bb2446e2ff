import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { makeCorpus } from '../testing/intake-corpus';
import { main } from './main';

const corpus = makeCorpus(4096, 'cli-hash-');
afterAll(() => rmSync(corpus.dir, { recursive: true, force: true }));
const bin = resolve(__dirname, '../../bin/evidence.mjs');

async function runInProcess(args: string[]): Promise<{ code: number; out: Buffer; err: string }> {
  const out: Buffer[] = [];
  let err = '';
  const so = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(Buffer.from(chunk));
    return true;
  });
  const se = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err += chunk.toString();
    return true;
  });
  try {
    const code = await main(['node', 'evidence', ...args]);
    return { code, out: Buffer.concat(out), err };
  } finally {
    so.mockRestore();
    se.mockRestore();
  }
}

describe('evidence hash', () => {
  it('prints sha256sum lines that `sha256sum --strict -c` accepts (CLI under tsx, odd names included)', () => {
    const r = spawnSync(process.execPath, [bin, 'hash', '--', ...corpus.files], { cwd: corpus.dir });
    expect(r.status, r.stderr.toString()).toBe(0);
    const sums = join(corpus.dir, '..', `${corpus.dir.split('/').pop()}.sha256`);
    writeFileSync(sums, r.stdout);
    try {
      const check = execFileSync('sha256sum', ['--strict', '-c', sums], { cwd: corpus.dir }).toString();
      expect(check.match(/: OK$/gm)).toHaveLength(corpus.files.length);
      // Same bytes as coreutils prints for the same arguments.
      expect(r.stdout.equals(execFileSync('sha256sum', ['--', ...corpus.files], { cwd: corpus.dir }))).toBe(true);
    } finally {
      rmSync(sums, { force: true });
    }
  });

  it('with --algo prints tagged lines that `cksum -c` checks for every algorithm', async () => {
    const r = await runInProcess(['hash', '--algo', 'sha256,sha1,md5', corpus.dir]);
    expect(r.code, r.err).toBe(0);
    expect(r.out.toString().match(/^\\?(SHA256|SHA1|MD5) \(/gm)).toHaveLength(corpus.files.length * 3);
    const sums = `${corpus.dir}.tags`;
    writeFileSync(sums, r.out);
    try {
      const check = execFileSync('cksum', ['--strict', '-c', sums]).toString();
      expect(check.match(/: OK$/gm)).toHaveLength(corpus.files.length * 3);
    } finally {
      rmSync(sums, { force: true });
    }
    expect(r.err).toMatch(/manifest sha256 [0-9a-f]{64}/);
  });

  it('--json prints the intake result; failures exit 1 with the reason', async () => {
    const ok = await runInProcess(['hash', '--json', join(corpus.dir, 'size-1')]);
    expect(ok.code).toBe(0);
    const json = JSON.parse(ok.out.toString()) as { items: Array<{ hashes: { sha256: string }; size: number }> };
    expect(json.items[0]?.size).toBe(1);
    expect(json.items[0]?.hashes.sha256).toBe(execFileSync('sha256sum', [join(corpus.dir, 'size-1')]).toString().slice(0, 64));

    const missing = await runInProcess(['hash', join(corpus.dir, 'size-1'), join(corpus.dir, 'no-such-file')]);
    expect(missing.code).toBe(1);
    expect(missing.out.toString()).toMatch(/^[0-9a-f]{64} {2}\//);
    expect(missing.err).toMatch(/no-such-file.*E_INTAKE_VANISHED/);

    const bad = await runInProcess(['hash', '--algo', 'sha512', corpus.dir]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/unknown algorithm "sha512"/);
  });
});

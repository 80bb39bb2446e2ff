// The `evidence key` commands, run as a user runs them: `node bin/evidence.mjs …` in a child process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { unlockKeystore } from '../crypto/keystore';
import { keyIdOf } from '../crypto/secp256k1';

const bin = resolve(__dirname, '../../bin/evidence.mjs');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'evidence-cli-key-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}) {
  const { EVIDENCE_PASSPHRASE: _drop, ...base } = process.env;
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, env: { ...base, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('evidence key', () => {
  it('--help lists the key commands', () => {
    expect(run(['--help']).out).toMatch(/^\s+key\b/m);
    const help = run(['key', '--help']).out;
    for (const cmd of ['new', 'show', 'export-pem']) expect(help).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
  });

  it('new (passphrase from EVIDENCE_PASSPHRASE), show, export-pem', async () => {
    const file = join(dir, 'li.json');
    const made = run(['key', 'new', '--out', file, '--name', 'Li Wei', '--badge', '0042', '--role', 'investigator', '--json'], { EVIDENCE_PASSPHRASE: 's3cret phrase' });
    expect(made.err).toBe('');
    expect(made.code).toBe(0);
    const info = JSON.parse(made.out) as { keyId: string; publicKey: string; meta: Record<string, string> };
    expect(info.keyId).toBe(keyIdOf(info.publicKey));
    expect(info.meta).toEqual({ name: 'Li Wei', badge: '0042', role: 'investigator' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).not.toContain('s3cret');
    const unlocked = await unlockKeystore(file, 's3cret phrase');
    expect(unlocked.keyId).toBe(info.keyId);
    unlocked.signer.dispose();

    const shown = run(['key', 'show', file]);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain(`key id:     ${info.keyId}`);
    expect(shown.out).toContain(`public key: ${info.publicKey}`);
    expect(shown.out).toContain('-----BEGIN PUBLIC KEY-----');

    const pemFile = join(dir, 'li.pem');
    expect(run(['key', 'export-pem', file, '--out', pemFile]).code).toBe(0);
    const ossl = spawnSync('openssl', ['pkey', '-pubin', '-in', pemFile, '-noout', '-text'], { encoding: 'utf8' });
    expect(ossl.status).toBe(0);
    expect(ossl.stdout).toContain('secp256k1');
    expect(run(['key', 'export-pem', file]).out).toBe(readFileSync(pemFile, 'utf8'));
  }, 120_000); // four CLI processes and four full-strength scrypt unlocks: slow on a busy 2-core machine

  it('without a terminal or EVIDENCE_PASSPHRASE, refuses and writes nothing', () => {
    const file = join(dir, 'none.json');
    const r = run(['key', 'new', '--out', file]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('no passphrase: run on a terminal to be asked for one, or set EVIDENCE_PASSPHRASE');
    expect(existsSync(file)).toBe(false);
  });

  it('never overwrites an existing file', () => {
    const file = join(dir, 'taken.json');
    writeFileSync(file, 'precious');
    const r = run(['key', 'new', '--out', file], { EVIDENCE_PASSPHRASE: 'x' });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/already exists; choose another path/);
    expect(readFileSync(file, 'utf8')).toBe('precious');
  });

  it('show reports a corrupt or foreign file clearly', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format":"evidence-keystore","version":1,"kdf":');
    expect(run(['key', 'show', bad]).err).toMatch(/is corrupt: not valid JSON \(truncated\?\)/);
    writeFileSync(bad, '{"format":"evidence-keystore","version":9}');
    expect(run(['key', 'show', bad]).err).toMatch(/unsupported format: version 9/);
  });

  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.skipIf(!hasScript)('on a terminal, asks twice without echo; differing entries write nothing', async () => {
    const file = join(dir, 'tty.json');
    const session = (first: string, second: string) =>
      new Promise<string>((done, fail) => {
        const { EVIDENCE_PASSPHRASE: _drop, ...env } = process.env;
        const cmd = `'${process.execPath}' '${bin}' key new --out '${file}'`;
        const child = spawn('script', ['-qec', cmd, '/dev/null'], { cwd: dir, env, stdio: ['pipe', 'pipe', 'pipe'] });
        let out = '';
        let step = 0;
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (step === 0 && out.includes('New passphrase:')) { step = 1; child.stdin.write(`${first}\r`); }
          if (step === 1 && out.includes('Repeat passphrase:')) { step = 2; child.stdin.write(`${second}\r`); }
        });
        child.on('error', fail);
        child.on('close', () => done(out));
        setTimeout(() => child.kill(), 20_000).unref();
      });

    const mismatch = await session('one phrase', 'another');
    expect(mismatch).toContain('the two passphrases differ; nothing was written');
    expect(existsSync(file)).toBe(false);

    const out = await session('tty phrase ✓', 'tty phrase ✓');
    expect(out).toContain('Created keystore');
    expect(out).not.toContain('tty phrase');
    const unlocked = await unlockKeystore(file, 'tty phrase ✓');
    unlocked.signer.dispose();
  });
});

import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, loadLedgerState } from './audit';
import { LogVerifyError, LogWriter, loadLog } from './log';
import { parseSignerKey } from './note';
import { parseEntry } from './rules';
import { FsLogDriver } from './storage/fs';
import { seedLog } from '../node/seed';
import { main } from '../cli/main';

let base: string;
let seeded: { origin: string; vkey: string; size: number };
beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'ledger-audit-'));
  seeded = await seedLog({ dir: join(base, 'seed'), count: 200, batch: 100, seed: 5 });
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

async function copy(name: string): Promise<string> {
  const d = join(base, name);
  await cp(join(base, 'seed'), d, { recursive: true });
  return d;
}

/** Rewrites the log with `mutate` applied to its entries, signed again by the log key (a malicious log). */
async function resign(dir: string, mutate: (entries: Uint8Array[]) => Uint8Array[]): Promise<void> {
  const key = parseSignerKey((await readFile(join(dir, 'log.key'), 'utf8')).trim());
  const loaded = await loadLog(new FsLogDriver(join(dir, 'log')), { logKey: key.verifier });
  await rm(join(dir, 'log'), { recursive: true });
  const w = await LogWriter.create(new FsLogDriver(join(dir, 'log')), seeded.origin, key.signer, key.verifier);
  await w.append(mutate(loaded.entries));
}

async function failure(dir: string, opts = {}): Promise<LogVerifyError> {
  const err = await auditLog(new FsLogDriver(join(dir, 'log')), { workers: 2, ...opts }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(LogVerifyError);
  return err as LogVerifyError;
}

describe('auditLog', () => {
  it('verifies a seeded log with every record type and counts its signatures', async () => {
    const s = await auditLog(new FsLogDriver(join(base, 'seed', 'log')), { workers: 2, logKey: seeded.vkey });
    expect(s.size).toBe(200);
    expect(Object.keys(s.types).sort()).toEqual(['access', 'case.open', 'custody.transfer', 'deposition', 'disposition', 'genesis', 'integrity.check', 'member.enroll']);
    expect(s.signatures).toBeGreaterThan(200);
    const main = await auditLog(new FsLogDriver(join(base, 'seed', 'log')), { workers: 0 });
    expect(main.signatures).toBe(s.signatures);
    expect(s.logKeyPinned).toBe(true);
  });

  it('gives other services a verified view of membership', async () => {
    const { state, size } = await loadLedgerState(new FsLogDriver(join(base, 'seed', 'log')), { logKey: seeded.vkey });
    expect(size).toBe(200);
    const roles = [...state.members.values()].map((m) => m.role).sort();
    expect(roles).toEqual(['admin', 'admin', 'admin', 'custodian', 'custodian', 'investigator', 'investigator', 'investigator', 'investigator', 'provider', 'supervisor']);
  });

  it('finds a bad signature in a log whose tree and checkpoint are valid (worker threads)', async () => {
    const dir = await copy('badsig');
    await resign(dir, (entries) =>
      entries.map((e, i) => {
        if (i !== 123) return e;
        const text = new TextDecoder().decode(e);
        const at = text.lastIndexOf('"sig":"') + 7 + 10;
        return new TextEncoder().encode(text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1));
      }),
    );
    const err = await failure(dir);
    expect(err.where.index).toBe(123);
    expect(err.message).toMatch(/^entry 123: signature \d+ does not verify/);
    const onMain = await failure(dir, { workers: 0 });
    expect(onMain.where.index).toBe(123);
    expect(onMain.message).toBe(err.message);
  });

  it('names the first entry that breaks the rules (a replayed entry)', async () => {
    const dir = await copy('dup');
    await resign(dir, (entries) => [...entries.slice(0, 180), entries[150]!, ...entries.slice(180)]);
    const err = await failure(dir);
    expect(err.where.index).toBe(180);
    expect(err.message).toMatch(/entry 180: record id .* is already in the ledger/);
  });

  it('detects reordered entries', async () => {
    const dir = await copy('reorder');
    await resign(dir, (entries) => {
      const out = [...entries];
      const i = out.findIndex((e) => parseEntry(e).record.type === 'deposition');
      [out[i], out[i - 1]] = [out[i - 1]!, out[i]!];
      return out;
    });
    const err = await failure(dir);
    expect(err.code).toBe('LEDGER_ENTRY_REJECTED');
  });

  it('refuses a log signed by another key than the pinned one', async () => {
    const other = await seedLog({ dir: join(base, 'other'), count: 2 });
    const err = await failure(join(base, 'seed'), { logKey: other.vkey });
    expect(err.message).toMatch(/not the pinned/);
  });

  it('`evidence log verify` prints a summary, or the first problem with a non-zero exit', async () => {
    const out: string[] = [];
    const origWrite = process.stdout.write.bind(process.stdout);
    const origErr = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((s: string) => (out.push(s), true)) as typeof process.stdout.write;
    process.stderr.write = ((s: string) => (out.push(s), true)) as typeof process.stderr.write;
    try {
      process.exitCode = 0;
      expect(await main(['node', 'evidence', 'log', 'verify', join(base, 'seed'), '--workers', '1'])).toBe(0);
      expect(process.exitCode).toBe(0);
      expect(out.join('')).toMatch(/ok: seed\.evidence\.example\/ledger verified\n {2}size 200/);
      const dir = await copy('flip');
      const bundle = join(dir, 'log', 'tile', 'entries', '000.p', '200');
      const b = await readFile(bundle);
      b[500]! ^= 0x20;
      await writeFile(bundle, b);
      out.length = 0;
      await main(['node', 'evidence', 'log', 'verify', dir]);
      expect(process.exitCode).toBe(1);
      expect(out.join('')).toMatch(/FAILED \(LEDGER_TILE_MISMATCH; entry \d+, tile\/0\/000\.p\/200\): hash tile tile\/0\/000\.p\/200/);
    } finally {
      process.stdout.write = origWrite;
      process.stderr.write = origErr;
      process.exitCode = 0;
    }
  });
});

// The standalone stack's witness is app/witness's Witness, in process, on <data>/standalone/witness/: it cosigns
// each checkpoint after its own checks, keeps its state there, refuses a checkpoint inconsistent with the one it
// cosigned, and a folder written before it ran (witness-state.json) is migrated to it. Its provider takes
// uploads resumably, as the network provider's tus endpoint does.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toHex } from '../../crypto/encoding';
import { generatePrivateKey } from '../../crypto/secp256k1';
import { signerFromPrivateKey } from '../../crypto/signer';
import { peekCheckpoint } from '../../ledger/checkpoint';
import type { HostLogger } from '../dispatch';
import { StandaloneStack, STANDALONE_DIR } from './standalone';

const errors: string[] = [];
const log: HostLogger = { info: () => undefined, warn: () => undefined, error: (m, e) => errors.push(`${m}: ${String(e)}`) };
let dir: string;
let stack: StandaloneStack | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'standalone-'));
  errors.length = 0;
});
afterEach(async () => {
  await stack?.close();
  stack = undefined;
  await rm(dir, { recursive: true, force: true });
});

const open = async () => (stack = await StandaloneStack.open(dir, log, () => undefined));
const folder = () => join(dir, STANDALONE_DIR);

async function enrolSomeone(s: StandaloneStack): Promise<void> {
  const k = signerFromPrivateKey(generatePrivateKey());
  await s.ensureEnrolled({ keyId: k.keyId, publicKey: k.publicKey, name: 'Officer', badge: 'B-1', role: 'investigator' });
}

describe('the standalone witness', () => {
  it('cosigns every checkpoint and keeps the one it cosigned under standalone/witness before the ledger uses it', async () => {
    const s = await open();
    await enrolSomeone(s);
    const cp = await s.currentCheckpoint();
    expect(cp.final).toBe(true);
    expect(cp.cosigners).toEqual([s.witnessName]);
    expect(peekCheckpoint(s.witness.latest(s.origin)!).size).toBe(cp.size);
    expect(await readdir(join(folder(), 'witness', 'state'))).toHaveLength(1);
    expect(await readdir(folder())).not.toContain('witness-state.json');
    expect(errors).toEqual([]);
  });

  it('opens a folder written before the witness ran (witness-state.json) and checks consistency from it', async () => {
    let s = await open();
    const before = await s.currentCheckpoint();
    await s.close();
    // The layout of earlier versions: no witness folder, the last cosigned size and root in witness-state.json.
    await rm(join(folder(), 'witness'), { recursive: true });
    await writeFile(join(folder(), 'witness-state.json'), JSON.stringify({ size: before.size, root: toHex(before.root) }));
    s = await open();
    expect(await readdir(folder())).not.toContain('witness-state.json');
    expect(peekCheckpoint(s.witness.latest(s.origin)!).size).toBe(before.size);
    await enrolSomeone(s);
    const after = await s.currentCheckpoint();
    expect(after.size).toBeGreaterThan(before.size);
    expect(after.final).toBe(true);
    expect(await s.witness.rejected()).toEqual([]);
  });

  it('refuses to cosign a checkpoint that does not extend the one it cosigned, and keeps the request as evidence', async () => {
    let s = await open();
    const before = await s.currentCheckpoint();
    await s.close();
    // The witness remembers another tree at this size (as if the log had been rewritten since).
    await rm(join(folder(), 'witness'), { recursive: true });
    await writeFile(join(folder(), 'witness-state.json'), JSON.stringify({ size: before.size - 1, root: toHex(new Uint8Array(32).fill(7)) }));
    s = await open();
    await enrolSomeone(s);
    const after = await s.currentCheckpoint();
    expect(after.size).toBeGreaterThan(before.size);
    expect(after.final).toBe(false);
    const rejected = await s.witness.rejected();
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toMatch(/consistency proof .* does not verify/);
    expect(errors.join('\n')).toMatch(/standalone witness refused the checkpoint/);
  });
});

describe('the standalone provider', () => {
  it('continues an interrupted upload from the bytes it holds, and discards bytes that do not match', async () => {
    const s = await open();
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const file = join(dir, 'disk.img');
    await writeFile(file, bytes);
    const declared = { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
    const stop = new AbortController();
    const first = await s.depositPorts(s.admin, declared.sha256, stop.signal);
    const err = await first.provider
      .upload(file, declared, { signal: stop.signal, onProgress: (sent) => sent >= 1024 * 1024 && stop.abort() })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ABORTED' });
    expect(await s.store.stat(declared.sha256)).toBeUndefined();

    const again = await s.depositPorts(s.admin, declared.sha256, new AbortController().signal);
    const starts: boolean[] = [];
    const sent: number[] = [];
    const r = await again.provider.upload(file, declared, { onStart: (i) => starts.push(i.resumed), onProgress: (n) => sent.push(n) });
    expect(r.alreadyStored).toBe(false);
    expect(starts).toEqual([true]);
    expect(sent[0]).toBeGreaterThanOrEqual(1024 * 1024);
    expect(sent.at(-1)).toBe(bytes.length);
    expect(await s.store.stat(declared.sha256)).toEqual(declared);
    expect((await again.provider.upload(file, declared)).alreadyStored).toBe(true);

    const other = join(dir, 'changed.img');
    await writeFile(other, randomBytes(1000));
    const wrong = { sha256: createHash('sha256').update('something else').digest('hex'), size: 1000 };
    await expect(again.provider.upload(other, wrong)).rejects.toMatchObject({ code: 'INTEGRITY' });
    expect(await readdir(join(folder(), 'staging'))).toEqual([]);
  });
});

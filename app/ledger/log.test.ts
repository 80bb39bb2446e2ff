import { mkdtemp, readFile, readdir, rm, writeFile, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EntryTooLargeError, LogVerifyError, LogWriter, loadLog } from './log';
import { generateNoteKey } from './note';
import { FsLogDriver } from './storage/fs';
import { MemoryTree, leafHash, verifyConsistency, verifyInclusion } from './merkle';
import { nodeLeafHash } from './sequencer';
import { consistencyProofFromTiles, inclusionProofFromTiles } from './tiles';

const ORIGIN = 'test.example/log';
const key = generateNoteKey(ORIGIN);
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ledger-log-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const entry = (i: number): Uint8Array => new TextEncoder().encode(`entry ${i} ${'x'.repeat(i % 50)}`);

async function build(batches: number[]): Promise<{ driver: FsLogDriver; writer: LogWriter; sizes: number[] }> {
  const driver = new FsLogDriver(join(dir, 'log'));
  const writer = await LogWriter.create(driver, ORIGIN, key.signer, key.verifier);
  const sizes: number[] = [];
  let n = 0;
  for (const b of batches) {
    await writer.append(Array.from({ length: b }, (_, k) => entry(n + k)));
    n += b;
    sizes.push(n);
  }
  return { driver, writer, sizes };
}

describe('LogWriter + loadLog', () => {
  it('writes a verifiable tiled log across batch sizes and partial tiles', async () => {
    const { driver, writer, sizes } = await build([1, 2, 253, 1, 300, 7, 256, 1]);
    const loaded = await loadLog(driver, { logKey: key.verifier, origin: ORIGIN });
    expect(loaded.tree.size).toBe(821);
    expect(loaded.entries[600]).toEqual(entry(600));
    expect(loaded.checkpoint.checkpoint.root).toEqual(writer.tree.root());
    // proofs from the published tiles verify against the tree
    for (const [i, s] of [[0, 821], [255, 821], [256, 821], [820, 821]] as const) {
      verifyInclusion(i, s, writer.tree.node({ level: 0, index: i }), await inclusionProofFromTiles(driver, i, s), writer.tree.root(s));
    }
    verifyConsistency(sizes[2]!, 821, await consistencyProofFromTiles(driver, sizes[2]!, 821), writer.tree.root(sizes[2]!), writer.tree.root());
    // superseded partials are gone once full tiles exist; the current partials remain
    expect(await readdir(join(dir, 'log/tile/entries'))).toEqual(['000', '001', '002', '003.p']);
    expect(await readdir(join(dir, 'log/tile/0'))).toEqual(['000', '001', '002', '003.p']);
  });

  it('reopens and keeps appending', async () => {
    const { driver } = await build([10, 250]);
    const reopened = await LogWriter.open(driver, ORIGIN, key.signer, key.verifier);
    await reopened.append([entry(260), entry(261)]);
    const ref = new MemoryTree();
    for (let i = 0; i < 262; i++) ref.append(entry(i));
    expect((await loadLog(driver, { logKey: key.verifier })).checkpoint.checkpoint.root).toEqual(ref.root());
  });

  it('appends with leaf hashes the caller computed (node:crypto), to the same log', async () => {
    const entries = Array.from({ length: 300 }, (_, i) => entry(i));
    for (const e of [new Uint8Array(0), ...entries]) expect(nodeLeafHash(e)).toEqual(leafHash(e));
    const driver = new FsLogDriver(join(dir, 'given'));
    const writer = await LogWriter.create(driver, ORIGIN, key.signer, key.verifier);
    await writer.append(entries.slice(0, 100), entries.slice(0, 100).map(nodeLeafHash));
    await writer.append(entries.slice(100), entries.slice(100).map(nodeLeafHash));
    await expect(writer.append([entry(300)], [])).rejects.toThrow(/0 leaf hashes for 1 entries/);
    const ref = new MemoryTree();
    for (const e of entries) ref.append(e);
    expect((await loadLog(driver, { logKey: key.verifier })).checkpoint.checkpoint.root).toEqual(ref.root());
  });

  it('refuses entries over 65,535 bytes and appends nothing', async () => {
    const { writer } = await build([3]);
    await expect(writer.append([entry(3), new Uint8Array(65_536)])).rejects.toThrow(EntryTooLargeError);
    expect(writer.size).toBe(3);
  });

  describe('names what was tampered with', () => {
    const cases: Array<[string, (d: string) => Promise<void>, RegExp, string]> = [
      ['a flipped byte in an entry bundle', async (d) => flip(join(d, 'tile/entries/001.p/74'), 40), /hash tile tile\/0\/001\.p\/74: hash \d+ \(entries (\d+)\.\.\1, in tile\/entries\/001\.p\/74\).*the tile or the entries/, 'LEDGER_TILE_MISMATCH'],
      ['a flipped byte in a hash tile', async (d) => flip(join(d, 'tile/0/000'), 100), /hash tile tile\/0\/000: hash 3 .*the tile is altered/, 'LEDGER_TILE_MISMATCH'],
      ['a flipped byte in the level-1 tile', async (d) => flip(join(d, 'tile/1/000.p/1'), 5), /tile\/1\/000\.p\/1: hash 0 \(entries 0\.\.255\).*the tile is altered/, 'LEDGER_TILE_MISMATCH'],
      ['a flipped byte in the checkpoint root', async (d) => flipChar(join(d, 'checkpoint'), 'root'), /checkpoint/, 'LEDGER_ROOT_MISMATCH'],
      ['a flipped byte in the checkpoint signature', async (d) => flipChar(join(d, 'checkpoint'), 'sig'), /checkpoint: .*does not verify/, 'LEDGER_CHECKPOINT_INVALID'],
      ['a deleted entry bundle', async (d) => unlink(join(d, 'tile/entries/000')), /entry bundle tile\/entries\/000 is missing/, 'LEDGER_BUNDLE_MISSING'],
      ['a truncated entry bundle', async (d) => trunc(join(d, 'tile/entries/000')), /entry bundle tile\/entries\/000: /, 'LEDGER_BUNDLE_INVALID'],
      ['reordered entries', async (d) => swapEntries(join(d, 'tile/entries/000')), /tile\/0\/000: hash 0 \(entries 0\.\.0, in tile\/entries\/000\)/, 'LEDGER_TILE_MISMATCH'],
    ];
    it.each(cases)('%s', async (_what, tamper, msg, code) => {
      const { driver } = await build([300, 30]);
      await tamper(join(dir, 'log'));
      const err = await loadLog(driver, { logKey: key.verifier }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LogVerifyError);
      expect((err as LogVerifyError).code).toBe(code);
      expect((err as Error).message).toMatch(msg);
    });
  });
});

async function flip(path: string, at: number): Promise<void> {
  const b = await readFile(path);
  b[at]! ^= 0x01;
  await writeFile(path, b);
}
async function trunc(path: string): Promise<void> {
  const b = await readFile(path);
  await writeFile(path, b.subarray(0, b.length - 3));
}
async function flipChar(path: string, part: 'root' | 'sig'): Promise<void> {
  const text = await readFile(path, 'utf8');
  const lines = text.split('\n');
  const li = part === 'root' ? 2 : 4;
  const l = lines[li]!;
  const pos = part === 'root' ? 5 : l.length - 10;
  lines[li] = l.slice(0, pos) + (l[pos] === 'A' ? 'B' : 'A') + l.slice(pos + 1);
  await writeFile(path, lines.join('\n'));
}
async function swapEntries(path: string): Promise<void> {
  const b = await readFile(path);
  const l0 = b.readUInt16BE(0);
  const l1 = b.readUInt16BE(2 + l0);
  const e0 = b.subarray(0, 2 + l0);
  const e1 = b.subarray(2 + l0, 4 + l0 + l1);
  await writeFile(path, Buffer.concat([e1, e0, b.subarray(4 + l0 + l1)]));
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatCheckpoint, signCheckpoint } from '../ledger/checkpoint';
import { MemoryTree } from '../ledger/merkle';
import { addSignatureLines, generateNoteKey, parseVerifierKey } from '../ledger/note';
import { checkPolicy, parsePolicy, verifyCosignature } from './cosignature';
import { closeServer, fetchLimited, listen } from './http';
import { createWitnessServer } from './server';
import { SIZE_CONTENT_TYPE, Witness, addWitnessLog, formatAddCheckpoint, initWitness, originHash } from './witness';

const origin = 'example.com/test-log';
const log = generateNoteKey(origin);
const tree = new MemoryTree();
for (let i = 0; i < 40; i++) tree.append(new TextEncoder().encode(`entry ${i}`));
const note = (size: number, t: MemoryTree = tree, key = log) => signCheckpoint({ origin, size, root: t.root(size), extensions: [] }, [key.signer]);
const add = (old: number, size: number, t: MemoryTree = tree) => formatAddCheckpoint(old, old === 0 || old === size ? [] : t.consistencyProof(old, size), note(size, t));

let dir: string;
let w: Witness;
let clock = 1_700_000_000n;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'witness-'));
  await initWitness(dir, 'witness.example/w1');
  await addWitnessLog(dir, { origin, vkey: log.vkey });
  w = await Witness.open(dir, { now: () => ++clock });
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('tlog-witness add-checkpoint', () => {
  it('cosigns the first checkpoint from old 0 and persists it before replying', async () => {
    const r = await w.addCheckpoint(add(0, 10));
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/^\u2014 witness\.example\/w1 \S+\n$/);
    const text = formatCheckpoint({ origin, size: 10, root: tree.root(10), extensions: [] });
    expect(verifyCosignature(text, r.body.trimEnd(), parseVerifierKey(w.vkey))).toBe(clock);
    const reopened = await Witness.open(dir);
    expect(reopened.latest(origin)).toBe(w.latest(origin));
    expect(reopened.latestByHash(originHash(origin))).toContain(r.body.trimEnd());
  });

  it.each([
    ['wrong old size (0 after cosigning 10)', () => add(0, 20), 409, '10\n'],
    ['old size larger than the stored one', () => add(12, 20), 409, '10\n'],
    ['bad consistency proof', () => formatAddCheckpoint(10, tree.consistencyProof(9, 20), note(20)), 422, /does not verify/],
    ['proof with equal sizes and a different root', () => { const t2 = new MemoryTree(); for (let i = 0; i < 10; i++) t2.append(new Uint8Array([i])); return add(10, 10, t2); }, 422, /different root/],
    ['old size above the checkpoint size', () => formatAddCheckpoint(30, [], note(20)), 400, /larger than/],
    ['malformed body', () => 'old 01\n\n' + note(20), 400, /old <size>/],
    ['too many proof lines', () => formatAddCheckpoint(10, Array.from({ length: 64 }, () => new Uint8Array(32)), note(20)), 400, /at most 63/],
    ['unknown origin', () => formatAddCheckpoint(0, [], signCheckpoint({ origin: 'other.example/log', size: 1, root: tree.root(1), extensions: [] }, [log.signer])), 404, /unknown log origin/],
    ['signature by an unknown key only', () => formatAddCheckpoint(10, tree.consistencyProof(10, 20), note(20, tree, generateNoteKey(origin))), 403, /not validly signed/],
    ['known key, bad signature', () => formatAddCheckpoint(10, tree.consistencyProof(10, 20), note(20).replace(`\n20\n`, `\n21\n`)), 403, /not validly signed/],
  ])('answers %s', async (_what, body, status, expected) => {
    const r = await w.addCheckpoint(body());
    expect(r.status).toBe(status);
    if (typeof expected === 'string') expect(r.body).toBe(expected);
    else expect(r.body).toMatch(expected);
    if (status === 409) expect(r.contentType).toBe(SIZE_CONTENT_TYPE);
    expect(w.latest(origin)).toContain(`\n10\n`);
  });

  it('keeps log-signed requests that failed a consistency check as evidence (read-only files)', async () => {
    const kept = await w.rejected();
    expect(kept.map((k) => k.reason).join('\n')).toMatch(/does not verify[\s\S]*different root/);
    for (const n of await readdir(join(dir, 'rejected'))) expect((await stat(join(dir, 'rejected', n))).mode & 0o222).toBe(0);
  });

  it('rejects a non-empty size-0 root and a proof from old 0', async () => {
    const d = await mkdtemp(join(tmpdir(), 'witness-'));
    await initWitness(d, 'witness.example/w0');
    await addWitnessLog(d, { origin, vkey: log.vkey });
    const w0 = await Witness.open(d);
    const bad0 = signCheckpoint({ origin, size: 0, root: tree.root(1), extensions: [] }, [log.signer]);
    expect((await w0.addCheckpoint(formatAddCheckpoint(0, [], bad0))).status).toBe(422);
    expect((await w0.addCheckpoint(formatAddCheckpoint(0, [tree.root(1)], note(5)))).status).toBe(422);
    expect((await w0.addCheckpoint(formatAddCheckpoint(0, [], signCheckpoint({ origin, size: 0, root: new MemoryTree().root(), extensions: [] }, [log.signer])))).status).toBe(200);
    await rm(d, { recursive: true, force: true });
  });

  it('serialises concurrent requests per log: exactly one of two racing updates from the same size wins', async () => {
    const [a, b] = await Promise.all([w.addCheckpoint(add(10, 25)), w.addCheckpoint(add(10, 30))]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    const winnerSize = a.status === 200 ? 25 : 30;
    expect(loser.body).toBe(`${winnerSize}\n`);
    expect(w.latest(origin)).toContain(`\n${winnerSize}\n`);
    // Monotonic: from the winner's size, a bigger one goes through; the stored size never rolls back.
    expect((await w.addCheckpoint(add(winnerSize, 40))).status).toBe(200);
    expect((await w.addCheckpoint(add(40, 40))).status).toBe(200);
  });

  it('gossip: returns its checkpoint and records a same-size fork', async () => {
    const other = new MemoryTree();
    for (let i = 0; i < 40; i++) other.append(new TextEncoder().encode(`forged ${i}`));
    const ok = await w.gossip(note(40), 'test');
    expect(ok.status).toBe(200);
    expect(await w.forks.list()).toHaveLength(0);
    const forked = await w.gossip(note(40, other), 'test');
    expect(forked.status).toBe(200);
    expect(forked.body).toBe(w.latest(origin));
    const forks = await w.forks.list();
    expect(forks).toHaveLength(1);
    expect(forks[0]!.theirs).toBe(note(40, other));
    await w.gossip(note(40, other), 'again');
    expect(await w.forks.list()).toHaveLength(1);
  });
});

describe('witness HTTP server', () => {
  it('serves add-checkpoint, the monitoring checkpoint and bounds the body', async () => {
    const server = createWitnessServer(w);
    const base = await listen(server, 0, '127.0.0.1');
    try {
      const bigger = new MemoryTree();
      for (let i = 0; i < 60; i++) bigger.append(new TextEncoder().encode(`entry ${i}`));
      const r = await fetchLimited(`${base}/add-checkpoint`, { method: 'POST', body: add(40, 60, bigger), limit: 4096 });
      expect(r.status).toBe(200);
      const conflict = await fetchLimited(`${base}/add-checkpoint`, { method: 'POST', body: add(40, 60, bigger), limit: 4096 });
      expect(conflict.status).toBe(409);
      expect(conflict.contentType).toBe(SIZE_CONTENT_TYPE);
      expect(new TextDecoder().decode(conflict.body)).toBe('60\n');
      const mon = await fetchLimited(`${base}/${originHash(origin)}/checkpoint`, { limit: 1 << 20 });
      expect(mon.status).toBe(200);
      const policy = parsePolicy({ quorum: 1, witnesses: [{ name: 'witness.example/w1', vkey: w.vkey }] });
      const checked = checkPolicy(mon.body, log.verifier, policy, origin);
      expect(checked.final).toBe(true);
      expect(checked.checkpoint.size).toBe(60);
      expect(addSignatureLines(note(60, bigger), [new TextDecoder().decode(r.body).trimEnd()])).toBeTruthy();
      const huge = await fetchLimited(`${base}/add-checkpoint`, { method: 'POST', body: new Uint8Array(2 << 20), limit: 4096 });
      expect(huge.status).toBe(413);
      expect((await fetchLimited(`${base}/${'0'.repeat(64)}/checkpoint`, { limit: 4096 })).status).toBe(404);
    } finally {
      await closeServer(server);
    }
  });
});

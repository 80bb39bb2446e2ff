import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Server, createServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogWriter } from '../ledger/log';
import { generateNoteKey, parseNote } from '../ledger/note';
import { FsLogDriver } from '../ledger/storage/fs';
import { checkPolicy, cosignCheckpoint, generateCosignerKey, parsePolicy } from './cosignature';
import { WitnessClient, cosignAndPublish } from './client';
import { closeServer, listen } from './http';
import { createWitnessServer } from './server';
import { Witness, addWitnessLog, initWitness } from './witness';

const origin = 'example.com/client-log';
const log = generateNoteKey(origin);
const keys = [1, 2, 3].map((i) => generateCosignerKey(`witness.example/w${i}`));
const policy = parsePolicy({ quorum: 2, witnesses: keys.map((k) => ({ name: k.verifier.name, vkey: k.vkey })) });
let root: string;
const servers: Array<{ server: Server; url: string; dir: string } | undefined> = [];

async function startWitness(i: number, port = 0): Promise<void> {
  const dir = join(root, `w${i}`);
  const w = await Witness.open(dir);
  const server = createWitnessServer(w);
  const url = await listen(server, port, '127.0.0.1');
  servers[i] = { server, url, dir };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'witness-client-'));
  for (const [i, k] of keys.entries()) {
    await initWitness(join(root, `w${i}`), k.verifier.name, k.skey);
    await addWitnessLog(join(root, `w${i}`), { origin, vkey: log.vkey });
    await startWitness(i);
  }
});
afterAll(async () => {
  for (const s of servers) if (s) await closeServer(s.server);
  await rm(root, { recursive: true, force: true });
});

const entries = (from: number, n: number) => Array.from({ length: n }, (_, i) => new TextEncoder().encode(`entry ${from + i}`));

describe('node-side witness client', () => {
  it('collects a 2-of-3 quorum, survives a witness going down and catches it up through 409', async () => {
    const driver = new FsLogDriver(join(root, 'log'));
    const writer = await LogWriter.create(driver, origin, log.signer, log.verifier);
    const client = new WitnessClient(keys.map((k, i) => ({ vkey: k.vkey, url: servers[i]!.url })));

    let r = await cosignAndPublish(writer, await writer.append(entries(0, 300)), client, policy, log.verifier);
    expect(r.final).toBe(true);
    expect(r.outcomes.every((o) => o.ok)).toBe(true);
    const published = new TextDecoder().decode(await driver.get('checkpoint'));
    expect(checkPolicy(published, log.verifier, policy, origin).cosigners).toHaveLength(3);

    // Witness 2 goes down: still final with two; it misses size 500.
    const down = servers[2]!;
    const port = Number(new URL(down.url).port);
    await closeServer(down.server);
    r = await cosignAndPublish(writer, await writer.append(entries(300, 200)), client, policy, log.verifier);
    expect(r.final).toBe(true);
    expect(r.outcomes.filter((o) => !o.ok).map((o) => o.witness)).toEqual(['witness.example/w3']);

    // Back up on the same port; a *fresh* client (no memory of sizes) starts from old 0 and learns from 409s.
    await startWitness(2, port);
    const fresh = new WitnessClient(keys.map((k, i) => ({ vkey: k.vkey, url: servers[i]!.url })));
    r = await cosignAndPublish(writer, await writer.append(entries(500, 7)), fresh, policy, log.verifier);
    expect(r.outcomes.map((o) => o.ok)).toEqual([true, true, true]);
    expect(r.final).toBe(true);

    // A retry with the cosigned note asks nobody again and does not grow the note.
    const again = await fresh.cosign(r.note, (a, b) => writer.tree.consistencyProof(a, b));
    expect(again.note).toBe(r.note);
    expect(again.outcomes.every((o) => o.ok)).toBe(true);
  });

  it('is not final with one witness and reports why the others failed', async () => {
    const driver = new FsLogDriver(join(root, 'log2'));
    const other = generateNoteKey('example.com/unknown-log');
    const writer = await LogWriter.create(driver, 'example.com/unknown-log', other.signer, other.verifier);
    const client = new WitnessClient(keys.map((k, i) => ({ vkey: k.vkey, url: servers[i]!.url })));
    const r = await cosignAndPublish(writer, await writer.append(entries(0, 3)), client, policy, other.verifier);
    expect(r.final).toBe(false);
    expect(r.outcomes.every((o) => !o.ok && o.status === 404)).toBe(true);
  });

  it('ignores a response line that is not a valid cosignature of that witness', async () => {
    const driver = new FsLogDriver(join(root, 'log3'));
    const writer = await LogWriter.create(driver, origin, log.signer, log.verifier);
    const pub = await writer.append(entries(0, 1));
    const text = parseNote(pub.note).text;
    // A server answering 200 with a genuine cosignature — but by witness 0's key, while we asked witness 1.
    const liar = createServer((_req, res) => res.end(`${cosignCheckpoint(text, keys[0]!.skey, 1_700_000_000n)}\n`));
    const url = await listen(liar, 0, '127.0.0.1');
    try {
      const client = new WitnessClient([{ vkey: keys[1]!.vkey, url }]);
      const res = await client.cosign(pub.note, (a, b) => writer.tree.consistencyProof(a, b));
      expect(res.outcomes[0]).toMatchObject({ ok: false, status: 200, error: expect.stringMatching(/no valid cosignature/) });
      expect(res.note).toBe(pub.note);
    } finally {
      await closeServer(liar);
    }
  });
});

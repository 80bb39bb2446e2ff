import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peekCheckpoint } from '../ledger/checkpoint';
import { LogWriter } from '../ledger/log';
import { addSignatureLines, generateNoteKey, parseNote } from '../ledger/note';
import { FsLogDriver } from '../ledger/storage/fs';
import { WitnessClient } from './client';
import { checkPolicy, generateCosignerKey, parsePolicy } from './cosignature';
import { closeServer, listen } from './http';
import { type PushResult, WitnessPusher } from './pusher';
import { createWitnessServer } from './server';
import { Witness, addWitnessLog, initWitness } from './witness';

const origin = 'example.com/pusher-log';
const log = generateNoteKey(origin);
const keys = [1, 2, 3].map((i) => generateCosignerKey(`witness.example/p${i}`));
const policy = parsePolicy({ quorum: 2, witnesses: keys.map((k) => ({ name: k.verifier.name, vkey: k.vkey })) });
let root: string;
const servers: Array<{ server: Server; url: string } | undefined> = [];

async function start(i: number, port = 0): Promise<void> {
  const server = createWitnessServer(await Witness.open(join(root, `w${i}`)));
  servers[i] = { server, url: await listen(server, port, '127.0.0.1') };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pusher-'));
  for (const [i, k] of keys.entries()) {
    await initWitness(join(root, `w${i}`), k.verifier.name, k.skey);
    await addWitnessLog(join(root, `w${i}`), { origin, vkey: log.vkey });
    await start(i);
  }
});
afterAll(async () => {
  for (const s of servers) if (s) await closeServer(s.server).catch(() => undefined);
  await rm(root, { recursive: true, force: true });
});

describe('WitnessPusher', () => {
  it('coalesces checkpoints, retries until the quorum is back, and ends final', async () => {
    const writer = await LogWriter.create(new FsLogDriver(join(root, 'log')), origin, log.signer, log.verifier);
    const results: PushResult[] = [];
    const pusher = new WitnessPusher({
      client: new WitnessClient(keys.map((k, i) => ({ vkey: k.vkey, url: servers[i]!.url })), { timeoutMs: 2000 }),
      policy,
      logKey: log.verifier,
      proofs: (a, b) => writer.tree.consistencyProof(a, b),
      current: () => writer.checkpoint.note,
      publish: async (note) => {
        if (parseNote(note).text !== parseNote(writer.checkpoint.note).text) return false;
        await writer.publishCosigned(addSignatureLines(writer.checkpoint.note, parseNote(note).signatures.map((s) => s.line)), (n) => peekCheckpoint(n));
        return true;
      },
      retryMs: 100,
      onResult: (r) => results.push(r),
    });
    const bytes = (n: number) => Array.from({ length: n }, (_, i) => new TextEncoder().encode(`e${i}-${n}`));
    // Two witnesses down: three checkpoints in a row are coalesced and none is final.
    const ports = [1, 2].map((i) => Number(new URL(servers[i]!.url).port));
    await closeServer(servers[1]!.server);
    await closeServer(servers[2]!.server);
    const notes: string[] = [];
    for (const n of [5, 6, 7]) notes.push((await writer.append(bytes(n))).note);
    for (const note of notes) pusher.push(note);
    await pusher.settled();
    expect(results.length).toBeLessThan(3);
    expect(results.at(-1)).toMatchObject({ size: 18, final: false });
    // One comes back on the same port: the retry loop makes the latest checkpoint final on its own.
    await start(1, ports[0]);
    for (let i = 0; i < 100 && !results.at(-1)?.final; i++) await new Promise((r) => setTimeout(r, 100));
    pusher.close();
    expect(results.at(-1)).toMatchObject({ size: 18, final: true });
    expect(checkPolicy(writer.checkpoint.note, log.verifier, policy, origin).cosigners.sort()).toEqual(['witness.example/p1', 'witness.example/p2']);
  });
});

// A split view: a malicious log (one log key, one compromised witness) shows two different histories of the same
// size to two mirrors; each history carries a 2-of-3 quorum (the compromised witness plus one honest witness
// that saw only that history). Each mirror trusts its view — until the next gossip exchange, where both detect
// the fork and keep both signed checkpoints; the honest witness that is gossiped with detects it too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCheckpoint } from '../ledger/checkpoint';
import { LogWriter } from '../ledger/log';
import { addSignatureLines, parseNote } from '../ledger/note';
import { SampleNetwork } from '../node/sample-network';
import { entryBytes } from '../ledger/rules';
import { FsLogDriver } from '../ledger/storage/fs';
import { checkPolicy, cosignCheckpoint, parsePolicy } from '../witness/cosignature';
import { WitnessClient } from '../witness/client';
import { closeServer, listen } from '../witness/http';
import { createWitnessServer } from '../witness/server';
import { Witness, addWitnessLog, initWitness, originHash } from '../witness/witness';
import { Mirror, addMirrorLog } from './mirror';
import { createMirrorServer, createTileServer } from './server';

const origin = 'split.example/ledger';
const net = new SampleNetwork({ origin, seed: 11, witnesses: 3 });
const genesis = net.genesis();
const policy = parsePolicy(genesis.record.witnessPolicy as never);
let root: string;
const servers: Server[] = [];
const serve = async (s: Server): Promise<string> => {
  servers.push(s);
  return listen(s, 0, '127.0.0.1');
};

let mirrors: Mirror[];
let honest: Witness[];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'split-'));
  // Two histories of the same size: the same prefix, then a different last record.
  const prefix = [entryBytes(genesis)];
  for (let i = 0; i < 30; i++) prefix.push(entryBytes(net.next()));
  const investigator = net.officers.find((o) => o.role === 'investigator')!;
  const histories = [[...prefix, entryBytes(net.caseOpen(investigator))], [...prefix, entryBytes(net.caseOpen(investigator))]];
  // Honest witnesses 0 and 2 (real servers), witness 1 compromised (the harness holds its key).
  honest = [];
  const witnessUrls: string[] = [];
  for (const i of [0, 2]) {
    const dir = join(root, `w${i}`);
    await initWitness(dir, net.witnessKeys[i]!.verifier.name, net.witnessKeys[i]!.skey);
    await addWitnessLog(dir, { origin, vkey: net.logKey.vkey });
    const w = await Witness.open(dir);
    honest.push(w);
    witnessUrls.push(await serve(createWitnessServer(w)));
  }
  const peerUrls: string[] = [];
  for (const [h, entries] of histories.entries()) {
    const writer = await LogWriter.create(new FsLogDriver(join(root, `evil-${h}`)), origin, net.logKey.signer, net.logKey.verifier);
    const pub = await writer.append(entries);
    // History 0 goes to honest witness 0, history 1 to honest witness 2; the compromised witness signs both.
    const client = new WitnessClient([{ vkey: net.witnessKeys[h === 0 ? 0 : 2]!.vkey, url: witnessUrls[h]! }]);
    const { note } = await client.cosign(pub.note, (a, b) => writer.tree.consistencyProof(a, b));
    const cosigned = addSignatureLines(note, [cosignCheckpoint(parseNote(note).text, net.witnessKeys[1]!.skey, 1_800_000_000n)]);
    expect(checkPolicy(cosigned, net.logKey.verifier, policy).final).toBe(true);
    await writer.publishCosigned(cosigned, (n) => openCheckpoint(n, net.logKey.verifier).checkpoint);
    peerUrls.push(await serve(createTileServer(new FsLogDriver(join(root, `evil-${h}`)))));
  }
  // Two mirrors, each fed one view by the malicious node; each gossips with the other (and mirror 1 with witness 0).
  const mirrorPorts = await Promise.all([0, 1].map(async () => {
    const s = createMirrorServer(undefined as never);
    const url = await listen(s, 0, '127.0.0.1');
    await closeServer(s);
    return url;
  }));
  mirrors = [];
  for (const m of [0, 1]) {
    const dir = join(root, `mirror-${m}`);
    const gossip = [`${mirrorPorts[1 - m]}/gossip`, ...(m === 1 ? [`${witnessUrls[0]}/gossip`] : [])];
    await addMirrorLog(dir, { origin, logKey: net.logKey.vkey, peers: [peerUrls[m]!], gossip });
    const mirror = await Mirror.open(dir);
    mirrors.push(mirror);
    const s = createMirrorServer(mirror);
    servers.push(s);
    await listen(s, Number(new URL(mirrorPorts[m]!).port), '127.0.0.1');
  }
}, 60_000);

afterAll(async () => {
  for (const s of servers) await closeServer(s).catch(() => undefined);
  await rm(root, { recursive: true, force: true });
});

describe('split view', () => {
  it('each mirror first trusts its own (final) view', async () => {
    for (const m of mirrors) expect((await m.syncAll())[0]).toMatchObject({ state: 'synced', size: 32 });
    const [a, b] = mirrors.map((m) => m.logs.get(origin)!.note!);
    expect(parseNote(a!).text).not.toBe(parseNote(b!).text);
  });

  it('both detect the fork on their next gossip exchange and keep both checkpoints', async () => {
    const events: unknown[][] = [[], []];
    mirrors.forEach((m, i) => m.on('fork', (f) => events[i]!.push(f)));
    await mirrors[0]!.gossipAll();
    await mirrors[1]!.gossipAll();
    for (const [i, m] of mirrors.entries()) {
      const log = m.logs.get(origin)!;
      expect(log.state.state).toBe('fork');
      expect(events[i]).toHaveLength(1);
      const [proof] = await log.forks.list();
      const ours = openCheckpoint(proof!.ours, net.logKey.verifier).checkpoint;
      const theirs = openCheckpoint(proof!.theirs, net.logKey.verifier).checkpoint;
      expect(ours.size).toBe(theirs.size);
      expect(Buffer.from(ours.root).equals(Buffer.from(theirs.root))).toBe(false);
    }
    // The honest witness that mirror 1 gossiped with saw the other view and kept both too.
    const w0 = honest[0]!;
    expect(await w0.forks.list()).toHaveLength(1);
    // A forked mirror stops advancing and survives a restart in the fork state.
    expect((await mirrors[0]!.syncAll())[0]!.state).toBe('fork');
    const reopened = await Mirror.open(join(root, 'mirror-0'));
    expect(reopened.states()[0]).toMatchObject({ state: 'fork', forks: 1 });
    expect(reopened.byHash(originHash(origin))).toBeDefined();
  });
});

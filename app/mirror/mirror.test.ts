import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLog } from '../ledger/log';
import { FsLogDriver } from '../ledger/storage/fs';
import { closeServer, listen } from '../witness/http';
import { originHash } from '../witness/witness';
import { MirrorLog, type PeerErrorEvent, type SyncState } from './mirror';
import { type SampleLog, createSampleLog } from '../testing/sample-log';
import { createTileServer } from './server';

const origin = 'mirror-test.example/ledger';
let root: string;
let log: SampleLog;
let node: Server;
let nodeUrl: string;
const evil: Server[] = [];

/** A peer that proxies the honest node but corrupts what `tamper` says. */
async function evilPeer(tamper: (path: string, body: Buffer) => Buffer | 'oversize' | 'hang'): Promise<string> {
  const s = createServer((req, res) => {
    void (async () => {
      const r = await fetch(`${nodeUrl}${req.url}`);
      const body = Buffer.from(await r.arrayBuffer());
      const out = r.status === 200 ? tamper(req.url!.slice(1), body) : body;
      if (out === 'oversize') {
        // Stream 40 MiB without a Content-Length: the mirror must stop reading at its limit.
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(1 << 20, 7);
        let sent = 0;
        const pump = (): void => {
          while (sent < 40 && res.write(chunk)) sent++;
          if (sent >= 40) res.end();
          else res.once('drain', pump);
        };
        res.on('error', () => undefined);
        pump();
        return;
      }
      if (out === 'hang') return;
      res.writeHead(r.status, { 'content-length': String(out.length) });
      res.end(out);
    })();
  });
  evil.push(s);
  return listen(s, 0, '127.0.0.1');
}

async function open(name: string, peers: string[], chunkBundles?: number) {
  const m = await MirrorLog.open(join(root, name), { origin, logKey: log.net.logKey.vkey, peers }, { chunkBundles, timeoutMs: 2000 });
  const states: SyncState[] = [];
  const errors: PeerErrorEvent[] = [];
  m.on('state', (s: SyncState) => states.push(s));
  m.on('peer-error', (e: PeerErrorEvent) => errors.push(e));
  return { m, states, errors };
}

async function storedFiles(name: string): Promise<string[]> {
  try {
    return await readdir(join(root, name, 'logs', originHash(origin)), { recursive: true });
  } catch {
    return [];
  }
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mirror-'));
  log = await createSampleLog(join(root, 'node'), { origin, entries: 300, batch: 150 });
  node = createTileServer(log.driver);
  nodeUrl = await listen(node, 0, '127.0.0.1');
}, 60_000);
afterAll(async () => {
  for (const s of [node, ...evil]) await closeServer(s).catch(() => undefined);
  await rm(root, { recursive: true, force: true });
});

describe('mirror sync', () => {
  it('syncs a fresh copy to the final checkpoint, verifying rules and quorum, and re-verifies it on open', async () => {
    const { m, states } = await open('fresh', [nodeUrl]);
    const s = await m.sync();
    expect(s).toMatchObject({ state: 'synced', size: 300 });
    expect(states.map((x) => x.state)).toContain('syncing');
    expect(m.ledger.size).toBe(300);
    const reopened = await MirrorLog.open(join(root, 'fresh'), m.config);
    expect(reopened.state).toMatchObject({ state: 'synced', size: 300 });
    expect(reopened.note).toBe(m.note);
    const again = await loadLog(new FsLogDriver(join(root, 'fresh', 'logs', originHash(origin))), { logKey: log.net.logKey.verifier, origin });
    expect(again.tree.size).toBe(300);
  });

  it('fetches only what it lacks, in verified chunks proven by consistency proofs from the peer tiles', async () => {
    const { m } = await open('chunks', [nodeUrl], 1);
    await m.sync();
    await log.extend(260);
    const peerBytesBefore = (m as unknown as { peers: Array<{ received: number }> }).peers[0]!.received;
    const s = await m.sync();
    expect(s).toMatchObject({ state: 'synced', size: 560 });
    const fetched = (m as unknown as { peers: Array<{ received: number }> }).peers[0]!.received - peerBytesBefore;
    // Bundle 1 (44 entries, then full) and bundle 2: about 2 bundles, not the 3 of the whole log.
    const bundle0 = (await log.driver.get('tile/entries/000')).length;
    expect(fetched).toBeLessThan(bundle0 * 2.2);
    expect((await MirrorLog.open(join(root, 'chunks'), m.config)).size).toBe(560);
  });

  it('does not advance to a checkpoint without the witness quorum', async () => {
    const { m } = await open('quorum', [nodeUrl]);
    await m.sync();
    const size = m.size;
    await log.extend(10, [2]);
    const s = await m.sync();
    expect(s.state).toBe('behind');
    expect(m.size).toBe(size);
    await log.extend(5, [1, 2]);
    expect((await m.sync()).size).toBe(size + 15);
  });
});

describe('malicious peers', () => {
  const cases: Array<[string, (path: string, body: Buffer) => Buffer | 'oversize' | 'hang']> = [
    ['a modified entry byte', (p, b) => (p.startsWith('tile/entries/') ? Buffer.from(b.toString('latin1').replace('"case.open"', '"case.opeN"'), 'latin1') : b)],
    ['truncated bundles', (p, b) => (p.startsWith('tile/entries/') ? b.subarray(0, b.length - 100) : b)],
    ['modified hash tiles', (p, b) => (p.startsWith('tile/0/') || p.startsWith('tile/1/') ? Buffer.from(b.map((x, i) => (i === 40 ? x ^ 1 : x))) : b)],
    ['an oversized bundle', (p, b) => (p.startsWith('tile/entries/') ? 'oversize' : b)],
    ['a forged checkpoint', (p, b) => (p === 'checkpoint' ? Buffer.from(b.toString().replace(/\n\d+\n/, '\n999999\n')) : b)],
    ['no answer', (p, b) => (p.startsWith('tile/entries/') ? 'hang' : b)],
  ];

  it.each(cases)('with %s alone, stores nothing', async (name, tamper) => {
    const url = await evilPeer(tamper);
    const dir = `evil-only-${name.replace(/\W+/g, '-')}`;
    const { m, errors } = await open(dir, [url], 1);
    const before = process.memoryUsage().rss;
    const s = await m.sync();
    expect(process.memoryUsage().rss - before).toBeLessThan(64 << 20);
    expect(s.size).toBe(0);
    expect(['behind', 'empty']).toContain(s.state);
    expect(errors.length).toBeGreaterThan(0);
    expect(await storedFiles(dir)).toEqual([]);
  });

  it.each(cases.filter(([n]) => /entry byte|hash tiles|oversized/.test(n)))('with %s first, falls back to the honest peer', async (name, tamper) => {
    const url = await evilPeer(tamper);
    const { m, errors } = await open(`evil-first-${name.replace(/\W+/g, '-')}`, [url, nodeUrl], 2);
    const s = await m.sync();
    expect(s.state).toBe('synced');
    expect(s.size).toBe(log.writer.size);
    expect(errors.some((e) => e.peer === url)).toBe(true);
    const copy = await loadLog(m.driver, { logKey: log.net.logKey.verifier, origin });
    expect(copy.tree.size).toBe(log.writer.size);
  });

  it('names the size limit when a peer sends an oversized body', async () => {
    const url = await evilPeer((p, b) => (p.startsWith('tile/entries/') ? 'oversize' : b));
    const { m, errors } = await open('oversize-msg', [url]);
    await m.sync();
    expect(errors.map((e) => e.error).join('\n')).toMatch(/exceeds the \d+-byte limit/);
  });
});

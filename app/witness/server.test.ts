// The witness's and the mirror's HTTP answers at their edges (wrong method, any content type, unknown address,
// body limits): real servers on 127.0.0.1, a real witness and a real mirror folder, asked with node:http.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signCheckpoint } from '../ledger/checkpoint';
import { MemoryTree } from '../ledger/merkle';
import { generateNoteKey } from '../ledger/note';
import { LogWriter } from '../ledger/log';
import { FsLogDriver } from '../ledger/storage/fs';
import { Mirror, addMirrorLog } from '../mirror/mirror';
import { createMirrorServer, createTileServer } from '../mirror/server';
import { closeServer, listen } from './http';
import { createWitnessServer } from './server';
import { MAX_ADD_CHECKPOINT_BODY, Witness, addWitnessLog, formatAddCheckpoint, initWitness } from './witness';

const origin = 'example.com/server-edges';
const log = generateNoteKey(origin);
const tree = new MemoryTree();
for (let i = 0; i < 4; i++) tree.append(new TextEncoder().encode(`entry ${i}`));

let dir: string;
const servers: Server[] = [];
let witness: string;
let mirror: string;
let tiles: string;

interface Answer {
  status: number;
  type: string | undefined;
  allow: string | undefined;
  connection: string | undefined;
  body: string;
}

/** One request with exactly the given headers (fetch would add a content type of its own). */
function ask(base: string, method: string, path: string, body?: Uint8Array | string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const u = new URL(path, base);
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'], allow: res.headers.allow, connection: res.headers.connection, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'peer-servers-'));
  await initWitness(join(dir, 'w'), 'witness.example/edges');
  await addWitnessLog(join(dir, 'w'), { origin, vkey: log.vkey });
  const writer = await LogWriter.create(new FsLogDriver(join(dir, 'log')), origin, log.signer, log.verifier);
  await writer.append([new TextEncoder().encode('a')]);
  await addMirrorLog(join(dir, 'm'), { origin, logKey: log.vkey, peers: [], gossip: [] });
  const made = [createWitnessServer(await Witness.open(join(dir, 'w'))), createMirrorServer(await Mirror.open(join(dir, 'm'))), createTileServer(new FsLogDriver(join(dir, 'log')))];
  servers.push(...made);
  [witness, mirror, tiles] = await Promise.all(made.map((s) => listen(s, 0, '127.0.0.1'))) as [string, string, string];
});
afterAll(async () => {
  for (const s of servers) await closeServer(s);
  await rm(dir, { recursive: true, force: true });
});

describe('witness server', () => {
  it('refuses other methods on its POST endpoints with 405 and Allow: POST', async () => {
    for (const [method, path] of [['GET', '/add-checkpoint'], ['PUT', '/add-checkpoint'], ['GET', '/gossip']]) {
      expect(await ask(witness, method!, path!, method === 'PUT' ? 'x' : undefined)).toMatchObject({ status: 405, allow: 'POST', type: 'text/plain', body: 'use POST\n' });
    }
  });

  it('reads the add-checkpoint body as bytes whatever content type it declares, even a malformed one', async () => {
    const note = signCheckpoint({ origin, size: 4, root: tree.root(4), extensions: [] }, [log.signer]);
    const r = await ask(witness, 'POST', '/add-checkpoint', formatAddCheckpoint(0, [], note), { 'content-type': 'not a type!' });
    expect(r).toMatchObject({ status: 200, type: 'text/plain; charset=utf-8' });
    expect(r.body).toMatch(/^\u2014 witness\.example\/edges \S+\n$/);
  });

  it('answers an unknown address or a malformed origin hash 404 in plain text', async () => {
    for (const path of ['/', '/add-checkpoint/', `/${'A'.repeat(64)}/checkpoint`]) {
      expect(await ask(witness, 'GET', path)).toMatchObject({ status: 404, type: 'text/plain; charset=utf-8', body: 'not found\n' });
    }
  });

  it('refuses a body over the limit sent without a length, and closes the connection', async () => {
    const r = await new Promise<Answer>((resolve, reject) => {
      const u = new URL('/add-checkpoint', witness);
      const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST' }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'], allow: undefined, connection: res.headers.connection, body }));
      });
      req.on('error', reject);
      const chunk = new Uint8Array(64 * 1024);
      for (let sent = 0; sent <= MAX_ADD_CHECKPOINT_BODY; sent += chunk.length) req.write(chunk);
      req.end();
    });
    expect(r).toMatchObject({ status: 413, connection: 'close', body: `request body exceeds the ${MAX_ADD_CHECKPOINT_BODY}-byte limit\n` });
  });
});

describe('mirror server', () => {
  it('bounds a gossip body at 1 MiB, naming the declared size', async () => {
    const r = await ask(mirror, 'POST', '/gossip', new Uint8Array((1 << 20) + 1));
    expect(r).toMatchObject({ status: 413, connection: 'close', body: `request body of ${(1 << 20) + 1} bytes exceeds the ${1 << 20}-byte limit\n` });
  });

  it('answers /status in JSON, GET only, and refuses other methods on /gossip', async () => {
    const status = await ask(mirror, 'GET', '/status');
    expect(status.type).toBe('application/json');
    expect(JSON.parse(status.body)).toEqual([expect.objectContaining({ origin, state: 'empty' })]);
    expect((await ask(mirror, 'POST', '/status', 'x')).status).toBe(404);
    expect(await ask(mirror, 'GET', '/gossip')).toMatchObject({ status: 405, allow: 'POST' });
  });

  it('serves a static tile server with GET and HEAD only', async () => {
    expect(await ask(tiles, 'POST', '/checkpoint', 'x')).toMatchObject({ status: 405, allow: 'GET', body: 'use GET\n' });
    expect(await ask(tiles, 'HEAD', '/checkpoint')).toMatchObject({ status: 200, type: 'text/plain; charset=utf-8', body: '' });
    expect((await ask(tiles, 'GET', '/checkpoint')).body).toMatch(/^example\.com\/server-edges\n1\n/);
  });
});

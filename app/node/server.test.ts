import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRecord, type SignedRecord } from '../crypto/envelope';
import { canonicalJson } from '../crypto/record-digest';
import { openCheckpoint } from '../ledger/checkpoint';
import { fromBase64 } from '../crypto/encoding';
import { loadLog } from '../ledger/log';
import { leafHash, verifyInclusion } from '../ledger/merkle';
import { openPromise } from '../ledger/promise';
import { replay, entryBytes } from '../ledger/rules';
import { SampleNetwork } from './sample-network';
import { FsLogDriver } from '../ledger/storage/fs';
import { inclusionProofFromTiles, type TileFetcher, NotFoundError } from '../ledger/tiles';
import { initNode } from './init';
import { type LedgerNode, startNodeServer } from './server';

const ORIGIN = 'node.test/ledger';
let dir: string;
let net: SampleNetwork;
let node: LedgerNode;

const post = (body: Uint8Array | string) =>
  fetch(`${node.url}/add`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : Buffer.from(body) });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ledger-node-'));
  net = new SampleNetwork({ origin: ORIGIN, seed: 11 });
  await initNode({ dir, origin: ORIGIN, key: net.logKey, genesis: () => net.genesis() });
  node = await startNodeServer({ dir, batchMs: 50 });
});
afterAll(async () => {
  await node?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('ledger node', () => {
  it('serves the genesis checkpoint and the vkey', async () => {
    const res = await fetch(`${node.url}/checkpoint`);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const cp = openCheckpoint(await res.text(), net.logKey.verifier, { origin: ORIGIN });
    expect(cp.checkpoint.size).toBe(1);
    expect((await (await fetch(`${node.url}/vkey`)).text()).trim()).toBe(net.logKey.vkey);
  });

  it('accepts concurrent valid submissions with signed promises, then integrates them', async () => {
    const envs: SignedRecord[] = [];
    const results: Array<{ status: number; body: { index: number; leafHash: string; promise: string } }> = [];
    const send = (e: SignedRecord) => post(entryBytes(e)).then(async (r) => ({ status: r.status, body: (await r.json()) as { index: number; leafHash: string; promise: string } }));
    // a realistic sequence in order (later records depend on earlier ones) …
    for (let i = 0; i < 20; i++) {
      envs.push(net.next());
      results.push(await send(envs.at(-1)!));
    }
    // … then independent submissions all at once
    const burst = net.officers.filter((o) => o.role === 'investigator').flatMap((o) => [net.caseOpen(o), net.caseOpen(o)]);
    envs.push(...burst);
    results.push(...(await Promise.all(burst.map(send))));
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    const indexes = results.map((r) => r.body.index).sort((a, b) => a - b);
    expect(indexes).toEqual(indexes.map((_, i) => 1 + i));
    for (const [i, r] of results.entries()) {
      const p = openPromise(r.body.promise, net.logKey.verifier);
      expect(p.index).toBe(r.body.index);
      expect(p.leafHash).toEqual(leafHash(entryBytes(envs[i]!)));
    }
    await node.sequencer.integrate();
    const fetcher: TileFetcher = {
      get: async (path) => {
        const res = await fetch(`${node.url}/${path}`);
        if (res.status === 404) throw new NotFoundError(path);
        return new Uint8Array(await res.arrayBuffer());
      },
    };
    const loaded = await loadLog(fetcher, { logKey: net.logKey.verifier, origin: ORIGIN });
    expect(loaded.tree.size).toBe(29);
    replay(loaded.entries);
    const idx = results[7]!.body.index;
    verifyInclusion(idx, 29, fromBase64(results[7]!.body.leafHash), await inclusionProofFromTiles(fetcher, idx, 29), loaded.checkpoint.checkpoint.root);
  });

  it('serves tiles with immutable cache headers and 404s bad paths', async () => {
    const res = await fetch(`${node.url}/tile/0/000.p/29`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await res.arrayBuffer()).byteLength).toBe(29 * 32);
    expect((await fetch(`${node.url}/tile/0/0`)).status).toBe(404);
    expect((await fetch(`${node.url}/tile/0/999`)).status).toBe(404);
  });

  it('answers bad submissions with the right status and appends nothing', async () => {
    const before = node.sequencer.pendingSize;
    const inv = net.officers.find((o) => o.role === 'investigator')!;
    const caseEnv = net.caseOpen(inv);
    const cases: Array<[string, Uint8Array | string, number, RegExp]> = [
      ['not JSON', 'hello', 400, /not UTF-8 JSON/],
      ['empty', '', 400, /needs the entry/],
      ['non-canonical', JSON.stringify(caseEnv, null, 2), 400, /canonical/],
      ['bad field', canonicalJson({ ...caseEnv, record: { ...caseEnv.record, time: 'now' } }), 400, /record\.time/],
      ['bad signature', canonicalJson({ ...caseEnv, record: { ...caseEnv.record, title: 'tampered' } }), 401, /bad-signature/],
      ['unknown signer', entryBytes(signRecord({ ...caseEnv.record, id: 'x-unknown' } as never, 'investigator', new SampleNetwork({ origin: ORIGIN, seed: 99 }).admins[0]!.signer)), 403, /not enrolled/],
      ['too large', new Uint8Array(70_000).fill(0x20), 413, /65535/],
    ];
    for (const [what, body, status, msg] of cases) {
      const res = await post(body);
      const json = (await res.json()) as { error: { message: string; field?: string } };
      expect([what, res.status]).toEqual([what, status]);
      expect(json.error.message).toMatch(msg);
    }
    expect(node.sequencer.pendingSize).toBe(before);
    expect((await post(entryBytes(caseEnv))).status).toBe(200);
    const dup = await post(entryBytes(caseEnv));
    expect(dup.status).toBe(409);
    expect(((await dup.json()) as { error: { field: string } }).error.field).toBe('record.id');
  });

  it('keeps cosignature lines added to the published checkpoint', async () => {
    await node.sequencer.integrate();
    const { signNote, parseNote, cosignerAt } = await import('../ledger/note');
    const note = node.sequencer.checkpointNote;
    const text = parseNote(note).text;
    const w = net.witnessKeys[0]!;
    const cosigned = signNote(text, [cosignerAt(w.skey, 1_800_000_000n)], parseNote(note).signatures.map((s) => s.line));
    expect(await node.sequencer.addCosignatures(cosigned)).toBe(true);
    const served = await (await fetch(`${node.url}/checkpoint`)).text();
    expect(openCheckpoint(served, net.logKey.verifier, { witnesses: [w.verifier] }).cosignatures).toHaveLength(1);
    const fs = new FsLogDriver(join(dir, 'log'));
    expect(new TextDecoder().decode(await fs.get('checkpoint'))).toBe(served);
  });
});

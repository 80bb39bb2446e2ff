import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { signRecord, type SignedRecord } from '../crypto/envelope';
import { builtWorkerSource } from '../workers/built';
import { AUDIT_WORKER_DATA, type ChunkResult, type WorkerReply, processChunk } from './audit-worker';
import { encodeBundle } from './layout';
import { leafHash } from './merkle';
import { LedgerState, entryBytes } from './rules';
import { SampleNetwork } from '../node/sample-network';

function sample(): { net: SampleNetwork; entries: Uint8Array[] } {
  const net = new SampleNetwork({ origin: 'worker.example/ledger', seed: 11 });
  const envs: SignedRecord[] = [net.genesis()];
  for (let i = 0; i < 30; i++) envs.push(net.next());
  return { net, entries: envs.map(entryBytes) };
}

const flipSig = (entry: Uint8Array): Uint8Array => {
  const text = new TextDecoder().decode(entry);
  const at = text.lastIndexOf('"sig":"') + 7 + 5;
  return new TextEncoder().encode(text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1));
};

describe('audit worker chunk', () => {
  it('hashes every leaf (RFC 9162), parses and verifies every entry, and the rules accept what it returns', () => {
    const { entries } = sample();
    const r = processChunk({ bytes: encodeBundle(entries) });
    expect(r.entries).toHaveLength(entries.length);
    for (const [i, e] of entries.entries()) expect(r.leafHashes.subarray(i * 32, (i + 1) * 32)).toEqual(leafHash(e));
    const state = new LedgerState();
    let sigs = 0;
    for (const e of r.entries) {
      if (!('facts' in e)) throw new Error(`unexpected failure ${JSON.stringify(e)}`);
      state.applyFacts(e.facts);
      sigs += e.facts.signatures.length;
    }
    expect(r.verified).toBe(sigs);
    expect(state.size).toBe(entries.length);
  });

  it('names a bad signature, a non-canonical entry and a stateless rule failure, and keeps hashing the rest', () => {
    const { net, entries } = sample();
    const inv = net.officers.find((o) => o.role === 'investigator')!;
    const pretty = new TextEncoder().encode(JSON.stringify(JSON.parse(new TextDecoder().decode(entries[3]!)), null, 1));
    // custody.transfer from a key to itself: wrong at any index (checkEntryAlone), whatever the ledger holds.
    const self = entryBytes(signRecord({ type: 'custody.transfer', v: 1, origin: net.origin, id: 'xfer-self', time: '2026-11-27T10:00:00.000Z', exhibitId: 'EX-1', from: inv.signer.keyId, to: inv.signer.keyId, purpose: 'p', location: 'l' } as never, 'releasing', inv.signer));
    const list = [entries[0]!, flipSig(entries[1]!), pretty, self, entries[4]!];
    const r = processChunk({ bytes: encodeBundle(list) });
    expect('facts' in r.entries[0]!).toBe(true);
    expect(r.entries[1]).toMatchObject({ signature: { reason: 'bad-signature' } });
    expect(r.entries[2]).toMatchObject({ rule: { code: 'LEDGER_RULE_NOT_CANONICAL', status: 400 } });
    expect(r.entries[3]).toMatchObject({ rule: { field: 'record.to', status: 400 } });
    expect('facts' in r.entries[4]!).toBe(true);
    for (const [i, e] of list.entries()) expect(r.leafHashes.subarray(i * 32, (i + 1) * 32)).toEqual(leafHash(e));
  });

  it('refuses a signature in non-canonical base64 (pad bits set) although its bytes verify', () => {
    const { entries } = sample();
    const text = new TextDecoder().decode(entries[1]!);
    const at = text.indexOf('=="') - 1; // the last base64 digit of the first signature carries 4 pad bits
    const c = text[at]!;
    const twin = new TextEncoder().encode(text.slice(0, at) + String.fromCharCode(c.charCodeAt(0) + 1) + text.slice(at + 1));
    const r = processChunk({ bytes: encodeBundle([entries[0]!, twin]) });
    expect(r.entries[1]).toMatchObject({ signature: { at: 0, reason: 'malformed', detail: expect.stringMatching(/non-canonical base64/) } });
    // The main-thread rules say the same.
    const state = new LedgerState();
    state.apply(entries[0]!);
    expect(() => state.apply(twin)).toThrow(/signature 0 .*malformed: sig: non-canonical base64/);
  });

  it('only hashes when asked to', () => {
    const { entries } = sample();
    const r = processChunk({ bytes: encodeBundle(entries), hashOnly: true });
    expect(r.entries).toEqual([]);
    expect(r.verified).toBe(0);
    expect(r.leafHashes.length).toBe(entries.length * 32);
  });

  it('runs as a worker thread from its built file and answers like the main thread', async () => {
    const { entries } = sample();
    const bytes = encodeBundle(entries);
    const here = processChunk({ bytes });
    const w = new Worker(builtWorkerSource('audit-worker'), { eval: true, execArgv: [], workerData: AUDIT_WORKER_DATA });
    try {
      const there = await new Promise<ChunkResult>((resolve, reject) => {
        w.on('error', reject);
        w.on('message', (m: WorkerReply) => {
          if ('ready' in m) w.postMessage({ id: 1, chunk: { bytes: bytes.slice() } });
          else resolve(m.result);
        });
      });
      expect(there).toEqual(here);
    } finally {
      await w.terminate();
    }
  });
});

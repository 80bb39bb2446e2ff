import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRecord, type SignedRecord } from '../crypto/envelope';
import { CheckPool } from './check-pool';
import { generateNoteKey } from './note';
import { pooledValidator } from './pooled-validator';
import { LedgerState, RuleError, entryBytes } from './rules';
import { SampleNetwork } from '../node/sample-network';
import { Sequencer } from './sequencer';
import { FsLogDriver } from './storage/fs';

let pool: CheckPool;
let base: string;
beforeAll(async () => {
  pool = new CheckPool(1);
  await pool.ready; // the worker path (before it is ready, chunks are checked on this thread)
  base = await mkdtemp(join(tmpdir(), 'pooled-validator-'));
});
afterAll(async () => {
  await pool.close();
  await rm(base, { recursive: true, force: true });
});

const verdict = async (f: () => unknown): Promise<unknown> => {
  try {
    await f();
    return 'accepted';
  } catch (err) {
    if (!(err instanceof RuleError)) throw err;
    return { code: err.code, status: err.status, message: err.message, field: err.field };
  }
};

describe('pooledValidator', () => {
  it('gives the verdicts of LedgerState.apply, checking on a worker', async () => {
    const net = new SampleNetwork({ origin: 'pool.example/ledger', seed: 5 });
    const plain = new LedgerState();
    const pooled = new LedgerState();
    const v = pooledValidator(pooled, pool);
    const both = async (entry: Uint8Array) => {
      const want = await verdict(() => plain.apply(entry));
      const got = await verdict(async () => (await v.prepare!(entry))());
      expect(got).toEqual(want);
      return got;
    };
    expect(await both(entryBytes(net.genesis()))).toBe('accepted');
    for (let i = 0; i < 30; i++) expect(await both(entryBytes(net.next()))).toBe('accepted');

    const inv = net.officers.find((o) => o.role === 'investigator')!;
    const text = new TextDecoder().decode(entryBytes(net.caseOpen(inv)));
    const at = text.lastIndexOf('"sig":"') + 12;
    const badSig = new TextEncoder().encode(text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1));
    expect(await both(badSig)).toMatchObject({ code: 'LEDGER_RULE_SIGNATURE', status: 401 });
    expect(await both(new TextEncoder().encode(JSON.stringify(JSON.parse(text), null, 1)))).toMatchObject({ code: 'LEDGER_RULE_NOT_CANONICAL' });
    const self = signRecord({ type: 'custody.transfer', v: 1, origin: net.origin, id: 'xfer-self', time: '2026-11-27T10:00:00.000Z', exhibitId: 'EX-000001', from: inv.signer.keyId, to: inv.signer.keyId, purpose: 'p', location: 'l' } as never, 'releasing', inv.signer) as SignedRecord;
    expect(await both(entryBytes(self))).toMatchObject({ status: 400 });
    const stranger = new SampleNetwork({ origin: net.origin, seed: 6 }).admins[0]!;
    expect(await both(entryBytes(net.caseOpen(stranger)))).toMatchObject({ code: 'LEDGER_RULE_UNKNOWN_SIGNER', status: 403 });
    expect(await both(new TextEncoder().encode('{"record":'))).toMatchObject({ code: 'LEDGER_RULE_NOT_JSON' });
    expect(pooled.size).toBe(plain.size);
  });
});

describe('Sequencer with a prepare step', () => {
  it('applies submissions in submission order, whenever their checks finish', async () => {
    const key = generateNoteKey('order.example/log');
    const applied: string[] = [];
    const seq = await Sequencer.open({
      driver: new FsLogDriver(join(base, 'log'), join(base, 'journal')),
      origin: 'order.example/log',
      key,
      batchMs: 10,
      validator: {
        apply: (e) => void applied.push(new TextDecoder().decode(e)),
        // The first submissions take longest to check.
        prepare: (e) => new Promise((resolve, reject) => {
          const name = new TextDecoder().decode(e);
          setTimeout(() => (name === 'bad' ? reject(new RuleError('TEST_REFUSED', 400, 'refused')) : resolve(() => void applied.push(name))), 60 - 10 * Number(name.replace(/\D/g, '') || 5));
        }),
      },
    });
    try {
      const names = ['e0', 'e1', 'bad', 'e3', 'e4'];
      const results = await Promise.allSettled(names.map((n) => seq.submit(new TextEncoder().encode(n))));
      expect(applied).toEqual(['e0', 'e1', 'e3', 'e4']);
      expect(results.map((r) => (r.status === 'fulfilled' ? r.value.index : (r.reason as RuleError).code))).toEqual([0, 1, 'TEST_REFUSED', 2, 3]);
    } finally {
      await seq.close();
    }
  });
});

// Fail closed: a public key that node:crypto cannot import (an OpenSSL built without secp256k1, say) must count
// as a failed signature, never be skipped. node:crypto's import is made to fail for this file only.
import { describe, expect, it, vi } from 'vitest';
import { processChunk } from './audit-worker';
import { encodeBundle } from './layout';
import { entryBytes } from './rules';
import { SampleNetwork } from '../node/sample-network';

vi.mock('../crypto/bulk-verify', async (importOriginal) => {
  const real = await importOriginal<typeof import('../crypto/bulk-verify')>();
  return {
    ...real,
    nodePublicKey: () => {
      throw new Error('error:1E08010C:DECODER routines::unsupported');
    },
  };
});

describe('audit worker with a key node:crypto cannot import', () => {
  it('reports the signature as failed (unusable-key), naming the key, instead of skipping it', () => {
    const net = new SampleNetwork({ origin: 'worker.example/ledger', seed: 3 });
    const list = [net.genesis(), net.next()].map(entryBytes);
    const r = processChunk({ bytes: encodeBundle(list) });
    expect(r.verified).toBe(0);
    for (const e of r.entries) expect(e).toMatchObject({ signature: { at: 0, reason: 'unusable-key', detail: expect.stringMatching(/cannot be imported: .*unsupported/) } });
  });
});

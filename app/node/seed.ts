// `evidence log seed`: a standalone log with fresh keys holding `count` valid, signed, realistic records of
// every type (genesis included), written as a ledger node folder (so `evidence node serve` can serve it).
// Every record goes through the same rules as a live submission before it is appended.
import { nodeSha256, nodeVerifier } from '../crypto/bulk-verify';
import { LogWriter } from '../ledger/log';
import { LedgerState, entryBytes } from '../ledger/rules';
import { SampleNetwork } from './sample-network';
import { FsLogDriver } from '../ledger/storage/fs';
import { nodePaths } from './files';
import { initNode } from './init';

export interface SeedOptions {
  dir: string;
  count: number;
  origin?: string;
  seed?: number;
  /** Entries per checkpoint (default 1000). */
  batch?: number;
  onProgress?: (done: number, total: number) => void;
}

export async function seedLog(o: SeedOptions): Promise<{ origin: string; vkey: string; size: number }> {
  if (!Number.isSafeInteger(o.count) || o.count < 1) throw new RangeError(`count must be a positive integer, got ${o.count}`);
  const origin = o.origin ?? 'seed.evidence.example/ledger';
  const net = new SampleNetwork({ origin, seed: o.seed ?? 1 });
  const state = new LedgerState();
  const genesis = net.genesis();
  await initNode({ dir: o.dir, origin, key: net.logKey, genesis: () => genesis });
  state.apply(entryBytes(genesis), { verifier: nodeVerifier, sha256: nodeSha256 });
  const p = nodePaths(o.dir);
  const driver = new FsLogDriver(p.log, p.journal);
  const writer = await LogWriter.open(driver, origin, net.logKey.signer, net.logKey.verifier);
  const batchSize = o.batch ?? 1000;
  let batch: Uint8Array[] = [];
  for (let i = 1; i < o.count; i++) {
    const e = entryBytes(net.next());
    state.apply(e, { verifier: nodeVerifier, sha256: nodeSha256 });
    batch.push(e);
    if (batch.length >= batchSize) {
      await writer.append(batch);
      batch = [];
      o.onProgress?.(writer.size, o.count);
    }
  }
  await writer.append(batch);
  o.onProgress?.(writer.size, o.count);
  await driver.close();
  return { origin, vkey: net.logKey.vkey, size: writer.size };
}

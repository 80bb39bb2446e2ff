// A real, cosigned sample ledger on disk for tests and benchmarks: SampleNetwork records (real secp256k1
// signatures, accepted by the rules), appended with the real LogWriter, each checkpoint cosigned with the
// genesis witnesses' real cosignature/v1 keys. Nothing is faked; it only skips the HTTP hop to the witnesses.
import { parseNote } from '../ledger/note';
import { LogWriter } from '../ledger/log';
import { SampleNetwork } from '../node/sample-network';
import { entryBytes } from '../ledger/rules';
import { FsLogDriver } from '../ledger/storage/fs';
import { nodePaths } from '../node/files';
import { initNode } from '../node/init';
import { checkPolicy, cosignCheckpoint, parsePolicy, type ParsedPolicy } from '../witness/cosignature';

export interface SampleLog {
  readonly net: SampleNetwork;
  readonly writer: LogWriter;
  readonly driver: FsLogDriver;
  readonly policy: ParsedPolicy;
  /** Appends `n` more records in one checkpoint, cosigned by the witnesses at `cosigners` (indexes). */
  extend(n: number, cosigners?: readonly number[]): Promise<string>;
}

let clock = 1_800_000_000n;

/**
 * `dir` is a bare tiles folder, or with `node: true` a ledger node folder (initNode: node.json, log.key, log/)
 * that `evidence node serve` can serve.
 */
export async function createSampleLog(dir: string, opts: { origin: string; entries: number; batch?: number; seed?: number; cosigners?: readonly number[]; node?: boolean }): Promise<SampleLog> {
  const net = new SampleNetwork({ origin: opts.origin, seed: opts.seed ?? 7, witnesses: 3 });
  const genesis = net.genesis();
  let first = true;
  let driver: FsLogDriver;
  let writer: LogWriter;
  if (opts.node) {
    await initNode({ dir, origin: opts.origin, key: net.logKey, genesis: () => genesis });
    first = false;
    const p = nodePaths(dir);
    driver = new FsLogDriver(p.log, p.journal);
    writer = await LogWriter.open(driver, opts.origin, net.logKey.signer, net.logKey.verifier);
  } else {
    driver = new FsLogDriver(dir);
    writer = await LogWriter.create(driver, opts.origin, net.logKey.signer, net.logKey.verifier);
  }
  const policy = parsePolicy(genesis.record.witnessPolicy as never);
  const extend = async (n: number, cosigners: readonly number[] = opts.cosigners ?? [0, 1]): Promise<string> => {
    const entries: Uint8Array[] = [];
    if (first) {
      entries.push(entryBytes(genesis));
      first = false;
    }
    while (entries.length < n) entries.push(entryBytes(net.next()));
    const pub = await writer.append(entries);
    const text = parseNote(pub.note).text;
    const lines = cosigners.map((i) => cosignCheckpoint(text, net.witnessKeys[i]!.skey, ++clock));
    const note = lines.length === 0 ? pub.note : `${pub.note}${lines.join('\n')}\n`;
    await writer.publishCosigned(note, (x) => checkPolicy(x, net.logKey.verifier, policy, opts.origin).checkpoint);
    return note;
  };
  const batch = opts.batch ?? opts.entries;
  for (let done = opts.node ? 1 : 0; done < opts.entries; done += batch) await extend(Math.min(batch, opts.entries - done));
  return { net, writer, driver, policy, extend };
}

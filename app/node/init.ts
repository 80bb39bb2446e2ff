// `evidence node init`: create a ledger node's folder — the log's Ed25519 key, the empty log, the genesis
// entry (checked by the same rules as every later entry) and trust.bundle, the bundle that genesis describes. node.json is written last, so a crash mid-init leaves
// a folder that init refuses to reuse only if it finished.
import { access, mkdir } from 'node:fs/promises';
import type { SignedRecord } from '../crypto/envelope';
import { nodeSha256, nodeVerifier } from '../crypto/bulk-verify';
import { writeFileDurable } from '../ledger/storage/fs';
import { FsLogDriver } from '../ledger/storage/fs';
import { LogWriter } from '../ledger/log';
import { generateNoteKey, type NoteKeyPair } from '../ledger/note';
import { LedgerState, entryBytes } from '../ledger/rules';
import { nodePaths, NodeConfigError, type NodeConfig } from './files';
import type { GenesisRecord } from '../records/schemas';
import { type ParsedTrustBundle, bundleFromGenesis, checkTrustBundle } from '../trust/bundle';

export interface InitOptions {
  dir: string;
  origin: string;
  /** Builds the signed genesis envelope once the log key exists (its record.logKey must be that vkey). */
  genesis: (logVkey: string) => SignedRecord | Promise<SignedRecord>;
  /** Use this log key instead of generating one. */
  key?: NoteKeyPair;
}

export async function initNode(o: InitOptions): Promise<{ config: NodeConfig; key: NoteKeyPair; bundle: ParsedTrustBundle }> {
  const p = nodePaths(o.dir);
  try {
    await access(p.config);
    throw new NodeConfigError(`${o.dir} is already a ledger node (${p.config} exists)`);
  } catch (err) {
    if (err instanceof NodeConfigError) throw err;
  }
  const key = o.key ?? generateNoteKey(o.origin);
  if (key.verifier.name !== o.origin) throw new NodeConfigError(`the log key is named ${key.verifier.name}; it must be the origin ${o.origin}`);
  const genesis = await o.genesis(key.vkey);
  const rec = genesis.record as { origin?: unknown; logKey?: unknown; type?: unknown };
  if (rec.type !== 'genesis') throw new NodeConfigError(`the genesis record has type ${String(rec.type)}`);
  if (rec.origin !== o.origin) throw new NodeConfigError(`the genesis is for ledger ${String(rec.origin)}, not ${o.origin}`);
  if (rec.logKey !== key.vkey) throw new NodeConfigError(`the genesis names log key ${String(rec.logKey)}, not this node's ${key.vkey}`);
  const entry = entryBytes(genesis);
  new LedgerState().apply(entry, { verifier: nodeVerifier, sha256: nodeSha256 });

  await mkdir(o.dir, { recursive: true });
  await writeFileDurable(p.key, new TextEncoder().encode(`${key.skey}\n`), 0o600);
  const driver = new FsLogDriver(p.log, p.journal);
  const writer = await LogWriter.create(driver, o.origin, key.signer, key.verifier);
  if (writer.size === 0) await writer.append([entry]);
  await driver.close();
  const bundle = checkTrustBundle(bundleFromGenesis(genesis.record as GenesisRecord));
  await writeFileDurable(p.bundle, bundle.bytes);
  const config: NodeConfig = { format: 'evidence-ledger-node/v1', origin: o.origin, vkey: key.vkey };
  await writeFileDurable(p.config, new TextEncoder().encode(JSON.stringify(config, null, 2) + '\n'));
  return { config, key, bundle };
}

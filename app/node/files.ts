// A ledger node's data folder:
//   DIR/node.json   origin and the log's verifier key (written last by init: its presence means "initialised")
//   DIR/log.key     the log's Ed25519 signer key (mode 0600; never served)
//   DIR/journal     the sequencer's pending journal (never served)
//   DIR/log/        the public C2SP tlog-tiles folder (checkpoint, tile/…), servable as-is by any HTTP server
//   DIR/trust.bundle the ledger's trust bundle: the keys verifiers check against; its SHA-256 is the fingerprint
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { parseVerifierKey, type NoteKeyPair } from '../ledger/note';
import { nodeNoteKey } from './fast-signer';
import { EvidenceError } from '../common/errors';

export const nodePaths = (dir: string) => ({
  config: join(dir, 'node.json'),
  key: join(dir, 'log.key'),
  journal: join(dir, 'journal'),
  log: join(dir, 'log'),
  /** The ledger's trust bundle (app/trust/bundle.ts), written by init for the administrator to publish. */
  bundle: join(dir, 'trust.bundle'),
});

export const nodeConfigSchema = z.strictObject({
  format: z.literal('evidence-ledger-node/v1'),
  origin: z.string().min(1),
  vkey: z.string().min(1),
});
export type NodeConfig = z.infer<typeof nodeConfigSchema>;

export class NodeConfigError extends EvidenceError<'LEDGER_NODE_CONFIG'> {
  override name = 'NodeConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('LEDGER_NODE_CONFIG', message, options);
  }
}

/** Reads DIR/node.json and DIR/log.key and checks that they belong together. */
export async function readNode(dir: string): Promise<{ config: NodeConfig; key: NoteKeyPair }> {
  const p = nodePaths(dir);
  let raw: string;
  try {
    raw = await readFile(p.config, 'utf8');
  } catch (err) {
    throw new NodeConfigError(`${p.config} cannot be read: is ${dir} a ledger node folder? (create one with \`evidence node init\`)`, { cause: err });
  }
  const parsed = nodeConfigSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new NodeConfigError(`${p.config}: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
  const key = nodeNoteKey((await readFile(p.key, 'utf8')).trim());
  if (key.vkey !== parsed.data.vkey) throw new NodeConfigError(`${p.key} does not match the vkey in ${p.config}`);
  parseVerifierKey(parsed.data.vkey);
  return { config: parsed.data, key };
}

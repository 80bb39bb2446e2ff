// The standalone witness: app/witness's Witness, run in this process on `<data>/standalone/witness/` (its key,
// the one log it follows, the checkpoint it cosigned last, rejected requests and fork evidence), asked to cosign
// each new checkpoint with the same add-checkpoint request a ledger node sends over HTTP (c2sp.org/tlog-witness):
// it checks the log signature, the old size and the RFC 9162 §2.1.4.2 consistency proof from the checkpoint it
// cosigned before, and persists the new one before it answers.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fromHex } from '../../crypto/encoding';
import { utf8ToBytes } from '../../ledger/bytes';
import { peekCheckpoint, signCheckpoint } from '../../ledger/checkpoint';
import { addSignatureLines, parseNote, type NoteKeyPair } from '../../ledger/note';
import { ensureDirDurable, writeFileAtomic } from '../../fs/atomic';
import { cosignCheckpoint, parseCosignerKey, verifyCosignature } from '../../witness/cosignature';
import { addWitnessLog, CONFIG_FILE, formatAddCheckpoint, initWitness, originHash, Witness } from '../../witness/witness';

export const WITNESS_DIR = 'witness';
/** The witness state written by standalone stacks before they ran app/witness: `{ size, root (hex) }`. */
const LEGACY_STATE = 'witness-state.json';

export interface StandaloneWitnessKeys {
  origin: string;
  logKey: NoteKeyPair;
  witnessSkey: string;
  witnessVkey: string;
}

/**
 * Opens the witness under `standaloneDir`, creating it on first use with the witness key of keys.json and the
 * standalone log as the log it follows. A folder written before (witness-state.json: the size and root last
 * cosigned) is migrated: that checkpoint becomes the witness's stored state, signed by the log key and cosigned
 * by the witness key — both this workstation's — so consistency is checked from it on, then the old file goes.
 */
export async function openStandaloneWitness(standaloneDir: string, keys: StandaloneWitnessKeys): Promise<Witness> {
  const dir = join(standaloneDir, WITNESS_DIR);
  const name = parseCosignerKey(keys.witnessVkey).name;
  if (!(await exists(join(dir, CONFIG_FILE)))) await initWitness(dir, name, keys.witnessSkey);
  const legacy = join(standaloneDir, LEGACY_STATE);
  let old: { size: number; root: string } | undefined;
  try {
    old = JSON.parse(await readFile(legacy, 'utf8')) as { size: number; root: string };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (old) {
    if (!Number.isSafeInteger(old.size) || old.size < 0 || !/^[0-9a-f]{64}$/.test(old.root)) {
      throw new RangeError(`${legacy} must hold { "size": <entries>, "root": <64 hex digits> }, not ${JSON.stringify(old)}`);
    }
    const note = signCheckpoint({ origin: keys.origin, size: old.size, root: fromHex(old.root), extensions: [] }, [keys.logKey.signer]);
    const line = cosignCheckpoint(parseNote(note).text, keys.witnessSkey, BigInt(Math.floor(Date.now() / 1000)));
    await ensureDirDurable(join(dir, 'state'));
    await writeFileAtomic(join(dir, 'state', `${originHash(keys.origin)}.checkpoint`), utf8ToBytes(addSignatureLines(note, [line])), { mode: 0o644, overwrite: true });
    await rm(legacy);
  }
  const witness = await Witness.open(dir);
  if (witness.logKey(keys.origin)) return witness;
  await addWitnessLog(dir, { origin: keys.origin, vkey: keys.logKey.vkey });
  return Witness.open(dir);
}

/**
 * Asks the witness to cosign `note` (the log-signed checkpoint), with a consistency proof from the size it
 * cosigned last; resolves to the note with its verified cosignature added. A refusal is an error naming the
 * witness's answer (the witness keeps the request under rejected/ as evidence).
 */
export async function cosignWith(witness: Witness, note: string, proof: (oldSize: number, newSize: number) => Promise<Uint8Array[]>): Promise<string> {
  const cp = peekCheckpoint(note);
  const latest = witness.latest(cp.origin);
  const old = latest === undefined ? 0 : peekCheckpoint(latest).size;
  const lines = old > 0 && old < cp.size ? await proof(old, cp.size) : [];
  const reply = await witness.addCheckpoint(formatAddCheckpoint(Math.min(old, cp.size), lines, note));
  if (reply.status !== 200) {
    throw new Error(`the standalone witness refused the checkpoint of size ${cp.size} (having cosigned size ${old}): HTTP ${reply.status} ${reply.body.trim()}`);
  }
  const text = parseNote(note).text;
  const verifier = parseCosignerKey(witness.vkey);
  const line = reply.body.split('\n').find((l) => {
    try {
      verifyCosignature(text, l, verifier);
      return true;
    } catch {
      return false;
    }
  });
  if (!line) throw new Error(`the standalone witness answered without a valid cosignature by ${verifier.name}: ${JSON.stringify(reply.body.slice(0, 200))}`);
  return addSignatureLines(note, [line]);
}

async function exists(path: string): Promise<boolean> {
  try {
    await readFile(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

// A C2SP tlog-witness (https://c2sp.org/tlog-witness): for each log it follows (origin + log vkey in
// DIR/witness.json) it keeps the latest checkpoint it cosigned, checks every add-checkpoint request against it
// (log signature, old size, RFC 6962 consistency proof), persists the new checkpoint atomically before it
// answers, and returns a timestamped Ed25519 cosignature (c2sp.org/tlog-cosignature). Requests are serialised
// per origin so two concurrent requests cannot roll the stored size back (tlog-witness, add-checkpoint, the
// race it describes). Requests that fail a consistency check with a valid log signature are kept in
// DIR/rejected/ (append-only) as possible evidence of log misbehaviour.
import { randomBytes } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { ensureDirDurable, writeFileAtomic } from '../fs/atomic';
import { storageFault } from '../fs/errors';
import { bytesEqual, bytesToHex, utf8Decode, utf8ToBytes } from '../ledger/bytes';
import { fromBase64 } from '../crypto/encoding';
import { type Checkpoint, peekCheckpoint, openCheckpoint } from '../ledger/checkpoint';
import { EMPTY_ROOT, HASH_SIZE, verifyConsistency } from '../ledger/merkle';
import { type NoteVerifier, parseNote, parseSignerKey, parseVerifierKey, SIG_COSIGNATURE_V1, SIG_ED25519 } from '../ledger/note';
import { cosignCheckpoint, generateCosignerKey } from './cosignature';
import { ForkStore } from './fork';
import { KeyedMutex } from './http';
import { EvidenceError } from '../common/errors';

export class WitnessError extends EvidenceError<'WITNESS_CONFIG' | 'WITNESS_EXISTS' | 'WITNESS_UNKNOWN_LOG'> {
  override name = 'WitnessError';
  constructor(
    code: 'WITNESS_CONFIG' | 'WITNESS_EXISTS' | 'WITNESS_UNKNOWN_LOG',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

export interface WitnessLogConfig {
  readonly origin: string;
  /** The log's signed-note verifier key (Ed25519, type 0x01). */
  readonly vkey: string;
}

export interface WitnessConfig {
  readonly name: string;
  readonly vkey: string;
  readonly logs: WitnessLogConfig[];
}

export const CONFIG_FILE = 'witness.json';
export const KEY_FILE = 'witness.key';
/** Largest add-checkpoint body: 1 MiB note + old line + 63 proof lines. */
export const MAX_ADD_CHECKPOINT_BODY = (1 << 20) + 8192;
/** c2sp.org/tlog-witness: a client MUST NOT send more than 63 consistency proof lines. */
export const MAX_PROOF_LINES = 63;
/** Content type of a 409 body (c2sp.org/tlog-witness). */
export const SIZE_CONTENT_TYPE = 'text/x.tlog.size';

/** Lowercase hex SHA-256 of the origin (c2sp.org/tlog-witness, Monitor Retrieval Mechanism). */
export const originHash = (origin: string): string => bytesToHex(sha256(utf8ToBytes(origin)));

/** An HTTP answer of the witness core (the server only writes it out). */
export interface WitnessReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/**
 * Runs `fn`; a storage fault (a full disk, EIO: app/fs/errors.ts) becomes the 507 answer naming it — the witness
 * answers again once the fault clears, and nothing was cosigned that is not stored.
 */
async function storageReply<T>(fn: () => Promise<T>, what: string): Promise<T | WitnessReply> {
  try {
    return await fn();
  } catch (err) {
    const fault = storageFault(err, what);
    if (fault) return text(fault.status, `${fault.code}: ${fault.message}`);
    throw err;
  }
}

const text = (status: number, body: string): WitnessReply => ({ status, contentType: 'text/plain; charset=utf-8', body: body.endsWith('\n') ? body : `${body}\n` });

/** Creates DIR with a fresh (or the given) cosigner key (0600) and an empty log list. Refuses to overwrite a witness. */
export async function initWitness(dir: string, name: string, skey?: string): Promise<WitnessConfig> {
  await ensureDirDurable(dir);
  const kp = skey === undefined ? generateCosignerKey(name) : parseSignerKey(skey);
  if (kp.verifier.type !== SIG_COSIGNATURE_V1 || kp.verifier.name !== name) throw new WitnessError('WITNESS_CONFIG', `the given key is not a cosignature/v1 key named ${name}`);
  try {
    await writeFileAtomic(join(dir, KEY_FILE), utf8ToBytes(`${kp.skey}\n`), { mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new WitnessError('WITNESS_EXISTS', `${join(dir, KEY_FILE)} already exists: this folder already holds a witness`, { cause: err });
    throw err;
  }
  const config: WitnessConfig = { name, vkey: kp.vkey, logs: [] };
  await writeFileAtomic(join(dir, CONFIG_FILE), utf8ToBytes(`${JSON.stringify(config, null, 2)}\n`), { mode: 0o644 });
  return config;
}

async function readConfig(dir: string): Promise<WitnessConfig> {
  let raw: string;
  try {
    raw = await readFile(join(dir, CONFIG_FILE), 'utf8');
  } catch (err) {
    throw new WitnessError('WITNESS_CONFIG', `cannot read ${join(dir, CONFIG_FILE)}: run \`evidence witness init --dir ${dir}\` first`, { cause: err });
  }
  let cfg: WitnessConfig;
  try {
    cfg = JSON.parse(raw) as WitnessConfig;
  } catch (err) {
    throw new WitnessError('WITNESS_CONFIG', `${join(dir, CONFIG_FILE)} is not JSON`, { cause: err });
  }
  if (typeof cfg.name !== 'string' || typeof cfg.vkey !== 'string' || !Array.isArray(cfg.logs)) {
    throw new WitnessError('WITNESS_CONFIG', `${join(dir, CONFIG_FILE)} must hold { name, vkey, logs: [{ origin, vkey }] }`);
  }
  return cfg;
}

/** Adds (or replaces the key of) a log the witness follows. */
export async function addWitnessLog(dir: string, log: WitnessLogConfig): Promise<WitnessConfig> {
  const v = parseVerifierKey(log.vkey);
  if (v.type !== SIG_ED25519) throw new WitnessError('WITNESS_CONFIG', `log key ${v.name} has type 0x${v.type.toString(16)}, expected an Ed25519 (0x01) log key`);
  if (log.origin.length === 0 || log.origin.includes('\n')) throw new WitnessError('WITNESS_CONFIG', `origin ${JSON.stringify(log.origin)} must be one non-empty line`);
  const cfg = await readConfig(dir);
  const logs = [...cfg.logs.filter((l) => l.origin !== log.origin), { origin: log.origin, vkey: log.vkey }];
  const next = { ...cfg, logs };
  await writeFileAtomic(join(dir, CONFIG_FILE), utf8ToBytes(`${JSON.stringify(next, null, 2)}\n`), { mode: 0o644, overwrite: true });
  return next;
}

interface LogState {
  readonly origin: string;
  readonly logKey: NoteVerifier;
  /** The latest cosigned checkpoint and its note (log signature + our cosignature), if any. */
  latest: { checkpoint: Checkpoint; note: string } | undefined;
}

/** A parsed add-checkpoint body (c2sp.org/tlog-witness, add-checkpoint). */
export interface AddCheckpointRequest {
  readonly oldSize: number;
  readonly proof: Uint8Array[];
  readonly note: string;
}

export class AddCheckpointParseError extends EvidenceError<'WITNESS_BAD_REQUEST'> {
  override name = 'AddCheckpointParseError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('WITNESS_BAD_REQUEST', message, options);
  }
}

/** Parses an add-checkpoint request body strictly; throws AddCheckpointParseError naming the bad line. */
export function parseAddCheckpoint(body: Uint8Array | string): AddCheckpointRequest {
  let s: string;
  try {
    s = typeof body === 'string' ? body : utf8Decode(body);
  } catch (err) {
    throw new AddCheckpointParseError('request body is not UTF-8', { cause: err });
  }
  const blank = s.indexOf('\n\n');
  if (blank < 0) throw new AddCheckpointParseError('request body has no empty line before the checkpoint');
  const head = s.slice(0, blank).split('\n');
  const m = /^old (0|[1-9][0-9]*)$/.exec(head[0] ?? '');
  if (!m) throw new AddCheckpointParseError(`first line ${JSON.stringify((head[0] ?? '').slice(0, 80))} must be "old <size>" (decimal, no leading zeroes)`);
  const oldSize = Number(m[1]);
  if (!Number.isSafeInteger(oldSize)) throw new AddCheckpointParseError(`old size ${m[1]} is too large`);
  const proofLines = head.slice(1);
  if (proofLines.length > MAX_PROOF_LINES) throw new AddCheckpointParseError(`${proofLines.length} consistency proof lines, at most ${MAX_PROOF_LINES} allowed`);
  const proof = proofLines.map((l, i) => {
    let h: Uint8Array;
    try {
      h = fromBase64(l);
    } catch (err) {
      throw new AddCheckpointParseError(`proof line ${i + 1} is not base64`, { cause: err });
    }
    if (h.length !== HASH_SIZE) throw new AddCheckpointParseError(`proof line ${i + 1} decodes to ${h.length} bytes, expected ${HASH_SIZE}`);
    return h;
  });
  return { oldSize, proof, note: s.slice(blank + 2) };
}

/** Formats an add-checkpoint request body. */
export function formatAddCheckpoint(oldSize: number, proof: readonly Uint8Array[], note: string): string {
  const lines = [`old ${oldSize}`, ...proof.map((p) => Buffer.from(p).toString('base64'))];
  return `${lines.join('\n')}\n\n${note}`;
}

export interface WitnessOptions {
  /** Clock for cosignature timestamps (POSIX seconds); tests inject one. */
  now?: () => bigint;
}

export class Witness {
  private readonly mutex = new KeyedMutex();
  /** Fork evidence found through gossip (DIR/forks/). */
  readonly forks: ForkStore;

  private constructor(
    readonly dir: string,
    readonly config: WitnessConfig,
    private readonly skey: string,
    private readonly logs: Map<string, LogState>,
    private readonly now: () => bigint,
  ) {
    this.forks = new ForkStore(join(dir, 'forks'));
  }

  /** Opens the witness in DIR: its key, its config and the latest checkpoint of every log (each re-verified). */
  static async open(dir: string, opts: WitnessOptions = {}): Promise<Witness> {
    const config = await readConfig(dir);
    const skey = (await readFile(join(dir, KEY_FILE), 'utf8')).trim();
    const kp = parseSignerKey(skey);
    if (kp.verifier.type !== SIG_COSIGNATURE_V1) throw new WitnessError('WITNESS_CONFIG', `${join(dir, KEY_FILE)} is not a cosignature/v1 (0x04) key`);
    if (kp.vkey !== config.vkey) throw new WitnessError('WITNESS_CONFIG', `${join(dir, KEY_FILE)} does not match the vkey in ${CONFIG_FILE}`);
    const logs = new Map<string, LogState>();
    for (const l of config.logs) {
      const logKey = parseVerifierKey(l.vkey);
      const state: LogState = { origin: l.origin, logKey, latest: undefined };
      let note: string | undefined;
      try {
        note = await readFile(join(dir, 'state', `${originHash(l.origin)}.checkpoint`), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      if (note !== undefined) {
        const opened = openCheckpoint(note, logKey, { origin: l.origin, witnesses: [kp.verifier] });
        state.latest = { checkpoint: opened.checkpoint, note };
      }
      logs.set(l.origin, state);
    }
    const now = opts.now ?? (() => BigInt(Math.floor(Date.now() / 1000)));
    return new Witness(dir, config, skey, logs, now);
  }

  get vkey(): string {
    return this.config.vkey;
  }

  /** The latest cosigned checkpoint note of `origin`, or undefined. */
  latest(origin: string): string | undefined {
    return this.logs.get(origin)?.latest?.note;
  }

  /** The latest cosigned checkpoint note for a SHA-256 origin hash (monitoring endpoint). */
  latestByHash(hash: string): string | undefined {
    for (const [origin, st] of this.logs) if (originHash(origin) === hash) return st.latest?.note;
    return undefined;
  }

  /** The log key the witness trusts for `origin`. */
  logKey(origin: string): NoteVerifier | undefined {
    return this.logs.get(origin)?.logKey;
  }

  /**
   * c2sp.org/tlog-witness, add-checkpoint: every check in the order the spec gives, answering with its status
   * code. Serialised per origin; the new checkpoint is durable before the reply is returned.
   */
  async addCheckpoint(body: Uint8Array | string): Promise<WitnessReply> {
    let req: AddCheckpointRequest;
    let cp: Checkpoint;
    try {
      req = parseAddCheckpoint(body);
      cp = peekCheckpoint(req.note);
    } catch (err) {
      return text(400, `bad request: ${(err as Error).message}`);
    }
    const state = await this.follow(cp.origin);
    if (!state) return text(404, `unknown log origin ${JSON.stringify(cp.origin)}`);
    try {
      openCheckpoint(req.note, state.logKey, { origin: state.origin });
    } catch (err) {
      return text(403, `checkpoint is not validly signed by the log key ${state.logKey.name}: ${(err as Error).message}`);
    }
    if (req.oldSize > cp.size) return text(400, `old size ${req.oldSize} is larger than the checkpoint size ${cp.size}`);
    return storageReply(() => this.mutex.run(state.origin, () => this.addLocked(state, req, cp)), 'keeping the cosigned checkpoint');
  }

  /**
   * The state of a log the witness follows; a log added to DIR/witness.json since the witness opened (`evidence
   * witness add-log`) is taken up here, without a restart.
   */
  private async follow(origin: string): Promise<LogState | undefined> {
    const known = this.logs.get(origin);
    if (known) return known;
    const added = (await readConfig(this.dir)).logs.find((l) => l.origin === origin);
    if (!added) return undefined;
    const state: LogState = { origin, logKey: parseVerifierKey(added.vkey), latest: undefined };
    this.logs.set(origin, state);
    this.config.logs.push({ origin, vkey: added.vkey });
    return state;
  }

  private async addLocked(state: LogState, req: AddCheckpointRequest, cp: Checkpoint): Promise<WitnessReply> {
    const known = state.latest?.checkpoint.size ?? 0;
    if (req.oldSize !== known) return { status: 409, contentType: SIZE_CONTENT_TYPE, body: `${known}\n` };
    if (cp.size === 0 && !bytesEqual(cp.root, EMPTY_ROOT)) {
      return this.reject(state, req, 422, 'a size-0 checkpoint must have the empty tree root (SHA-256 of the empty string)');
    }
    if (req.oldSize === 0) {
      if (req.proof.length !== 0) return this.reject(state, req, 422, `old size is 0 but the request carries ${req.proof.length} proof lines, expected none`);
    } else {
      const oldRoot = state.latest!.checkpoint.root;
      if (req.oldSize === cp.size) {
        if (req.proof.length !== 0 || !bytesEqual(oldRoot, cp.root)) {
          return this.reject(state, req, 422, `checkpoint of size ${cp.size} has a different root from the one this witness cosigned at that size`);
        }
      } else {
        try {
          verifyConsistency(req.oldSize, cp.size, req.proof, oldRoot, cp.root);
        } catch (err) {
          return this.reject(state, req, 422, `consistency proof from ${req.oldSize} to ${cp.size} does not verify: ${(err as Error).message}`);
        }
      }
    }
    const parsed = parseNote(req.note);
    const line = cosignCheckpoint(parsed.text, this.skey, this.now());
    // Keep the log's own signature lines (the ones the witness verified) and our cosignature.
    const logLines = parsed.signatures.filter((s) => s.name === state.logKey.name && s.keyId === state.logKey.keyId).map((s) => s.line);
    const note = `${parsed.text}\n${[...logLines, line].join('\n')}\n`;
    await ensureDirDurable(join(this.dir, 'state'));
    await writeFileAtomic(join(this.dir, 'state', `${originHash(state.origin)}.checkpoint`), utf8ToBytes(note), { mode: 0o644, overwrite: true });
    state.latest = { checkpoint: cp, note };
    return text(200, `${line}\n`);
  }

  /**
   * Gossip (our fork-detection exchange): a peer sends a checkpoint note it trusts; we answer with ours for the
   * same log. A witness holds no tree, so it can only catch a same-size, different-root pair — which it keeps.
   */
  async gossip(body: Uint8Array | string, source: string): Promise<WitnessReply> {
    let note: string;
    let cp: Checkpoint;
    try {
      note = typeof body === 'string' ? body : utf8Decode(body);
      cp = peekCheckpoint(note);
    } catch (err) {
      return text(400, `bad gossip: ${(err as Error).message}`);
    }
    const state = await this.follow(cp.origin);
    if (!state) return text(404, `unknown log origin ${JSON.stringify(cp.origin)}`);
    try {
      openCheckpoint(note, state.logKey, { origin: state.origin });
    } catch (err) {
      return text(403, `gossiped checkpoint is not validly signed by the log key: ${(err as Error).message}`);
    }
    const ours = state.latest;
    if (!ours) return text(404, `no cosigned checkpoint yet for ${state.origin}`);
    if (ours.checkpoint.size === cp.size && !bytesEqual(ours.checkpoint.root, cp.root)) {
      const kept = await storageReply(async () => {
        await this.forks.record({ origin: state.origin, reason: `two checkpoints of size ${cp.size} with different roots`, ours: ours.note, theirs: note, source });
        return undefined;
      }, 'keeping fork evidence');
      if (kept) return kept;
    }
    return { status: 200, contentType: 'text/plain; charset=utf-8', body: ours.note };
  }

  /** Keeps a rejected (but log-signed) request in DIR/rejected/ as possible proof of misbehaviour. */
  private async reject(state: LogState, req: AddCheckpointRequest, status: number, reason: string): Promise<WitnessReply> {
    const dir = join(this.dir, 'rejected');
    await ensureDirDurable(dir);
    const record = {
      reason,
      status,
      origin: state.origin,
      receivedAt: new Date().toISOString(),
      oldSize: req.oldSize,
      proof: req.proof.map((p) => Buffer.from(p).toString('base64')),
      checkpoint: req.note,
      cosigned: state.latest?.note ?? null,
    };
    const name = `${Date.now()}-${randomBytes(4).toString('hex')}.json`;
    await writeFileAtomic(join(dir, name), utf8ToBytes(`${JSON.stringify(record, null, 2)}\n`), { mode: 0o444 });
    return text(status, reason);
  }

  /** Rejected requests kept as evidence, oldest first. */
  async rejected(): Promise<Array<{ reason: string; checkpoint: string; cosigned: string | null }>> {
    let names: string[];
    try {
      names = (await readdir(join(this.dir, 'rejected'))).filter((n) => n.endsWith('.json')).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return Promise.all(names.map(async (n) => JSON.parse(await readFile(join(this.dir, 'rejected', n), 'utf8')) as { reason: string; checkpoint: string; cosigned: string | null }));
  }
}

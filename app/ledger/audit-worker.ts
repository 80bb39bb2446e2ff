// The audit's per-entry work, everything that does not depend on the ledger's state, for one chunk of entries
// (an entry bundle's format: uint16 length prefixes, c2sp.org/tlog-tiles): the RFC 9162 §2.1.1 leaf hash; the
// parse (UTF-8, RFC 8785 canonical JSON, envelope, record schema); the rules that need no state
// (checkEntryAlone); and every signature verified against its own publicKey with node:crypto (low-S checked).
// What comes back is compact: the leaf hashes in one transferable buffer, and per entry the facts the stateful
// rules read (type, record id, signers, case/exhibit ids, holders …: rules.ts entryFacts), or why it failed.
// The main thread only builds the tree and runs the stateful rules.
//
// It runs on worker threads (built with what it imports into out/workers/audit-worker.cjs by bin/build-cli.mjs,
// so a worker starts in tens of milliseconds: check-pool.ts) and on the main thread while no worker is ready yet.
import { type KeyObject, createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { nodePublicKey, nodeSha256, verifyWithKeyObject } from '../crypto/bulk-verify';
import { fromBase64 } from '../crypto/encoding';
import { parsePublicKey } from '../crypto/secp256k1';
import { HASH_SIZE } from './merkle';
import { decodeBundle } from './layout';
import { type EntryFacts, RuleError, checkEntryAlone, entryFacts, parseEntry } from './rules';

/**
 * One entry's outcome: accepted so far, with the compact facts the stateful rules decide on (entryFacts: not
 * the whole record, so the main thread deserialises little), or the first reason it fails.
 */
export type WorkerEntry =
  | { facts: EntryFacts }
  | { rule: { code: string; status: number; message: string; field?: string } }
  | { signature: { at: number; role: string; keyId: string; reason: string; detail: string } };

export interface ChunkRequest {
  /** Entries in entry-bundle form. */
  bytes: Uint8Array;
  /** Only hash the leaves (the audit already failed: the rest is read for the tree checks alone). */
  hashOnly?: boolean;
}

export interface ChunkResult {
  /** 32-byte leaf hashes, concatenated in entry order. */
  leafHashes: Uint8Array;
  /** Signatures verified. */
  verified: number;
  /** One per entry, in order; empty when `hashOnly`. */
  entries: WorkerEntry[];
}

/** Imported keys by publicKey hex (a ledger has few signers), or why one cannot be imported. */
const keys = new Map<string, KeyObject | string>();
const LEAF_PREFIX = new Uint8Array([0x00]);

function key(hex: string): KeyObject | string {
  let k = keys.get(hex);
  if (k === undefined) {
    try {
      k = nodePublicKey(parsePublicKey(hex));
    } catch (err) {
      // Fail closed: a key that cannot be imported verifies nothing, so its signature counts as failed.
      k = `publicKey ${hex.slice(0, 16)}… cannot be imported: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (keys.size > 10_000) keys.clear();
    keys.set(hex, k);
  }
  return k;
}

/**
 * A signature's bytes, or why its text is not canonical base64 (fromBase64's message). parseEntry's schema
 * already held it to 86 base64 characters and "==": Node's decoder and a re-encoding decide it natively.
 */
function decodeSig(text: string): Uint8Array | string {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') === text) return bytes;
  try {
    fromBase64(text, 'sig');
  } catch (err) {
    if (err instanceof TypeError) return err.message;
    throw err;
  }
  throw new RangeError(`sig ${text}: Node's base64 decoder and fromBase64 disagree`);
}

/** An entry parsed and past the stateless rules, with its signatures ready to verify. */
interface Prepared {
  parsed: ReturnType<typeof parseEntry>;
  sigs: Array<{ pub: KeyObject | string; sig: Uint8Array | string }>;
}

function prepare(entry: Uint8Array): Prepared | WorkerEntry {
  let parsed: ReturnType<typeof parseEntry>;
  try {
    parsed = parseEntry(entry);
    checkEntryAlone(parsed, { sha256: nodeSha256 });
  } catch (err) {
    if (!(err instanceof RuleError)) throw err;
    return { rule: { code: err.code, status: err.status, message: err.message, ...(err.field !== undefined ? { field: err.field } : {}) } };
  }
  return { parsed, sigs: parsed.envelope.signatures.map((s) => ({ pub: key(s.publicKey), sig: decodeSig(s.sig) })) };
}

/** Verifies a prepared entry's signatures in order: its facts, or the first that fails. */
function verifyPrepared(p: Prepared): { result: WorkerEntry; verified: number } {
  let verified = 0;
  for (const [at, { pub, sig }] of p.sigs.entries()) {
    const out = typeof pub === 'string'
      ? { ok: false as const, reason: 'unusable-key', detail: pub }
      : typeof sig === 'string' ? { ok: false as const, reason: 'malformed', detail: sig } : verifyWithKeyObject(sig, p.parsed.message.bytes, pub);
    if (!out.ok) {
      const s = p.parsed.envelope.signatures[at]!;
      return { result: { signature: { at, role: s.role, keyId: s.keyId, reason: out.reason, detail: out.detail } }, verified };
    }
    verified++;
  }
  return { result: { facts: entryFacts(p.parsed) }, verified };
}

/**
 * Processes one chunk: leaf hashes (node:crypto SHA-256), then every entry parsed and checked, then their
 * signatures verified back to back (measured: OpenSSL's verify runs faster in a row than interleaved with
 * parsing).
 */
export function processChunk(req: ChunkRequest): ChunkResult {
  const list = decodeBundle(req.bytes);
  const leafHashes = new Uint8Array(list.length * HASH_SIZE);
  for (const [i, entry] of list.entries()) {
    // RFC 9162 §2.1.1: MTH({d(0)}) = SHA-256(0x00 || d(0)).
    leafHashes.set(createHash('sha256').update(LEAF_PREFIX).update(entry).digest(), i * HASH_SIZE);
  }
  if (req.hashOnly) return { leafHashes, verified: 0, entries: [] };
  const prepared = list.map(prepare);
  let verified = 0;
  const entries = prepared.map((p) => {
    if (!('parsed' in p)) return p;
    const r = verifyPrepared(p);
    verified += r.verified;
    return r.result;
  });
  return { leafHashes, verified, entries };
}

export interface WorkerRequest {
  id: number;
  chunk: ChunkRequest;
}
export type WorkerReply = { ready: true } | { id: number; result: ChunkResult };

/** workerData that marks a thread as an audit worker (audit.ts). */
export const AUDIT_WORKER_DATA = { evidenceAuditWorker: 1 } as const;

// Started as an audit worker (not when a thread merely imports processChunk).
if (parentPort && (workerData as typeof AUDIT_WORKER_DATA | undefined)?.evidenceAuditWorker === 1) {
  const port = parentPort;
  port.on('message', (msg: WorkerRequest) => {
    const result = processChunk(msg.chunk);
    port.postMessage({ id: msg.id, result } satisfies WorkerReply, [result.leafHashes.buffer as ArrayBuffer]);
  });
  port.postMessage({ ready: true } satisfies WorkerReply);
}

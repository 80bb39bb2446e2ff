// Audit worker thread: parses entries (UTF-8, canonical JSON, envelope, record schema, signed message) and
// verifies every signature against its own publicKey with node:crypto (app/crypto's nodeVerifier, low-S
// checked). The main thread then runs the stateful rules, which check that each key may sign in its role.
// Batch format (big-endian): repeated { u32 entry index, u32 length, entry bytes }.
import { parentPort } from 'node:worker_threads';
import { sha256 } from '@noble/hashes/sha2.js';
import { createNodeVerifier } from '../crypto/bulk-verify';
import { fromBase64 } from '../crypto/encoding';
import { parsePublicKey } from '../crypto/secp256k1';
import type { SignedRecord } from '../crypto/envelope';
import { RuleError, parseEntry } from './rules';

export type WorkerEntry =
  | { index: number; envelope: SignedRecord }
  | { index: number; rule: { code: string; status: number; message: string; field?: string } }
  | { index: number; signature: { at: number; reason: string; detail: string } };

export interface BatchResult {
  verified: number;
  entries: WorkerEntry[];
}

const verifier = createNodeVerifier();
const keys = new Map<string, Uint8Array | null>();

function key(hex: string): Uint8Array | null {
  let k = keys.get(hex);
  if (k === undefined) {
    try {
      k = parsePublicKey(hex);
    } catch {
      k = null; // malformed: the main thread's rules report it with the field
    }
    keys.set(hex, k);
  }
  return k;
}

export function processBatch(buf: Uint8Array): BatchResult {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const entries: WorkerEntry[] = [];
  let verified = 0;
  for (let p = 0; p < buf.length; ) {
    const index = view.getUint32(p);
    const len = view.getUint32(p + 4);
    const entry = buf.subarray(p + 8, p + 8 + len);
    p += 8 + len;
    let parsed: ReturnType<typeof parseEntry>;
    try {
      parsed = parseEntry(entry);
    } catch (err) {
      if (!(err instanceof RuleError)) throw err;
      entries.push({ index, rule: { code: err.code, status: err.status, message: err.message, ...(err.field !== undefined ? { field: err.field } : {}) } });
      continue;
    }
    let failed: WorkerEntry | undefined;
    for (const [at, s] of parsed.envelope.signatures.entries()) {
      const pub = key(s.publicKey);
      if (!pub) continue;
      const out = verifier.verify(fromBase64(s.sig, 'sig'), parsed.message, pub);
      if (!out.ok) {
        failed = { index, signature: { at, reason: out.reason, detail: out.detail } };
        break;
      }
      verified++;
    }
    entries.push(failed ?? { index, envelope: parsed.envelope });
  }
  return { verified, entries };
}

/** Raw verifications of one signature for `ms` milliseconds: this thread's ceiling, for benchmarks. */
export function rawVerifyLoop(sig: Uint8Array, bytes: Uint8Array, pub: Uint8Array, ms: number): number {
  const message = { bytes, digest: sha256(bytes) };
  const key = parsePublicKey(pub);
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    for (let i = 0; i < 20; i++) if (!verifier.verify(sig, message, key).ok) throw new Error('raw verify failed');
    n += 20;
  }
  return (n / (performance.now() - t0)) * 1000;
}

if (parentPort) {
  const port = parentPort;
  port.postMessage({ ready: true });
  port.on('message', (msg: { id: number; buf?: Uint8Array; raw?: { sig: Uint8Array; bytes: Uint8Array; pub: Uint8Array; ms: number } }) => {
    if (msg.raw) port.postMessage({ id: msg.id, result: rawVerifyLoop(msg.raw.sig, msg.raw.bytes, msg.raw.pub, msg.raw.ms) });
    else port.postMessage({ id: msg.id, result: processBatch(msg.buf!) });
  });
}

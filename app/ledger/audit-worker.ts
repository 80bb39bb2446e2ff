// Verifies packed batches of secp256k1 signatures with node:crypto (app/crypto's nodeVerifier, low-S checked)
// on a worker thread. Batch format (all big-endian): repeated { u32 entry index, u32 message length, message,
// u8 signature count, count × (64-byte compact sig, 33-byte compressed public key) }.
import { parentPort } from 'node:worker_threads';
import { createNodeVerifier } from '../crypto/bulk-verify';
import { sha256 } from '@noble/hashes/sha2.js';

export interface BatchFailure {
  index: number;
  signature: number;
  reason: string;
  detail: string;
}

export interface BatchResult {
  verified: number;
  failures: BatchFailure[];
}

const verifier = createNodeVerifier();

export function verifyPacked(buf: Uint8Array): BatchResult {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const failures: BatchFailure[] = [];
  let verified = 0;
  let p = 0;
  while (p < buf.length) {
    const index = view.getUint32(p);
    const len = view.getUint32(p + 4);
    const bytes = buf.subarray(p + 8, p + 8 + len);
    p += 8 + len;
    const count = buf[p]!;
    p += 1;
    const message = { bytes, digest: sha256(bytes) };
    for (let k = 0; k < count; k++) {
      const sig = buf.subarray(p, p + 64);
      const pub = buf.subarray(p + 64, p + 97);
      p += 97;
      const out = verifier.verify(sig, message, pub);
      if (out.ok) verified++;
      else failures.push({ index, signature: k, reason: out.reason, detail: out.detail });
    }
  }
  return { verified, failures };
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (msg: { id: number; buf: Uint8Array }) => {
    port.postMessage({ id: msg.id, result: verifyPacked(msg.buf) });
  });
}

// Small isomorphic byte helpers for the ledger (no node: imports: the browser verifier reuses them).
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';

export { bytesToHex, concatBytes, hexToBytes, utf8ToBytes };

/** Thrown when base64 text is not the canonical RFC 4648 §4 encoding of some bytes. */
export class Base64Error extends Error {
  readonly code = 'LEDGER_BAD_BASE64';
  override name = 'Base64Error';
}

/** RFC 4648 §4 standard base64 with padding. */
export function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

/**
 * Strict RFC 4648 §4 decoding: only the canonical encoding is accepted (no whitespace, no missing or extra
 * padding, no non-zero trailing bits), so one byte string has exactly one text form.
 */
export function fromBase64(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new Base64Error(`not canonical base64 (RFC 4648 §4): ${JSON.stringify(text.slice(0, 80))}`);
  }
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  if (toBase64(out) !== text) {
    throw new Base64Error(`not canonical base64 (RFC 4648 §4): ${JSON.stringify(text.slice(0, 80))}`);
  }
  return out;
}

/** Constant-shape byte comparison. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

const decoder = new TextDecoder('utf-8', { fatal: true });
/** Strict UTF-8 decoding (throws on invalid sequences). */
export function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

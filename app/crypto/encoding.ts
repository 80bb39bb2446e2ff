// Strict, isomorphic byte encodings (no Buffer, no node: imports) for keys and signatures carried in JSON.
// Strict means one text per byte string: lowercase hex only; base64 (RFC 4648 §4, padded) only in its
// canonical form, so a signature or key cannot be re-encoded into a second, different-looking string.

const HEX_RE = /^(?:[0-9a-f]{2})*$/;

const HEX_BYTE = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** Lowercase hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX_BYTE[bytes[i]!]!;
  return out;
}

/** Decodes lowercase hex; throws `TypeError` naming the bad input (`what`) otherwise. */
export function fromHex(hex: string, what = 'hex'): Uint8Array {
  if (typeof hex !== 'string' || !HEX_RE.test(hex)) {
    throw new TypeError(`${what}: expected lowercase hex with an even number of digits, got ${describe(hex)}`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const B64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Padded standard base64 (RFC 4648 §4). */
export function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/**
 * Decodes canonical padded base64 (RFC 4648 §4, §3.5: pad bits must be zero; no whitespace, no missing or extra
 * padding), so one byte string has exactly one text form; throws `TypeError` naming the bad input (`what`).
 */
export function fromBase64(text: string, what = 'base64'): Uint8Array {
  if (typeof text !== 'string' || !B64_RE.test(text)) {
    throw new TypeError(`${what}: expected padded standard base64 (A-Z a-z 0-9 + /), got ${describe(text)}`);
  }
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  if (toBase64(out) !== text) {
    throw new TypeError(`${what}: non-canonical base64 (unused pad bits are set) in ${describe(text)}`);
  }
  return out;
}

/** Constant-time-ish equality for equal-length byte strings (no early exit). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** A short printable description of an untrusted value for error messages (never the whole value). */
export function describe(value: unknown): string {
  if (typeof value === 'string') {
    return value.length > 40 ? `${JSON.stringify(value.slice(0, 40))}… (${value.length} chars)` : JSON.stringify(value);
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (typeof value === 'object') return `an object (${Object.getPrototypeOf(value)?.constructor?.name ?? 'null prototype'})`;
  return `${typeof value} ${String(value)}`;
}

// What a person signs (docs/DESIGN.md "Parties and keys"): exactly
//
//   UTF-8("evidence-ledger/v1/" + record.type) || 0x0A || UTF-8(JCS(record))
//
// where JCS is the RFC 8785 canonical JSON of the whole record (the `type` field included), and the signature
// is ECDSA over SHA-256 of those bytes. The tag separates domains: a signature over one record type can never
// be replayed as another, nor as any other protocol's message. These bytes are what `openssl dgst -sha256`
// verifies (crypto.interop.test.ts). Isomorphic: no node: imports.
import canonicalize from 'canonicalize';
import { sha256 } from '@noble/hashes/sha2.js';
import { RecordInputError } from './errors';
import type { SignedMessage } from './secp256k1';

export type JsonPrimitive = null | boolean | number | string;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };
/** A signable record: a plain JSON object naming its type. */
export type JsonRecord = JsonObject & { type: string };

/** Scheme version and prefix of every domain-separation tag. */
export const DOMAIN_PREFIX = 'evidence-ledger/v1/';
/** Record types: a letter, then letters, digits, `.`, `_` or `-`; at most 64 characters (e.g. `custody.transfer`). */
export const RECORD_TYPE_RE = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;
/** Nesting limit for records (guards the recursive canonicaliser against stack exhaustion). */
export const MAX_DEPTH = 64;

const encoder = new TextEncoder();

/** The domain-separation tag of a record type, e.g. `evidence-ledger/v1/deposition`. */
export function domainTag(type: string): string {
  if (typeof type !== 'string' || !RECORD_TYPE_RE.test(type)) {
    throw new RecordInputError('$.type', `expected a record type matching ${RECORD_TYPE_RE}, got ${JSON.stringify(type)}`);
  }
  return DOMAIN_PREFIX + type;
}

/**
 * RFC 8785 canonical JSON of `value`, after checking that `value` is pure JSON (I-JSON, RFC 7493): plain
 * objects and arrays, strings without lone surrogates (RFC 7493 §2.1), finite numbers (RFC 8785 §3.2.2.3:
 * NaN/Infinity are errors), no `undefined`, functions, symbols, bigints, Dates, class instances, cycles or
 * sparse arrays. `canonicalize` alone would silently drop or convert several of those.
 */
export function canonicalJson(value: unknown): string {
  // Keys already in JCS order (e.g. parsed from canonical text): V8's native JSON.stringify is the JCS form.
  if (sortedPlainJson(value, 0)) return JSON.stringify(value);
  return fastCanonical(value, 0) ?? canonicalJsonChecked(value);
}

/** canonicalJson's reference path: every check with its precise error, then the `canonicalize` package. */
export function canonicalJsonChecked(value: unknown): string {
  assertJson(value, '$', 0, new Set());
  const text = canonicalize(value);
  if (text === undefined) throw new RecordInputError('$', 'has no JSON representation');
  return text;
}

const SURROGATE_RE = /[\uD800-\uDFFF]/;

/**
 * RFC 8785 serialisation of a value that is plainly JSON, checked and serialised in one pass (what JSON.parse
 * returns always is, unless a string holds a lone surrogate or it nests deeper than MAX_DEPTH). Returns
 * undefined at anything unusual, which canonicalJsonChecked then judges with its precise error: so it never
 * accepts what the reference refuses, and its output is the reference's (record-digest.prop.test.ts). ~3× faster
 * than assertJson + canonicalize (the audit parses every entry).
 */
function fastCanonical(value: unknown, depth: number): string | undefined {
  switch (typeof value) {
    case 'string':
      return SURROGATE_RE.test(value) && hasLoneSurrogate(value) ? undefined : JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : undefined; // §3.2.2.3: ECMAScript Number serialisation
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return 'null';
  if (depth >= MAX_DEPTH) return undefined;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return undefined;
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return undefined;
      const s = fastCanonical(value[i], depth + 1);
      if (s === undefined) return undefined;
      out += i === 0 ? s : `,${s}`;
    }
    return `${out}]`;
  }
  if (!isPlainObject(value) || Object.getOwnPropertySymbols(value).length > 0) return undefined;
  // §3.2.3: properties sorted by their names' UTF-16 code units (Array.prototype.sort's default order).
  const keys = Object.keys(value).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (SURROGATE_RE.test(key) && hasLoneSurrogate(key)) return undefined;
    const s = fastCanonical(value[key], depth + 1);
    if (s === undefined) return undefined;
    out += `${i === 0 ? '' : ','}${JSON.stringify(key)}:${s}`;
  }
  return `${out}}`;
}

/**
 * Whether `text` is the RFC 8785 canonical JSON of `value` (its JSON.parse), i.e. `canonicalJson(value) ===
 * text`, and throwing exactly when canonicalJson throws. The common case needs no hand serialisation: when every
 * object's keys already come in sorted order (§3.2.3) and the value is plainly JSON (no lone surrogates, within
 * MAX_DEPTH), JCS(value) is JSON.stringify(value), since §3.2.2 takes its literal, string and number forms from
 * ECMAScript's JSON.stringify, which V8 writes natively. Anything else goes to canonicalJson
 * (record-digest.prop.test.ts checks both agree). The ledger checks every entry with it.
 */
export function isCanonicalJsonText(text: string, value: unknown): boolean {
  return sortedPlainJson(value, 0) ? JSON.stringify(value) === text : canonicalJson(value) === text;
}

/** Plain JSON (as fastCanonical accepts it) whose every object lists its keys in JCS order (§3.2.3). */
function sortedPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
      return !SURROGATE_RE.test(value);
    case 'number':
      return Number.isFinite(value);
    case 'boolean':
      return true;
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth >= MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    for (let i = 0; i < value.length; i++) if (!(i in value) || !sortedPlainJson(value[i], depth + 1)) return false;
    return true;
  }
  if (!isPlainObject(value) || Object.getOwnPropertySymbols(value).length > 0) return false;
  // Object.keys is the order JSON.stringify writes (integer-like keys first, ascending; then insertion order).
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if ((i > 0 && !(keys[i - 1]! < key)) || SURROGATE_RE.test(key) || !sortedPlainJson(value[key], depth + 1)) return false;
  }
  return true;
}

/** Throws `RecordInputError` unless `record` is a plain JSON object with a valid string `type`. */
export function assertRecord(record: unknown): asserts record is JsonRecord {
  assertRecordShape(record);
  assertJson(record, '$', 0, new Set());
}

function assertRecordShape(record: unknown): asserts record is JsonRecord {
  if (!isPlainObject(record)) {
    throw new RecordInputError('$', `expected a plain JSON object, got ${kind(record)}`);
  }
  if (!('type' in record) || typeof record.type !== 'string') {
    throw new RecordInputError('$.type', `expected a string naming the record type, got ${kind((record as { type?: unknown }).type)}`);
  }
  domainTag(record.type);
}

/** The exact signed bytes: tag, 0x0A, JCS(record). */
export function recordSignedBytes(record: unknown): Uint8Array {
  assertRecordShape(record);
  const tag = encoder.encode(domainTag(record.type));
  const body = encoder.encode(canonicalJson(record)); // assertRecord's JSON checks included
  const out = new Uint8Array(tag.length + 1 + body.length);
  out.set(tag);
  out[tag.length] = 0x0a;
  out.set(body, tag.length + 1);
  return out;
}

/** SHA-256 of the signed bytes: the digest every signature in an envelope is over. */
export function recordDigest(record: unknown): Uint8Array {
  return sha256(recordSignedBytes(record));
}

/** Signed bytes and digest together (verifiers need one or the other). */
export function recordMessage(record: unknown): SignedMessage {
  const bytes = recordSignedBytes(record);
  return { bytes, digest: sha256(bytes) };
}

function assertJson(value: unknown, path: string, depth: number, stack: Set<object>): void {
  if (depth > MAX_DEPTH) throw new RecordInputError(path, `nested deeper than ${MAX_DEPTH} levels`);
  switch (typeof value) {
    case 'boolean':
      return;
    case 'string':
      if (hasLoneSurrogate(value)) throw new RecordInputError(path, 'string contains a lone UTF-16 surrogate (not valid I-JSON, RFC 7493 §2.1)');
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new RecordInputError(path, `number ${value} is not finite; JSON has no NaN or Infinity (RFC 8785 §3.2.2.3)`);
      return;
    case 'object':
      break;
    default:
      throw new RecordInputError(path, `${typeof value} is not a JSON value (use null, boolean, finite number, string, array or plain object)`);
  }
  if (value === null) return;
  if (stack.has(value)) throw new RecordInputError(path, 'circular reference');
  stack.add(value);
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) throw new RecordInputError(path, 'array subclass is not plain JSON');
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw new RecordInputError(`${path}[${i}]`, 'hole in a sparse array');
      assertJson(value[i], `${path}[${i}]`, depth + 1, stack);
    }
  } else {
    if (!isPlainObject(value)) throw new RecordInputError(path, `expected a plain object, got ${kind(value)}`);
    if (Object.getOwnPropertySymbols(value).length > 0) throw new RecordInputError(path, 'object has symbol keys');
    for (const key of Object.keys(value)) {
      const child = childPath(path, key);
      if (hasLoneSurrogate(key)) throw new RecordInputError(child, 'key contains a lone UTF-16 surrogate');
      assertJson((value as Record<string, unknown>)[key], child, depth + 1, stack);
    }
  }
  stack.delete(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const name = Object.getPrototypeOf(value)?.constructor?.name;
    return name && name !== 'Object' ? `an instance of ${name}` : 'an object with toJSON';
  }
  return typeof value === 'undefined' ? 'undefined' : `${typeof value} ${String(value)}`;
}

function childPath(path: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return true;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return true;
    }
  }
  return false;
}

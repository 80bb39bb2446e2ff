// C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 (type 0x01) and timestamped Ed25519
// cosignatures (type 0x04, https://c2sp.org/tlog-cosignature). Isomorphic: Ed25519 from @noble/curves.
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesEqual, concatBytes, utf8Decode, utf8ToBytes } from './bytes';
import { fromBase64, toBase64 } from '../crypto/encoding';
import { EvidenceError } from '../common/errors';

/** Named note errors; `code` is stable. */
export class NoteError extends EvidenceError<'LEDGER_NOTE_MALFORMED' | 'LEDGER_NOTE_UNVERIFIED' | 'LEDGER_NOTE_BAD_SIGNATURE' | 'LEDGER_BAD_KEY'> {
  override name = 'NoteError';
  constructor(
    code: 'LEDGER_NOTE_MALFORMED' | 'LEDGER_NOTE_UNVERIFIED' | 'LEDGER_NOTE_BAD_SIGNATURE' | 'LEDGER_BAD_KEY',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** c2sp.org/signed-note signature type identifiers used here. */
export const SIG_ED25519 = 0x01;
export const SIG_COSIGNATURE_V1 = 0x04;

/** Verifiers MUST accept at least 16 signatures; we cap at 100 lines (and 1 MiB) to bound work. */
export const MAX_NOTE_SIGNATURES = 100;
export const MAX_NOTE_BYTES = 1 << 20;

const EM_DASH = '\u2014';

/** Offset of the first ASCII control character other than newline (c2sp.org/signed-note forbids them), or -1. */
function firstControl(s: string, allowNewline = false): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 && !(allowNewline && c === 0x0a)) return i;
  }
  return -1;
}

/** c2sp.org/signed-note: key names are non-empty with no Unicode spaces and no '+'. */
export function checkKeyName(name: string): void {
  if (name.length === 0 || /[\s+\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u.test(name)) {
    throw new NoteError('LEDGER_BAD_KEY', `key name ${JSON.stringify(name)} must be non-empty without spaces or '+'`);
  }
  if (firstControl(name) >= 0) throw new NoteError('LEDGER_BAD_KEY', `key name ${JSON.stringify(name)} contains control characters`);
}

/** c2sp.org/signed-note: key ID = SHA-256(name || 0x0A || type || public key)[:4], as a big-endian uint32. */
export function keyId(name: string, type: number, publicKey: Uint8Array): number {
  const h = sha256(concatBytes(utf8ToBytes(name), Uint8Array.of(0x0a, type), publicKey));
  return ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
}

const hex8 = (id: number): string => id.toString(16).padStart(8, '0');

/** A key that can verify note signatures of one name and key ID. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  readonly type: number;
  readonly publicKey: Uint8Array;
  /** Verifies `sig` (the signature bytes after the 4-byte key ID) over the note text. */
  verify(text: Uint8Array, sig: Uint8Array): boolean;
  /** The verifier key text `name+hexid+base64(type‖pub)`. */
  readonly vkey: string;
}

/** A key that signs note text. */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  sign(text: Uint8Array): Uint8Array;
}

/**
 * c2sp.org/tlog-cosignature: the Ed25519 cosigned message is "cosignature/v1\n", "time <T>\n", then the
 * whole checkpoint note body.
 */
export function cosignatureMessage(text: Uint8Array, timestamp: bigint): Uint8Array {
  return concatBytes(utf8ToBytes(`cosignature/v1\ntime ${timestamp.toString()}\n`), text);
}

function makeVerifier(name: string, type: number, publicKey: Uint8Array): NoteVerifier {
  checkKeyName(name);
  if (publicKey.length !== 32) throw new NoteError('LEDGER_BAD_KEY', `Ed25519 public key for ${name} is ${publicKey.length} bytes, expected 32`);
  const id = keyId(name, type, publicKey);
  const vkey = `${name}+${hex8(id)}+${toBase64(concatBytes(Uint8Array.of(type), publicKey))}`;
  if (type === SIG_ED25519) {
    return { name, keyId: id, type, publicKey, vkey, verify: (text, sig) => sig.length === 64 && ed25519.verify(sig, text, publicKey) };
  }
  if (type === SIG_COSIGNATURE_V1) {
    return {
      name, keyId: id, type, publicKey, vkey,
      verify: (text, sig) => {
        if (sig.length !== 8 + 64) return false;
        const ts = new DataView(sig.buffer, sig.byteOffset, 8).getBigUint64(0);
        if (ts >= 1n << 63n) return false;
        return ed25519.verify(sig.subarray(8), cosignatureMessage(text, ts), publicKey);
      },
    };
  }
  throw new NoteError('LEDGER_BAD_KEY', `signature type 0x${type.toString(16).padStart(2, '0')} of key ${name} is not supported (want 0x01 Ed25519 or 0x04 cosignature/v1)`);
}

/** Splits on '+' into at most n parts (base64 key material may itself contain '+'). */
function splitPlus(s: string, n: number): string[] {
  const parts = s.split('+');
  return parts.length <= n ? parts : [...parts.slice(0, n - 1), parts.slice(n - 1).join('+')];
}

/** Parses a verifier key `name+hexkeyid+base64(type‖publickey)` (c2sp.org/signed-note, Verifier keys). */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const parts = splitPlus(vkey, 3);
  if (parts.length !== 3) throw new NoteError('LEDGER_BAD_KEY', `verifier key ${JSON.stringify(vkey)} must have three '+'-separated parts: name+hexid+base64key`);
  const [name, idHex, keyB64] = parts as [string, string, string];
  checkKeyName(name);
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new NoteError('LEDGER_BAD_KEY', `verifier key id ${JSON.stringify(idHex)} must be 8 lowercase hex digits`);
  let raw: Uint8Array;
  try {
    raw = fromBase64(keyB64);
  } catch (err) {
    throw new NoteError('LEDGER_BAD_KEY', `verifier key material for ${name} is not base64`, { cause: err });
  }
  if (raw.length < 1) throw new NoteError('LEDGER_BAD_KEY', `verifier key material for ${name} is empty`);
  const v = makeVerifier(name, raw[0]!, raw.subarray(1));
  if (hex8(v.keyId) !== idHex) throw new NoteError('LEDGER_BAD_KEY', `verifier key id ${idHex} does not match its key (computed ${hex8(v.keyId)})`);
  return v;
}

/** An Ed25519 note key pair. `skey` uses Go's golang.org/x/mod/sumdb/note text form: PRIVATE+KEY+name+id+base64(type‖seed). */
export interface NoteKeyPair {
  readonly signer: NoteSigner;
  readonly verifier: NoteVerifier;
  readonly skey: string;
  readonly vkey: string;
}

function keyPair(name: string, type: number, seed: Uint8Array): NoteKeyPair {
  if (seed.length !== 32) throw new NoteError('LEDGER_BAD_KEY', `Ed25519 seed for ${name} is ${seed.length} bytes, expected 32`);
  const pub = ed25519.getPublicKey(seed);
  const verifier = makeVerifier(name, type, pub);
  const signer: NoteSigner = type === SIG_ED25519
    ? { name, keyId: verifier.keyId, sign: (text) => ed25519.sign(text, seed) }
    : {
        name,
        keyId: verifier.keyId,
        sign: (text) => {
          const ts = BigInt(Math.floor(Date.now() / 1000));
          return cosignWithTime(seed, text, ts);
        },
      };
  const skey = `PRIVATE+KEY+${name}+${hex8(verifier.keyId)}+${toBase64(concatBytes(Uint8Array.of(type), seed))}`;
  return { signer, verifier, skey, vkey: verifier.vkey };
}

function cosignWithTime(seed: Uint8Array, text: Uint8Array, ts: bigint): Uint8Array {
  const out = new Uint8Array(8 + 64);
  new DataView(out.buffer).setBigUint64(0, ts);
  out.set(ed25519.sign(cosignatureMessage(text, ts), seed), 8);
  return out;
}

/** Generates a fresh Ed25519 note key (type 0x01 for logs, 0x04 for witness cosigners). */
export function generateNoteKey(name: string, type: number = SIG_ED25519): NoteKeyPair {
  return keyPair(name, type, ed25519.utils.randomSecretKey());
}

/** Parses a signer key text `PRIVATE+KEY+name+hexid+base64(type‖seed)`. */
export function parseSignerKey(skey: string): NoteKeyPair {
  const parts = splitPlus(skey, 5);
  if (parts.length !== 5 || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY') {
    throw new NoteError('LEDGER_BAD_KEY', 'signer key must look like PRIVATE+KEY+name+hexid+base64(type‖seed)');
  }
  const [, , name, idHex, keyB64] = parts as [string, string, string, string, string];
  let raw: Uint8Array;
  try {
    raw = fromBase64(keyB64);
  } catch (err) {
    throw new NoteError('LEDGER_BAD_KEY', `signer key material for ${name} is not base64`, { cause: err });
  }
  if (raw.length !== 33) throw new NoteError('LEDGER_BAD_KEY', `signer key material for ${name} is ${raw.length} bytes, expected 33`);
  const kp = keyPair(name, raw[0]!, raw.subarray(1));
  if (hex8(kp.verifier.keyId) !== idHex) throw new NoteError('LEDGER_BAD_KEY', `signer key id ${idHex} does not match its key`);
  return kp;
}

/** A cosigner producing c2sp.org/tlog-cosignature v1 signatures at a chosen time (tests, witnesses). */
export function cosignerAt(skey: string, timestamp: bigint): NoteSigner {
  const kp = parseSignerKey(skey);
  if (kp.verifier.type !== SIG_COSIGNATURE_V1) throw new NoteError('LEDGER_BAD_KEY', `${kp.verifier.name} is not a cosignature (0x04) key`);
  const raw = fromBase64(splitPlus(skey, 5)[4]!).subarray(1);
  return { name: kp.signer.name, keyId: kp.signer.keyId, sign: (text) => cosignWithTime(raw, text, timestamp) };
}

/** One signature line of a note, kept verbatim even when its key is unknown. */
export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  /** Signature bytes after the 4-byte key ID. */
  readonly sig: Uint8Array;
  /** The line as written, without the newline. */
  readonly line: string;
}

export interface ParsedNote {
  /** The note text, including its final newline. */
  readonly text: string;
  readonly signatures: NoteSignature[];
}

/** Parses a signed note's structure strictly (c2sp.org/signed-note, Format); does not verify anything. */
export function parseNote(input: string | Uint8Array): ParsedNote {
  let s: string;
  if (typeof input === 'string') s = input;
  else {
    if (input.length > MAX_NOTE_BYTES) throw new NoteError('LEDGER_NOTE_MALFORMED', `note is ${input.length} bytes, more than ${MAX_NOTE_BYTES}`);
    try {
      s = utf8Decode(input);
    } catch (err) {
      throw new NoteError('LEDGER_NOTE_MALFORMED', 'note is not valid UTF-8', { cause: err });
    }
  }
  const ctl = firstControl(s, true);
  if (ctl >= 0) throw new NoteError('LEDGER_NOTE_MALFORMED', `note contains control character U+${s.charCodeAt(ctl).toString(16).padStart(4, '0')} at offset ${ctl}`);
  if (!s.endsWith('\n')) throw new NoteError('LEDGER_NOTE_MALFORMED', 'note does not end with a newline');
  const split = s.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('LEDGER_NOTE_MALFORMED', 'note has no blank line separating the text from the signatures');
  const text = s.slice(0, split + 1);
  const sigLines = s.slice(split + 2, -1).split('\n');
  if (sigLines.length > MAX_NOTE_SIGNATURES) throw new NoteError('LEDGER_NOTE_MALFORMED', `note has ${sigLines.length} signature lines, more than ${MAX_NOTE_SIGNATURES}`);
  const signatures: NoteSignature[] = sigLines.map((line, i) => {
    const where = `signature line ${i + 1} ${JSON.stringify(line.slice(0, 100))}`;
    if (!line.startsWith(`${EM_DASH} `)) throw new NoteError('LEDGER_NOTE_MALFORMED', `${where} must start with "— " (em dash, space)`);
    const rest = line.slice(2);
    const sp = rest.indexOf(' ');
    if (sp <= 0 || rest.indexOf(' ', sp + 1) >= 0) throw new NoteError('LEDGER_NOTE_MALFORMED', `${where} must be "— <name> <base64 signature>"`);
    const name = rest.slice(0, sp);
    try {
      checkKeyName(name);
    } catch (err) {
      throw new NoteError('LEDGER_NOTE_MALFORMED', `${where}: bad key name`, { cause: err });
    }
    let raw: Uint8Array;
    try {
      raw = fromBase64(rest.slice(sp + 1));
    } catch (err) {
      throw new NoteError('LEDGER_NOTE_MALFORMED', `${where}: signature is not base64`, { cause: err });
    }
    if (raw.length < 5) throw new NoteError('LEDGER_NOTE_MALFORMED', `${where}: signature is ${raw.length} bytes, need a 4-byte key ID and a signature`);
    const id = ((raw[0]! << 24) | (raw[1]! << 16) | (raw[2]! << 8) | raw[3]!) >>> 0;
    return { name, keyId: id, sig: raw.subarray(4), line };
  });
  return { text, signatures };
}

export interface OpenedNote extends ParsedNote {
  /** Signatures that matched a known key and verified. */
  readonly verified: Array<{ verifier: NoteVerifier; signature: NoteSignature }>;
  /** Signatures from keys not in the verifier list (kept, e.g. other witnesses' cosignatures). */
  readonly unknown: NoteSignature[];
}

/**
 * c2sp.org/signed-note, Signatures: ignores unknown keys, rejects the note if a known key's signature fails,
 * and requires at least one known signature.
 */
export function openNote(input: string | Uint8Array, verifiers: readonly NoteVerifier[]): OpenedNote {
  const note = parseNote(input);
  const text = utf8ToBytes(note.text);
  const verified: OpenedNote['verified'] = [];
  const unknown: NoteSignature[] = [];
  for (const sig of note.signatures) {
    const v = verifiers.find((k) => k.name === sig.name && k.keyId === sig.keyId);
    if (!v) {
      unknown.push(sig);
      continue;
    }
    if (!v.verify(text, sig.sig)) throw new NoteError('LEDGER_NOTE_BAD_SIGNATURE', `signature by ${sig.name} (key ${hex8(sig.keyId)}) does not verify`);
    verified.push({ verifier: v, signature: sig });
  }
  if (verified.length === 0) {
    throw new NoteError('LEDGER_NOTE_UNVERIFIED', `note has no signature from a known key (known: ${verifiers.map((v) => `${v.name}+${hex8(v.keyId)}`).join(', ') || 'none'})`);
  }
  return { ...note, verified, unknown };
}

/** Signs note text (must end in a newline) with each signer, appending to `existing` signature lines. */
export function signNote(text: string, signers: readonly NoteSigner[], existing: readonly string[] = []): string {
  if (!text.endsWith('\n')) throw new NoteError('LEDGER_NOTE_MALFORMED', 'note text must end with a newline');
  const bytes = utf8ToBytes(text);
  const lines = [...existing];
  for (const s of signers) {
    checkKeyName(s.name);
    const id = new Uint8Array(4);
    new DataView(id.buffer).setUint32(0, s.keyId);
    lines.push(`${EM_DASH} ${s.name} ${toBase64(concatBytes(id, s.sign(bytes)))}`);
  }
  if (lines.length === 0) throw new NoteError('LEDGER_NOTE_MALFORMED', 'a signed note needs at least one signature');
  const note = `${text}\n${lines.join('\n')}\n`;
  parseNote(note);
  return note;
}

/** Adds signature lines (e.g. witness cosignatures) to a signed note, skipping exact duplicates. */
export function addSignatureLines(note: string, lines: readonly string[]): string {
  const parsed = parseNote(note);
  const have = new Set(parsed.signatures.map((s) => s.line));
  const extra = [...new Set(lines)].filter((l) => !have.has(l));
  for (const l of extra) parseNote(`x\n\n${l}\n`);
  return `${parsed.text}\n${[...parsed.signatures.map((s) => s.line), ...extra].join('\n')}\n`;
}

/** The timestamp of a cosignature/v1 signature (c2sp.org/tlog-cosignature). */
export function cosignatureTime(sig: NoteSignature): bigint {
  if (sig.sig.length !== 72) throw new NoteError('LEDGER_NOTE_MALFORMED', `cosignature by ${sig.name} is ${sig.sig.length} bytes, expected 72`);
  return new DataView(sig.sig.buffer, sig.sig.byteOffset, 8).getBigUint64(0);
}

/** True when two verifiers are the same key. */
export const sameKey = (a: NoteVerifier, b: NoteVerifier): boolean =>
  a.name === b.name && a.keyId === b.keyId && a.type === b.type && bytesEqual(a.publicKey, b.publicKey);

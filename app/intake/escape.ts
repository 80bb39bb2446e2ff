// File names are stored as the exact bytes the file system gives (Linux names are bytes, not text) and always
// displayed escaped. Two escapings:
//
// 1. `checksumLine` — GNU coreutils' rule for `sha256sum` output (coreutils 9.1, src/digest.c
//    `output_file`/`print_filename`): when a name contains `\`, LF or CR, the line starts with `\` and in the name
//    `\` → `\\`, LF → `\n`, CR → `\r`. All other bytes are written raw. `sha256sum -c` reverses this, so our
//    lines can be checked by it directly.
// 2. `displayName` — for people (UI, logs, reports): the same three escapes, plus `\xHH` for every other control
//    character (C0, DEL) and every byte that is not part of valid UTF-8, so a displayed name is printable, on
//    one line and unambiguous. It is a view only; the stored name is the bytes.
import { isUtf8 } from 'node:buffer';

const BACKSLASH = 0x5c;
const LF = 0x0a;
const CR = 0x0d;

/** True when coreutils would escape this name (it contains `\`, LF or CR). */
export function needsChecksumEscape(name: Uint8Array): boolean {
  return name.includes(BACKSLASH) || name.includes(LF) || name.includes(CR);
}

/** `name` with coreutils' escapes applied (without the line's leading `\`). */
export function escapeChecksumName(name: Uint8Array): Buffer {
  if (!needsChecksumEscape(name)) return Buffer.from(name);
  const out: number[] = [];
  for (const b of name) {
    if (b === BACKSLASH) out.push(BACKSLASH, BACKSLASH);
    else if (b === LF) out.push(BACKSLASH, 0x6e);
    else if (b === CR) out.push(BACKSLASH, 0x72);
    else out.push(b);
  }
  return Buffer.from(out);
}

/** One `sha256sum`-format line, `HASH  NAME\n` (binary-safe), escaped as coreutils does. */
export function checksumLine(hexDigest: string, name: Uint8Array): Buffer {
  if (!/^[0-9a-f]+$/.test(hexDigest)) throw new TypeError(`checksumLine: digest must be lower-case hex, got ${JSON.stringify(hexDigest)}`);
  return _checksumLine(hexDigest, name);
}

/** checksumLine without the digest check, for callers that validated it already. */
export function _checksumLine(hexDigest: string, name: Uint8Array): Buffer {
  const escaped = needsChecksumEscape(name);
  return Buffer.concat([
    Buffer.from(`${escaped ? '\\' : ''}${hexDigest}  `, 'latin1'),
    escapeChecksumName(name),
    Buffer.from('\n', 'latin1'),
  ]);
}

/** Reverses `escapeChecksumName` (used to read manifests); throws on a dangling or unknown escape. */
export function unescapeChecksumName(escaped: Uint8Array): Buffer {
  const out: number[] = [];
  for (let i = 0; i < escaped.length; i++) {
    const b = escaped[i] as number;
    if (b !== BACKSLASH) {
      out.push(b);
      continue;
    }
    const next = escaped[++i];
    if (next === BACKSLASH) out.push(BACKSLASH);
    else if (next === 0x6e) out.push(LF);
    else if (next === 0x72) out.push(CR);
    else throw new RangeError(`unescapeChecksumName: bad escape \\${next === undefined ? '(end)' : String.fromCharCode(next)} in ${JSON.stringify(Buffer.from(escaped).toString('latin1'))}; only \\\\, \\n and \\r are defined`);
  }
  return Buffer.from(out);
}

function hex2(b: number): string {
  return `\\x${b.toString(16).padStart(2, '0')}`;
}

function escapeDisplayChar(ch: string): string {
  const c = ch.codePointAt(0) as number;
  if (ch === '\\') return '\\\\';
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (c < 0x20 || c === 0x7f) return hex2(c);
  return ch;
}

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there does not start one. */
function utf8SequenceLength(buf: Uint8Array, i: number): number {
  const b = buf[i] as number;
  const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
  if (len <= 1) return len;
  if (i + len > buf.length) return 0;
  return isUtf8(buf.subarray(i, i + len)) ? len : 0;
}

/** The human-readable, escaped form of a name or path given as bytes (or as a string, taken as UTF-8). */
export function displayName(name: Uint8Array | string): string {
  const buf = typeof name === 'string' ? Buffer.from(name, 'utf8') : Buffer.from(name.buffer, name.byteOffset, name.byteLength);
  if (isUtf8(buf)) {
    const text = buf.toString('utf8');
    // eslint-disable-next-line no-control-regex
    return /[\x00-\x1f\x7f\\]/.test(text) ? Array.from(text, escapeDisplayChar).join('') : text;
  }
  let out = '';
  for (let i = 0; i < buf.length; ) {
    const len = utf8SequenceLength(buf, i);
    if (len === 0) {
      out += hex2(buf[i] as number);
      i += 1;
    } else {
      out += escapeDisplayChar(buf.subarray(i, i + len).toString('utf8'));
      i += len;
    }
  }
  return out;
}

// The compact evidence anchor: the text a printed report's QR code carries for an exhibit when its whole receipt
// does not fit a QR code (ISO/IEC 18004 version 40 holds at most 2,953 bytes; receipts are ~11 KB). One line per
// field, in this order, separated by "\n" (no trailing newline):
//
//   EVIDENCE-ANCHOR/1
//   origin <log origin>                          (the checkpoint's origin line, c2sp.org/tlog-checkpoint)
//   case <case id>
//   exhibit <exhibit id>
//   entry <index> <leaf hash, 64 lowercase hex>  (RFC 9162 §2.1.1 leaf hash of the deposition entry)
//   checkpoint <tree size> <root hash, base64>   (the checkpoint the report was generated at)
//   sha256 <64 lowercase hex> <size>             (one line per deposited object, at least one)
//   receipt <file name>                          (the *.evidence-receipt.json beside the report; no folder)
//   trust <64 lowercase hex>                     (optional: the ledger's trust bundle fingerprint, app/trust)
//
// The trust line carries the fingerprint the report prints, so a verifier that scans the QR code can check the
// receipt against it (docs/DESIGN.md "Trust roots") — as good as the report it was printed on.
// An anchor is a pointer, not a proof: nothing in it is signed. It proves something only together with the
// receipt it names, whose signatures, inclusion proof and cosigned checkpoint the receipt verifier checks;
// `compareAnchor` then checks that the report, the receipt and the file all name the same entry and bytes.
// Isomorphic (no node: imports): the report renderer formats it, the offline HTML verifier parses it.
import { bytesToHex } from '../ledger/bytes';
import { fromBase64, toBase64 } from '../crypto/encoding';
import { peekCheckpoint } from '../ledger/checkpoint';
import { HASH_SIZE, leafHash } from '../ledger/merkle';
import { parseEntry } from '../ledger/rules';
import { RECEIPT_EXTENSION } from './receipt';
import { parseTlogProof } from './tlog-proof';
import { EvidenceError } from '../common/errors';

export const ANCHOR_HEADER = 'EVIDENCE-ANCHOR/1';

export interface EvidenceAnchor {
  readonly origin: string;
  readonly caseId: string;
  readonly exhibitId: string;
  /** The deposition entry: its log index and RFC 9162 leaf hash (hex). */
  readonly entry: { readonly index: number; readonly leafHash: string };
  /** The checkpoint: tree size and root hash (base64, as the checkpoint text writes it). */
  readonly checkpoint: { readonly size: number; readonly root: string };
  readonly objects: ReadonlyArray<{ readonly sha256: string; readonly size: number }>;
  /** File name of the exhibit's evidence receipt. */
  readonly receipt: string;
  /** The ledger's trust bundle fingerprint (64 lowercase hex), when the report names it. */
  readonly trust?: string;
}

/** Text that breaks the anchor format; `line` is 1-based (0: the text as a whole). */
export class AnchorError extends EvidenceError<'ANCHOR_MALFORMED'> {
  override name = 'AnchorError';
  constructor(
    readonly line: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('ANCHOR_MALFORMED', line > 0 ? `anchor line ${line}: ${message}` : `anchor: ${message}`, options);
  }
}

const HEX64_RE = /^[0-9a-f]{64}$/;
const DECIMAL_RE = /^(0|[1-9][0-9]*)$/;
// C0 and C1 controls, DEL, and the Unicode line and paragraph separators: a value is one printable line.
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** A plain file name (no folder; `text` has already refused controls), e.g. EX-1.evidence-receipt.json. */
const RECEIPT_NAME_RE = /^[^/\\]+$/;

function text(line: number, key: string, v: string): string {
  if (v.length === 0) throw new AnchorError(line, `${key} is empty`);
  if (v !== v.trim()) throw new AnchorError(line, `${key} ${JSON.stringify(v)} has leading or trailing white space`);
  if (CONTROL_RE.test(v)) throw new AnchorError(line, `${key} ${JSON.stringify(v)} contains a control character or line break`);
  return v;
}

function count(line: number, key: string, v: string): number {
  if (!DECIMAL_RE.test(v)) throw new AnchorError(line, `${key} ${JSON.stringify(v)} is not a decimal number without leading zeroes`);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new AnchorError(line, `${key} ${v} is larger than 2^53 - 1`);
  return n;
}

function hex64(line: number, key: string, v: string): string {
  if (!HEX64_RE.test(v)) throw new AnchorError(line, `${key} ${JSON.stringify(v)} is not 64 lowercase hex characters`);
  return v;
}

function root(line: number, v: string): string {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(v);
  } catch (err) {
    throw new AnchorError(line, `checkpoint root ${JSON.stringify(v)} is not base64`, { cause: err });
  }
  if (bytes.length !== HASH_SIZE) throw new AnchorError(line, `checkpoint root decodes to ${bytes.length} bytes, expected ${HASH_SIZE}`);
  if (toBase64(bytes) !== v) throw new AnchorError(line, `checkpoint root ${JSON.stringify(v)} is not in canonical padded base64`);
  return v;
}

function receiptName(line: number, v: string): string {
  text(line, 'receipt', v);
  if (!RECEIPT_NAME_RE.test(v)) throw new AnchorError(line, `receipt ${JSON.stringify(v)} must be a plain file name (no folder), such as EX-1${RECEIPT_EXTENSION}`);
  return v;
}

/** Checks every field of an anchor; throws AnchorError naming the line the field is printed on. */
function validate(a: EvidenceAnchor): EvidenceAnchor {
  text(2, 'origin', a.origin);
  text(3, 'case', a.caseId);
  text(4, 'exhibit', a.exhibitId);
  count(5, 'entry index', String(a.entry.index));
  hex64(5, 'entry leaf hash', a.entry.leafHash);
  count(6, 'checkpoint size', String(a.checkpoint.size));
  root(6, a.checkpoint.root);
  if (a.entry.index >= a.checkpoint.size) throw new AnchorError(6, `checkpoint size ${a.checkpoint.size} does not cover entry ${a.entry.index}: the tree must be larger than the entry's index`);
  if (a.objects.length === 0) throw new AnchorError(7, 'no sha256 line: an anchor names at least one deposited object');
  a.objects.forEach((o, i) => {
    hex64(7 + i, 'sha256', o.sha256);
    count(7 + i, 'object size', String(o.size));
  });
  receiptName(7 + a.objects.length, a.receipt);
  if (a.trust !== undefined) hex64(8 + a.objects.length, 'trust fingerprint', a.trust);
  return a;
}

/** The anchor's text (see the file comment); throws AnchorError when a field cannot be written on one line. */
export function formatAnchor(a: EvidenceAnchor): string {
  validate(a);
  return [
    ANCHOR_HEADER,
    `origin ${a.origin}`,
    `case ${a.caseId}`,
    `exhibit ${a.exhibitId}`,
    `entry ${a.entry.index} ${a.entry.leafHash}`,
    `checkpoint ${a.checkpoint.size} ${a.checkpoint.root}`,
    ...a.objects.map((o) => `sha256 ${o.sha256} ${o.size}`),
    `receipt ${a.receipt}`,
    ...(a.trust !== undefined ? [`trust ${a.trust}`] : []),
  ].join('\n');
}

/** True when the text claims to be an anchor (its first line is the header); parseAnchor says whether it is one. */
export const looksLikeAnchor = (t: string): boolean => t === ANCHOR_HEADER || t.startsWith(`${ANCHOR_HEADER}\n`);

/** Parses an anchor strictly: the fields in order, single spaces, nothing more; every error names the line. */
export function parseAnchor(t: string): EvidenceAnchor {
  if (t.includes('\r')) throw new AnchorError(0, 'lines must end in "\\n" alone, found a carriage return');
  const lines = t.split('\n');
  if (lines[0] !== ANCHOR_HEADER) throw new AnchorError(1, `the first line is ${JSON.stringify(lines[0]?.slice(0, 40))}, expected ${ANCHOR_HEADER}`);
  let n = 1;
  /** The next line, which must be `key value…`; returns the value's space-separated fields (`parts` of them). */
  const next = (key: string, parts: number): string[] => {
    const line = lines[n++];
    if (line === undefined) throw new AnchorError(n, `missing: expected "${key} …"`);
    if (!line.startsWith(`${key} `)) throw new AnchorError(n, `expected "${key} …", found ${JSON.stringify(line.slice(0, 40))}`);
    const rest = line.slice(key.length + 1);
    if (parts === 1) return [rest];
    const fields = rest.split(' ');
    if (fields.length !== parts) throw new AnchorError(n, `"${key}" takes ${parts} values separated by single spaces, found ${JSON.stringify(rest)}`);
    return fields;
  };
  const [origin] = next('origin', 1) as [string];
  const [caseId] = next('case', 1) as [string];
  const [exhibitId] = next('exhibit', 1) as [string];
  const [index, leaf] = next('entry', 2) as [string, string];
  const entry = { index: count(n, 'entry index', index), leafHash: hex64(n, 'entry leaf hash', leaf) };
  const [size, rootText] = next('checkpoint', 2) as [string, string];
  const checkpoint = { size: count(n, 'checkpoint size', size), root: root(n, rootText) };
  const objects: Array<{ sha256: string; size: number }> = [];
  while (lines[n]?.startsWith('sha256 ')) {
    const [h, s] = next('sha256', 2) as [string, string];
    objects.push({ sha256: hex64(n, 'sha256', h), size: count(n, 'object size', s) });
  }
  if (objects.length === 0) next('sha256', 2);
  const [receipt] = next('receipt', 1) as [string];
  const trust = lines[n]?.startsWith('trust ') ? hex64(n + 1, 'trust fingerprint', next('trust', 1)[0]!) : undefined;
  if (n < lines.length) throw new AnchorError(n + 1, `unexpected text after the ${trust ? 'trust' : 'receipt'} line: ${JSON.stringify(lines.slice(n).join('\n').slice(0, 40))}`);
  return validate({ origin, caseId, exhibitId, entry, checkpoint, objects, receipt, ...(trust !== undefined ? { trust } : {}) });
}

export type AnchorCheckId = 'anchor-file' | 'anchor-entry' | 'anchor-checkpoint';

export interface AnchorCheck {
  readonly id: AnchorCheckId;
  readonly title: string;
  readonly status: 'pass' | 'fail' | 'skip';
  readonly detail: string;
}

export const ANCHOR_LIMIT =
  'The anchor is not signed and proves nothing by itself: it names a receipt file and what that receipt must ' +
  'show. Only the receipt (its signatures, inclusion proof and cosigned checkpoint) proves the deposition; the ' +
  'checks here prove that the report, the receipt and the file name the same entry and bytes.';

const msg = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Compares an anchor with the file and receipt a person holds: the file's SHA-256 and size must be one of the
 * anchor's `sha256` lines; the receipt must be for the anchor's origin, entry (index, leaf hash, case, exhibit)
 * and checkpoint (size, root). This does not verify the receipt: verifyReceipt does.
 */
export function compareAnchor(anchor: EvidenceAnchor, given: { file?: { sha256: string; size: number }; receipt?: unknown }): AnchorCheck[] {
  const checks: AnchorCheck[] = [];
  const file = given.file;
  if (!file) {
    checks.push({ id: 'anchor-file', title: 'the file is the one the report names', status: 'skip', detail: 'no evidence file given' });
  } else {
    const sha = file.sha256.toLowerCase();
    const hit = anchor.objects.find((o) => o.sha256 === sha);
    const named = anchor.objects.map((o) => `${o.sha256} (${o.size} bytes)`).join(', ');
    checks.push(
      !hit
        ? { id: 'anchor-file', title: 'the file is the one the report names', status: 'fail', detail: `the file's sha256 ${sha} is not the one the report names: ${named}` }
        : hit.size !== file.size
          ? { id: 'anchor-file', title: 'the file is the one the report names', status: 'fail', detail: `sha256 ${sha} matches but the file is ${file.size} bytes, the report names ${hit.size}` }
          : { id: 'anchor-file', title: 'the file is the one the report names', status: 'pass', detail: `sha256 ${sha}, ${file.size} bytes` },
    );
  }
  if (given.receipt === undefined) {
    checks.push({ id: 'anchor-entry', title: 'the receipt is for the entry the report names', status: 'skip', detail: `no receipt given: the report names ${anchor.receipt}` });
    checks.push({ id: 'anchor-checkpoint', title: 'the receipt is under the checkpoint the report names', status: 'skip', detail: `no receipt given: the report names ${anchor.receipt}` });
    return checks;
  }
  let got: { origin: string; index: number; leaf: string; caseId?: string; exhibitId?: string; size: number; root: string };
  try {
    const r = given.receipt as { origin?: unknown; entry?: unknown; proof?: unknown } | null;
    if (!r || typeof r !== 'object' || typeof r.origin !== 'string' || typeof r.entry !== 'string' || typeof r.proof !== 'string') {
      throw new TypeError('the receipt has no origin, entry and proof strings');
    }
    const bytes = fromBase64(r.entry);
    const proof = parseTlogProof(r.proof);
    const cp = peekCheckpoint(proof.checkpoint);
    const { record } = parseEntry(bytes);
    got = {
      origin: r.origin,
      index: proof.index,
      leaf: bytesToHex(leafHash(bytes)),
      ...(record.type === 'deposition' ? { caseId: record.caseId, exhibitId: record.exhibitId } : {}),
      size: cp.size,
      root: toBase64(cp.root),
    };
  } catch (err) {
    const detail = `the receipt cannot be read: ${msg(err)}`;
    checks.push({ id: 'anchor-entry', title: 'the receipt is for the entry the report names', status: 'fail', detail });
    checks.push({ id: 'anchor-checkpoint', title: 'the receipt is under the checkpoint the report names', status: 'fail', detail });
    return checks;
  }
  const entryProblems: string[] = [];
  if (got.origin !== anchor.origin) entryProblems.push(`the receipt is for ledger ${got.origin}, the report names ${anchor.origin}`);
  if (got.index !== anchor.entry.index) entryProblems.push(`the receipt is for entry ${got.index}, the report names entry ${anchor.entry.index}`);
  if (got.leaf !== anchor.entry.leafHash) entryProblems.push(`the receipt's entry has leaf hash ${got.leaf}, the report names ${anchor.entry.leafHash}`);
  if (got.caseId === undefined) entryProblems.push('the receipt\'s entry is not a deposition');
  else {
    if (got.caseId !== anchor.caseId) entryProblems.push(`the receipt's deposition is in case ${got.caseId}, the report names ${anchor.caseId}`);
    if (got.exhibitId !== anchor.exhibitId) entryProblems.push(`the receipt's deposition is exhibit ${got.exhibitId}, the report names ${anchor.exhibitId}`);
  }
  checks.push(
    entryProblems.length
      ? { id: 'anchor-entry', title: 'the receipt is for the entry the report names', status: 'fail', detail: entryProblems.join('; ') }
      : { id: 'anchor-entry', title: 'the receipt is for the entry the report names', status: 'pass', detail: `${anchor.origin} entry ${got.index} (${anchor.caseId} / ${anchor.exhibitId}), leaf hash ${got.leaf}` },
  );
  const cpProblems: string[] = [];
  if (got.size !== anchor.checkpoint.size) cpProblems.push(`the receipt's checkpoint has size ${got.size}, the report names ${anchor.checkpoint.size}`);
  if (got.root !== anchor.checkpoint.root) cpProblems.push(`the receipt's checkpoint root is ${got.root}, the report names ${anchor.checkpoint.root}`);
  if (cpProblems.length && got.size !== anchor.checkpoint.size) {
    cpProblems.push('a receipt under another checkpoint may be genuine, but this verifier does not check consistency between checkpoints: ask for the receipt exported with the report');
  }
  checks.push(
    cpProblems.length
      ? { id: 'anchor-checkpoint', title: 'the receipt is under the checkpoint the report names', status: 'fail', detail: cpProblems.join('; ') }
      : { id: 'anchor-checkpoint', title: 'the receipt is under the checkpoint the report names', status: 'pass', detail: `tree size ${got.size}, root ${got.root}` },
  );
  return checks;
}

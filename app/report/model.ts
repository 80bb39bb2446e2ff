// The report's data, derived from a ledger folder alone (never from editable local state): the whole log is read
// and verified (every tile and entry against the signed checkpoint, every entry through the ledger rules with its
// signatures and signers' enrolment), then one case is picked out of it. The report's SHA-256 is the SHA-256 of
// the RFC 8785 canonical JSON of this data (`reportJson`): everything the report prints except the generation
// time, the language and the layout. `evidence report --hash-only` recomputes it; `--json` writes the exact bytes.
import { bundleFromGenesis, checkTrustBundle } from '../trust/bundle';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { nodeVerifier } from '../crypto/bulk-verify';
import { canonicalJson } from '../crypto/record-digest';
import { bytesToHex } from '../ledger/bytes';
import { toBase64 } from '../crypto/encoding';
import { type LoadedLog, loadLog } from '../ledger/log';
import { leafHash } from '../ledger/merkle';
import { parseVerifierKey } from '../ledger/note';
import { type AppliedEntry, LedgerState, parseEntry } from '../ledger/rules';
import { FsLogDriver } from '../ledger/storage/fs';
import type { TileFetcher } from '../ledger/tiles';
import type { CaseOpenRecord, DepositionRecord, GenesisRecord, LedgerRecord } from '../records/schemas';
import { checkPolicy, parsePolicy } from '../witness/cosignature';
import { EvidenceError } from '../common/errors';

export type ReportErrorCode = 'REPORT_NO_LEDGER' | 'REPORT_NO_CASE' | 'REPORT_BAD_LEDGER';

export class ReportError extends EvidenceError<ReportErrorCode> {
  override name = 'ReportError';
  constructor(
    code: ReportErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

export const REPORT_FORMAT = 'evidence-custody-report';
export const REPORT_VERSION = 1;

export interface Person {
  keyId: string;
  name: string;
  /** Badge / staff number ("ID" on the report); empty for providers. */
  badge: string;
  role: string;
}

/** Where a record sits in the log. */
export interface EntryAnchor {
  index: number;
  /** RFC 9162 §2.1.1 leaf hash SHA-256(0x00 ‖ entry), hex. */
  leafHash: string;
  recordId: string;
  /** Signatures the rules verified: role and signer. */
  signedBy: Array<{ role: string; keyId: string; name: string }>;
}

export interface CustodyRow {
  time: string;
  kind: 'deposition' | 'transfer' | 'disposition';
  releasedBy?: Person;
  receivedBy?: Person;
  purpose: string;
  location?: string;
  /** Disposition: method, authorising supervisor and witness officer. */
  method?: string;
  authorisedBy?: Person;
  witnessOfficer?: Person;
  anchor: EntryAnchor;
}

export interface IntegrityRow {
  time: string;
  checker: Person;
  scope: 'local' | 'provider';
  result: 'match' | 'mismatch';
  observed: { sha256: string; size: number };
  anchor: EntryAnchor;
}

export interface AccessRow {
  time: string;
  accessor: Person;
  purpose: string;
  anchor: EntryAnchor;
}

export interface ExhibitData {
  /** 1-based position in the case (deposition order). */
  number: number;
  exhibitId: string;
  kind: 'file' | 'folder';
  description: string;
  objects: Array<{ name: string; size: number; sha256: string; sha1?: string; md5?: string }>;
  manifestSha256?: string;
  seizedAt?: string;
  seizedPlace?: string;
  seizedBy?: string;
  notes?: string;
  depositor: Person;
  provider: Person;
  requestedAt: string;
  storedAt: string;
  /** The provider's receipt digest over the depositor's request (hex). */
  requestDigest: string;
  deposition: EntryAnchor;
  custody: CustodyRow[];
  integrity: IntegrityRow[];
  access: AccessRow[];
  /** The key that holds the exhibit at the report's checkpoint (absent once disposed). */
  holder?: Person;
  disposed: boolean;
}

export interface ReportData {
  format: typeof REPORT_FORMAT;
  version: typeof REPORT_VERSION;
  ledger: {
    origin: string;
    network: string;
    logKey: string;
    witnessPolicy: { quorum: number; witnesses: Array<{ name: string; vkey: string }> };
    /** The ledger's trust bundle (app/trust/bundle.ts): its fingerprint, and whether it is self-witnessed. */
    trust: { fingerprint: string; selfWitnessed: boolean };
  };
  checkpoint: {
    size: number;
    /** Root hash, hex and base64 (the checkpoint's own text uses base64). */
    rootHex: string;
    rootBase64: string;
    cosignatures: Array<{ witness: string; time: string }>;
    /** At least `quorum` distinct policy witnesses cosigned. */
    final: boolean;
  };
  /** Every entry of the log passed the rules (signatures, enrolment, custody) and hashes to the checkpoint root. */
  verified: { entries: number; rules: true; signatures: true; root: true; tiles: true };
  case: {
    caseId: string;
    title: string;
    agency: string;
    description: string;
    openedAt: string;
    investigator: Person;
    anchor: EntryAnchor;
  };
  exhibits: ExhibitData[];
}

const trustOf = (g: GenesisRecord): ReportData['ledger']['trust'] => {
  const b = checkTrustBundle(bundleFromGenesis(g));
  return { fingerprint: b.fingerprint, selfWitnessed: b.bundle.selfWitnessed };
};

/** A verified log: the checkpoint checked against the genesis log key and witness policy, every entry applied. */
export interface VerifiedLedger {
  genesis: GenesisRecord;
  state: LedgerState;
  applied: AppliedEntry[];
  leafHashes: Uint8Array[];
  checkpoint: ReportData['checkpoint'];
  /** The checkpoint note as published (the log's signature and the cosignatures). */
  note: string;
  entries: Uint8Array[];
  /** The verified log as app/ledger loaded it (tree, checkpoint, entries): app/proof builds receipts from it. */
  log: LoadedLog;
}

/**
 * Finds the public tile folder in DIR: a tlog-tiles folder itself (DIR/checkpoint) or a ledger node / mirror /
 * standalone folder holding one under log/.
 */
export async function findTileFolder(dir: string): Promise<string> {
  const candidates = [dir, join(dir, 'log'), join(dir, 'standalone', 'log'), join(dir, 'ledger', 'log')];
  for (const c of candidates) {
    try {
      await access(join(c, 'checkpoint'));
      return c;
    } catch {
      continue;
    }
  }
  throw new ReportError('REPORT_NO_LEDGER', `no ledger found in ${dir}: expected a C2SP tlog-tiles folder with a checkpoint file at ${candidates.map((c) => join(c, 'checkpoint')).join(' or ')}`);
}

const iso = (seconds: bigint): string => new Date(Number(seconds) * 1000).toISOString().replace('.000Z', 'Z');

/** Reads and verifies the whole log from a tile fetcher, trusting the genesis entry for the log key and witnesses. */
export async function loadVerifiedLedger(fetcher: TileFetcher): Promise<VerifiedLedger> {
  let genesis: GenesisRecord | undefined;
  let loaded;
  try {
    loaded = await loadLog(fetcher, {
      resolveLogKey: (entries) => {
        const first = entries[0];
        if (!first) throw new ReportError('REPORT_BAD_LEDGER', 'the log is empty: it has no genesis entry');
        const { record } = parseEntry(first);
        if (record.type !== 'genesis') throw new ReportError('REPORT_BAD_LEDGER', `entry 0 is a ${record.type}, not the genesis`);
        genesis = record;
        return parseVerifierKey(record.logKey);
      },
    });
  } catch (err) {
    if (err instanceof ReportError) throw err;
    throw new ReportError('REPORT_BAD_LEDGER', `the ledger does not verify: ${(err as Error).message}`, { cause: err });
  }
  const g = genesis!;
  const logKey = parseVerifierKey(g.logKey);
  let cosignatures: ReportData['checkpoint']['cosignatures'] = [];
  let final = g.witnessPolicy.quorum === 0;
  if (g.witnessPolicy.witnesses.length > 0 && g.witnessPolicy.quorum > 0) {
    const policy = parsePolicy(g.witnessPolicy);
    const result = checkPolicy(loaded.checkpoint.note, logKey, policy, g.origin);
    final = result.final;
    const seen = new Set<string>();
    cosignatures = result.opened.cosignatures
      .filter((c) => (seen.has(c.witness.name) ? false : (seen.add(c.witness.name), true)))
      .map((c) => ({ witness: c.witness.name, time: iso(c.time) }));
  }
  const state = new LedgerState();
  const applied: AppliedEntry[] = [];
  const leafHashes: Uint8Array[] = [];
  for (const [i, e] of loaded.entries.entries()) {
    try {
      applied.push(state.apply(e, { verifier: nodeVerifier }));
    } catch (err) {
      throw new ReportError('REPORT_BAD_LEDGER', `entry ${i} breaks the ledger rules: ${(err as Error).message}`, { cause: err });
    }
    leafHashes.push(leafHash(e));
  }
  const cp = loaded.checkpoint.checkpoint;
  return {
    genesis: g,
    state,
    applied,
    leafHashes,
    note: loaded.checkpoint.note,
    entries: loaded.entries,
    log: loaded,
    checkpoint: { size: cp.size, rootHex: bytesToHex(cp.root), rootBase64: toBase64(cp.root), cosignatures, final },
  };
}

/** Opens DIR (see findTileFolder) read-only and verifies it. */
export async function loadLedgerFolder(dir: string): Promise<VerifiedLedger> {
  const driver = new FsLogDriver(await findTileFolder(dir));
  try {
    return await loadVerifiedLedger(driver);
  } finally {
    await driver.close();
  }
}

/** The report data for one case of a verified ledger. */
export function buildReportData(ledger: VerifiedLedger, caseId: string): ReportData {
  const { state, applied, genesis } = ledger;
  const admins = new Map(genesis.admins.map((a) => [a.keyId, a]));
  const person = (keyId: string): Person => {
    const m = state.members.get(keyId);
    if (m) return { keyId, name: m.name, badge: m.badge, role: m.role };
    const a = admins.get(keyId);
    if (a) return { keyId, name: a.name, badge: '', role: 'admin' };
    return { keyId, name: '', badge: '', role: '' };
  };
  const anchor = (a: AppliedEntry): EntryAnchor => ({
    index: a.index,
    leafHash: bytesToHex(ledger.leafHashes[a.index]!),
    recordId: a.record.id,
    signedBy: a.envelope.signatures.map((s) => ({ role: s.role, keyId: s.keyId, name: person(s.keyId).name })),
  });

  let opened: AppliedEntry | undefined;
  const exhibits = new Map<string, ExhibitData>();
  for (const a of applied) {
    const r: LedgerRecord = a.record;
    if (r.type === 'case.open' && r.caseId === caseId) opened = a;
    else if (r.type === 'deposition' && r.caseId === caseId) {
      exhibits.set(r.exhibitId, exhibitFrom(r, a, exhibits.size + 1, person, anchor));
    } else if ('exhibitId' in r && r.type !== 'deposition') {
      const ex = exhibits.get(r.exhibitId);
      if (!ex) continue;
      if (r.type === 'custody.transfer') {
        ex.custody.push({ time: r.time, kind: 'transfer', releasedBy: person(r.from), receivedBy: person(r.to), purpose: r.purpose, ...(r.location ? { location: r.location } : {}), anchor: anchor(a) });
      } else if (r.type === 'integrity.check') {
        ex.integrity.push({ time: r.time, checker: person(r.checker), scope: r.scope, result: r.result, observed: r.observed, anchor: anchor(a) });
      } else if (r.type === 'access') {
        ex.access.push({ time: r.time, accessor: person(r.accessor), purpose: r.purpose, anchor: anchor(a) });
      } else if (r.type === 'disposition') {
        ex.custody.push({
          time: r.time, kind: 'disposition', releasedBy: person(lastHolder(ex)), purpose: r.method, method: r.method,
          authorisedBy: person(r.authorisedBy), witnessOfficer: person(r.witnessOfficer), anchor: anchor(a),
        });
      }
    }
  }
  if (!opened) {
    const known = [...state.cases.keys()].slice(0, 10);
    throw new ReportError('REPORT_NO_CASE', `case ${JSON.stringify(caseId)} is not in the ledger ${genesis.origin}${known.length ? `; cases there include ${known.join(', ')}` : ' (it has no cases)'}`);
  }
  const c = opened.record as CaseOpenRecord;
  for (const ex of exhibits.values()) {
    const info = state.exhibits.get(ex.exhibitId)!;
    ex.disposed = info.disposedAt !== undefined;
    if (!ex.disposed) ex.holder = person(info.holder);
  }
  return {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    ledger: { origin: genesis.origin, network: genesis.network, logKey: genesis.logKey, witnessPolicy: { quorum: genesis.witnessPolicy.quorum, witnesses: genesis.witnessPolicy.witnesses.map((w) => ({ name: w.name, vkey: w.vkey })) }, trust: trustOf(genesis) },
    checkpoint: ledger.checkpoint,
    verified: { entries: applied.length, rules: true, signatures: true, root: true, tiles: true },
    case: { caseId: c.caseId, title: c.title, agency: c.agency, description: c.description, openedAt: c.time, investigator: person(opened.envelope.signatures[0]!.keyId), anchor: anchor(opened) },
    exhibits: [...exhibits.values()],
  };
}

function lastHolder(ex: ExhibitData): string {
  const last = ex.custody.at(-1);
  return last?.receivedBy?.keyId ?? ex.depositor.keyId;
}

function exhibitFrom(r: DepositionRecord, a: AppliedEntry, number: number, person: (k: string) => Person, anchor: (a: AppliedEntry) => EntryAnchor): ExhibitData {
  const m = r.request.metadata;
  const depositor = person(r.request.depositor);
  const dep = anchor(a);
  return {
    number,
    exhibitId: r.exhibitId,
    kind: r.request.kind,
    description: m.description,
    objects: r.request.objects.map((o) => ({ name: o.name, size: o.size, sha256: o.sha256, ...(o.sha1 ? { sha1: o.sha1 } : {}), ...(o.md5 ? { md5: o.md5 } : {}) })),
    ...(r.request.manifestSha256 ? { manifestSha256: r.request.manifestSha256 } : {}),
    ...(m.seizedAt ? { seizedAt: m.seizedAt } : {}),
    ...(m.seizedPlace ? { seizedPlace: m.seizedPlace } : {}),
    ...(m.seizedBy ? { seizedBy: m.seizedBy } : {}),
    ...(m.notes ? { notes: m.notes } : {}),
    depositor,
    provider: person(r.receipt.provider),
    requestedAt: r.request.requestedAt,
    storedAt: r.receipt.storedAt,
    requestDigest: r.receipt.requestDigest,
    deposition: dep,
    custody: [{ time: r.time, kind: 'deposition', receivedBy: depositor, purpose: 'deposition', anchor: dep }],
    integrity: [],
    access: [],
    disposed: false,
  };
}

/** The exact bytes the report's SHA-256 covers: RFC 8785 canonical JSON of the report data, UTF-8. */
export function reportJson(data: ReportData): Uint8Array {
  return new TextEncoder().encode(canonicalJson(data));
}

/** Hex SHA-256 of `reportJson(data)`: printed in every page footer. */
export function reportHash(data: ReportData): string {
  return bytesToHex(sha256(reportJson(data)));
}

// The workstation's deposition flow (docs/RECORDS.md "deposition", docs/DESIGN.md "Parties and keys"), as one function:
//
//   hash → sign request (depositor) → upload each file (tus, resumable) → countersigned receipt (provider)
//   → co-sign (depositor) → submit to the ledger node → inclusion promise → recorded (inclusion proof to a
//   signed checkpoint; final once the genesis witness policy has cosigned) → evidence receipt
//
// Each stage is reported as an event and its result written to a small JSON journal per exhibit (atomic
// writes) before the next stage starts, so any stage can be retried and a crash resumes from the last
// completed stage without duplicating anything: the request keeps its id (the provider is idempotent by it),
// uploads resume, signatures are deterministic (RFC 6979), and a submission whose answer was lost is found in
// the log instead of being sent twice.
//
// The parties are ports (ports.ts): a provider (tus over HTTP, or standalone's in-process store) and a ledger
// (a node over HTTP, or standalone's in-process sequencer), so both modes run this one flow with every check.
import { randomUUID } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { nodeVerifier } from '../crypto/bulk-verify';
import { toBase64, toHex } from '../crypto/encoding';
import { addSignature, describeReport, signRecord, verifyEnvelope, type SignedRecord } from '../crypto/envelope';
import { canonicalJson, recordDigest } from '../crypto/record-digest';
import type { Signer } from '../crypto/signer';
import { openCheckpoint, type OpenedCheckpoint } from '../ledger/checkpoint';
import { loadLog } from '../ledger/log';
import { leafHash, verifyInclusion } from '../ledger/merkle';
import { parseVerifierKey, type NoteVerifier } from '../ledger/note';
import { openPromise } from '../ledger/promise';
import { inclusionProofFromTiles } from '../ledger/tiles';
import { depositionRequestRecord, type GenesisRecord } from '../records/schemas';
import { checkPolicy, parsePolicy } from '../witness/cosignature';
import type { TileFetcher } from '../ledger/tiles';
import { writeJsonAtomic } from '../fs/atomic';
import { buildProof, loadVerifiedLog, ProofBuildError } from '../proof/build';
import { type ParsedTrustBundle, bundleFromGenesis, checkTrustBundle } from '../trust/bundle';
import { RECEIPT_EXTENSION, verifyReceipt, type EvidenceReceipt as ProofReceipt } from '../proof/receipt';
import { hashFile } from '../provider/store';
import { changedFile, fileIdentity } from './file-identity';
import { httpLedger, type DepositTrust, type LedgerPort, type ProviderPort } from './ports';
import type { Member } from '../provider/members';
import { EvidenceError } from '../common/errors';

export type DepositStage =
  | 'hash'
  | 'sign-request'
  | 'upload'
  | 'countersign'
  | 'cosign'
  | 'submit'
  | 'promise'
  | 'recorded'
  | 'final'
  | 'receipt';

export interface DepositEvent {
  stage: DepositStage;
  /** `done` carries the stage's result; `resumed` means the journal already had it. */
  status: 'start' | 'progress' | 'done' | 'resumed';
  exhibitId: string;
  /** The file concerned (hash, upload). */
  file?: string;
  sent?: number;
  total?: number;
  message: string;
}

/** A stage failed; `stage` says which, `code` why. Retrying runs the flow again from that stage. */
export class DepositError extends EvidenceError {
  constructor(
    code: string,
    readonly stage: DepositStage,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, `${stage}: ${message}`, options);
    this.name = 'DepositError';
  }
}

/** What the flow needs to know about the ledger (from the log it follows, e.g. LedgerMemberDirectory). */
export interface LedgerView {
  readonly origin: string | undefined;
  readonly genesis: GenesisRecord | undefined;
  lookup(keyId: string): Member | undefined | Promise<Member | undefined>;
}

export interface DepositionInput {
  caseId: string;
  exhibitId: string;
  files: Array<{ path: string; name?: string }>;
  metadata: { description: string; seizedAt?: string; seizedPlace?: string; seizedBy?: string; notes?: string };
}

export interface DepositionDeps {
  signer: Signer;
  provider: ProviderPort;
  /** The ledger's sequencer and published log (e.g. the in-process one of standalone mode)… */
  node?: LedgerPort;
  /** …or the base URL of a ledger node: POST /add, GET /checkpoint, tiles (httpLedger). */
  nodeUrl?: string;
  ledger: LedgerView;
  /** Pinned parties (log key, witness policy, provider key); by default the genesis's, and any active provider. */
  pinned?: DepositTrust;
  /** Folder of flow journals, one `<exhibit>.json` each. */
  journalDir: string;
  /** Folder for evidence receipts (default: journalDir). */
  receiptsDir?: string;
  onEvent?: (e: DepositEvent) => void;
  /** The trust root the receipt is checked against (default: the bundle the ledger's own genesis describes). */
  trust?: ParsedTrustBundle;
  /** Stops an upload in flight (it continues from the provider's offset on the next run). */
  signal?: AbortSignal;
  /** How long to wait for the entry to appear under a checkpoint (default 60 s). */
  recordTimeoutMs?: number;
  now?: () => Date;
}

interface JournalFile {
  path: string;
  name: string;
  sha256: string;
  size: number;
  uploaded: boolean;
  /** fileIdentity when hashed: the journal is bound to these bytes (file-identity.ts). */
  identity?: string;
}

export interface DepositJournal {
  format: 'evidence-deposit-journal/v1';
  caseId: string;
  exhibitId: string;
  files: JournalFile[];
  request?: SignedRecord;
  deposition?: SignedRecord;
  cosigned?: SignedRecord;
  submitted?: { index: number; time: string | null; leafHash: string; promise: string | null };
  recorded?: { checkpoint: string; proof: string[]; final: boolean; cosigners: string[] };
  receiptFile?: string;
}

/** The outcome of a deposition: the evidence receipt (app/proof format, verifiable offline) and where it is. */
export interface DepositResult {
  caseId: string;
  exhibitId: string;
  /** The ledger entry: the deposition envelope carrying the depositor's and the provider's signatures. */
  entry: SignedRecord;
  index: number;
  /** The sequencer's signed inclusion promise (null if its answer was lost and the entry was found in the log). */
  promise: string | null;
  /** The checkpoint the receipt proves inclusion in is cosigned by the genesis witness quorum. */
  final: boolean;
  cosigners: string[];
  /** The evidence receipt (docs/RECEIPT.md; `verifyReceipt` in app/proof checks it) and the file it was written to. */
  receipt: ProofReceipt;
  receiptFile: string;
  files: Array<{ name: string; sha256: string; size: number }>;
}

/** An exhibit id usable as a file name: a letter or digit (any script) first, nothing unsafe (common/file-name.ts). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is unsafe
const SAFE_ID = /^[\p{L}\p{N}][^\u0000-\u001f\u007f<>:"/\\|?*]{0,127}$/u;

/** The journal file of an exhibit's deposition. */
export function journalPath(journalDir: string, exhibitId: string): string {
  if (!SAFE_ID.test(exhibitId)) throw new DepositError('BAD_EXHIBIT_ID', 'hash', `exhibit id ${JSON.stringify(exhibitId)} must match ${SAFE_ID}`);
  return join(journalDir, `${exhibitId}.json`);
}

export async function readJournal(journalDir: string, exhibitId: string): Promise<DepositJournal | undefined> {
  try {
    return JSON.parse(await readFile(journalPath(journalDir, exhibitId), 'utf8')) as DepositJournal;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Runs (or resumes) the deposition of one exhibit; resolves to its outcome and evidence receipt. */
export async function runDeposition(input: DepositionInput, deps: DepositionDeps): Promise<DepositResult> {
  const { signer, provider, ledger } = deps;
  const ex = input.exhibitId;
  const emit = (e: Omit<DepositEvent, 'exhibitId'>) => deps.onEvent?.({ ...e, exhibitId: ex });
  const now = deps.now ?? (() => new Date());
  await mkdir(deps.journalDir, { recursive: true });
  const jpath = journalPath(deps.journalDir, ex);
  const save = (j: DepositJournal) => writeJsonAtomic(jpath, j);
  const genesis = ledger.genesis;
  const origin = ledger.origin;
  if (!genesis || !origin) throw new DepositError('NO_LEDGER', 'sign-request', 'the ledger has no genesis: cannot deposit');
  const pinned = deps.pinned ?? {};
  if (pinned.logKey !== undefined && pinned.logKey !== genesis.logKey) {
    throw new DepositError('UNTRUSTED_LOG', 'sign-request', `the ledger's genesis names log key ${genesis.logKey}, not the pinned ${pinned.logKey}`);
  }
  const logKey: NoteVerifier = parseVerifierKey(genesis.logKey);
  if (!deps.node && !deps.nodeUrl) throw new TypeError('runDeposition needs the ledger: give deps.node (a LedgerPort) or deps.nodeUrl');
  const node: LedgerPort = deps.node ?? httpLedger(deps.nodeUrl!);

  // --- hash ---------------------------------------------------------------------------------------------
  let j = await readJournal(deps.journalDir, ex);
  if (j) {
    if (j.caseId !== input.caseId) {
      throw new DepositError('JOURNAL_MISMATCH', 'hash', `a deposition of exhibit ${ex} for case ${j.caseId} is in progress (${jpath}); this one names case ${input.caseId}`);
    }
    const paths = input.files.map((f) => resolve(f.path));
    if (paths.join('\n') !== j.files.map((f) => f.path).join('\n')) {
      throw new DepositError('JOURNAL_MISMATCH', 'hash', `a deposition of exhibit ${ex} with other files is in progress (${jpath})`);
    }
    const changed = await changedFile(j.files);
    if (changed) {
      throw new DepositError('FILE_CHANGED', 'hash', `${changed.file.path} changed since the deposition of exhibit ${ex} began (${jpath} holds sha256 ${changed.file.sha256}, ${changed.file.size} bytes; the file now: ${changed.now}); deposit it as a new exhibit, or restore the original bytes to resume`);
    }
    emit({ stage: 'hash', status: 'resumed', message: `resuming from ${jpath}` });
  } else {
    const files: JournalFile[] = [];
    for (const f of input.files) {
      const path = resolve(f.path);
      emit({ stage: 'hash', status: 'start', file: path, message: `hashing ${path}` });
      const identity = await fileIdentity(path).catch(() => undefined);
      const h = await hashFile(path).catch((err: unknown) => {
        throw new DepositError('HASH_FAILED', 'hash', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
      });
      if (identity !== (await fileIdentity(path))) throw new DepositError('FILE_CHANGED', 'hash', `${path} changed while it was hashed; deposit it once it no longer changes`);
      files.push({ path, name: f.name ?? basename(path), sha256: h.sha256, size: h.size, uploaded: false, identity });
      emit({ stage: 'hash', status: 'done', file: path, message: `${h.sha256}  ${path} (${h.size} bytes)` });
    }
    j = { format: 'evidence-deposit-journal/v1', caseId: input.caseId, exhibitId: ex, files };
    await save(j);
  }

  // --- sign the request (depositor) -----------------------------------------------------------------------
  if (j.request) {
    emit({ stage: 'sign-request', status: 'resumed', message: `request ${String(j.request.record.id)}` });
  } else {
    const requestedAt = now().toISOString();
    const record = {
      type: 'deposition.request',
      v: 1,
      origin,
      id: randomUUID(),
      time: requestedAt,
      caseId: input.caseId,
      exhibitId: ex,
      depositor: signer.keyId,
      requestedAt,
      objects: j.files.map((f) => ({ name: f.name, size: f.size, sha256: f.sha256 })),
      kind: 'file',
      metadata: Object.fromEntries(Object.entries(input.metadata).filter(([, v]) => v !== undefined)),
    };
    j.request = signRecord(record, 'depositor', signer) as SignedRecord;
    await save(j);
    emit({ stage: 'sign-request', status: 'done', message: `signed request ${record.id} as depositor ${signer.keyId}` });
  }
  const request = j.request;

  // --- upload each file ---------------------------------------------------------------------------------
  for (const f of j.files) {
    if (f.uploaded) {
      emit({ stage: 'upload', status: 'resumed', file: f.path, message: `${f.name} already stored` });
      continue;
    }
    emit({ stage: 'upload', status: 'start', file: f.path, sent: 0, total: f.size, message: `uploading ${f.name} (${f.size} bytes)` });
    let lastReport = 0;
    const r = await provider
      .upload(f.path, { sha256: f.sha256, size: f.size }, {
        ...(deps.signal ? { signal: deps.signal } : {}),
        onStart: (s) => {
          if (s.resumed) emit({ stage: 'upload', status: 'progress', file: f.path, message: `resuming ${s.url}` });
        },
        onProgress: (sent, total) => {
          const t = Date.now();
          if (sent === total || t - lastReport > 500) {
            lastReport = t;
            emit({ stage: 'upload', status: 'progress', file: f.path, sent, total, message: `${f.name}: ${sent}/${total} bytes` });
          }
        },
      })
      .catch((err: unknown) => {
        throw new DepositError((err as { code?: string }).code ?? 'UPLOAD_FAILED', 'upload', `${f.name}: ${(err as Error).message}`, { cause: err });
      });
    f.uploaded = true;
    await save(j);
    emit({ stage: 'upload', status: 'done', file: f.path, sent: f.size, total: f.size, message: `${f.name} stored by the provider${r.alreadyStored ? ' (already held)' : ''}` });
  }

  // --- countersigned receipt (provider) -------------------------------------------------------------------
  const requestDigest = toHex(recordDigest(request.record));
  if (j.deposition) {
    emit({ stage: 'countersign', status: 'resumed', message: 'receipt already obtained' });
  } else {
    emit({ stage: 'countersign', status: 'start', message: `asking ${provider.baseUrl} to countersign` });
    const dep = await provider.countersign(request).catch((err: unknown) => {
      throw new DepositError((err as { code?: string }).code ?? 'COUNTERSIGN_FAILED', 'countersign', (err as Error).message, { cause: err });
    });
    await checkReceipt(dep, request, requestDigest, ledger, pinned.providerKey);
    j.deposition = dep;
    await save(j);
    const receipt = dep.record.receipt as { provider: string; storedAt: string };
    emit({ stage: 'countersign', status: 'done', message: `provider ${receipt.provider} confirmed storage at ${receipt.storedAt}` });
  }

  // --- co-sign (depositor) ------------------------------------------------------------------------------
  if (j.cosigned) {
    emit({ stage: 'cosign', status: 'resumed', message: 'already co-signed' });
  } else {
    j.cosigned = addSignature(j.deposition, 'depositor', signer);
    await save(j);
    emit({ stage: 'cosign', status: 'done', message: `co-signed the deposition as ${signer.keyId}` });
  }
  const entry = new TextEncoder().encode(canonicalJson(j.cosigned));
  const leaf = leafHash(entry);

  // --- submit to the ledger node, inclusion promise --------------------------------------------------------
  if (j.submitted) {
    emit({ stage: 'submit', status: 'resumed', message: `entry ${j.submitted.index}` });
  } else {
    emit({ stage: 'submit', status: 'start', message: `submitting to ${node.where}` });
    const answer = await node.add(entry).catch((err: unknown) => {
      throw new DepositError((err as { code?: string }).code ?? 'NODE_UNREACHABLE', 'submit', (err as Error).message, { cause: err });
    });
    if (!answer.accepted && answer.duplicate) {
      // The node already has a record with this id: our earlier submission whose answer was lost. Find it.
      const index = await findEntry(await node.tiles(), entry, deps.recordTimeoutMs ?? 60_000);
      if (index === undefined) throw new DepositError(answer.code, 'submit', `${answer.message}; and the entry is not in the log: another record uses id ${String(request.record.id)}`);
      j.submitted = { index, time: null, leafHash: toBase64(leaf), promise: null };
      await save(j);
      emit({ stage: 'submit', status: 'done', message: `already in the log at index ${index}` });
    } else if (!answer.accepted) {
      throw new DepositError(answer.code, 'submit', `the ledger node refused the entry: ${answer.message}`);
    } else {
      const promise = openPromise(answer.promise, logKey);
      if (promise.index !== answer.index || toBase64(promise.leafHash) !== toBase64(leaf) || promise.origin !== origin) {
        throw new DepositError('BAD_PROMISE', 'promise', `the inclusion promise (index ${promise.index}, origin ${promise.origin}) does not name this entry`);
      }
      j.submitted = { index: promise.index, time: promise.time, leafHash: toBase64(leaf), promise: answer.promise };
      await save(j);
      emit({ stage: 'submit', status: 'done', message: `accepted as entry ${promise.index}` });
      emit({ stage: 'promise', status: 'done', message: `signed inclusion promise: index ${promise.index} at ${promise.time}` });
    }
  }
  const index = j.submitted.index;

  // --- recorded under a checkpoint (final once the witness policy cosigned) ---------------------------------
  const witnessPolicy = pinned.witnessPolicy ?? genesis.witnessPolicy;
  const policy = witnessPolicy.quorum > 0 ? parsePolicy(witnessPolicy) : undefined;
  if (!j.recorded || !j.recorded.final) {
    emit({ stage: 'recorded', status: 'start', message: `waiting for entry ${index} under a checkpoint` });
    const deadline = Date.now() + (deps.recordTimeoutMs ?? 60_000);
    let opened: OpenedCheckpoint;
    let final = false;
    let cosigners: string[] = [];
    for (;;) {
      const note = await node.checkpoint().catch((err: unknown) => {
        throw new DepositError((err as { code?: string }).code ?? 'NODE_UNREACHABLE', 'recorded', (err as Error).message, { cause: err });
      });
      if (policy) {
        const r = checkPolicy(note, logKey, policy, origin);
        opened = r.opened;
        final = r.final;
        cosigners = r.cosigners;
      } else {
        opened = openCheckpoint(note, logKey, { origin });
        final = true;
      }
      if (opened.checkpoint.size > index) break;
      if (Date.now() > deadline) throw new DepositError('NOT_RECORDED', 'recorded', `entry ${index} is not under a checkpoint after ${(deps.recordTimeoutMs ?? 60_000) / 1000} s (checkpoint size ${opened.checkpoint.size}); retry later`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const fetcher = await node.tiles();
    const proof = await inclusionProofFromTiles(fetcher, index, opened.checkpoint.size);
    verifyInclusion(index, opened.checkpoint.size, leaf, proof, opened.checkpoint.root);
    j.recorded = { checkpoint: opened.note, proof: proof.map(toBase64), final, cosigners };
    await save(j);
    emit({ stage: 'recorded', status: 'done', message: `entry ${index} is included in checkpoint ${opened.checkpoint.size} (inclusion proof verified)` });
    if (final) emit({ stage: 'final', status: 'done', message: policy ? `witnessed by ${cosigners.join(', ')}` : 'the ledger requires no witnesses' });
    else emit({ stage: 'final', status: 'progress', message: `not yet witnessed (${cosigners.length} of ${policy?.quorum ?? 0} cosignatures): the receipt says recorded, not final` });
  } else {
    emit({ stage: 'recorded', status: 'resumed', message: `entry ${index} recorded` });
  }

  // --- evidence receipt (app/proof format) ---------------------------------------------------------------
  const rec = j.recorded;
  const log = await loadVerifiedLog(await node.tiles(), { logKey: genesis.logKey });
  if (log.tree.size <= index || !Buffer.from(log.entries[index]!).equals(Buffer.from(entry))) {
    throw new DepositError('NOT_RECORDED', 'receipt', `entry ${index} of the log is not this deposition`);
  }
  let receipt: ProofReceipt;
  try {
    receipt = buildProof(log, index).receipt;
  } catch (err) {
    if (!(err instanceof ProofBuildError) || err.code !== 'PROOF_NOT_FINAL') throw err;
    // Not witnessed yet: the same receipt (entry, proof, enrolment context) under the latest checkpoint, with
    // the real trust root, so a verifier reports exactly that the witness quorum is missing.
    const built = buildProof({ ...log, policy: { ...log.policy, quorum: 0 } }, index).receipt;
    receipt = { ...built, trust: { logKey: built.trust.logKey, witnessPolicy: log.policy } };
  }
  const files = j.files.map((f) => ({ name: f.name, sha256: f.sha256, size: f.size }));
  // Check it as a court would (everything but the witness quorum must pass; that one passes once final).
  const report = verifyReceipt(receipt, { bundle: deps.trust ?? checkTrustBundle(bundleFromGenesis(genesis)) }, files.length === 1 ? { file: { sha256: files[0]!.sha256, size: files[0]!.size } } : {});
  const failed = report.checks.filter((c) => c.status === 'fail' && c.id !== 'witness-quorum');
  if (failed.length > 0) throw new DepositError('BAD_RECEIPT', 'receipt', `the evidence receipt does not verify: ${failed.map((c) => `${c.id}: ${c.detail}`).join('; ')}`);
  const final = report.checks.find((c) => c.id === 'witness-quorum')?.status === 'pass';
  const dir = deps.receiptsDir ?? deps.journalDir;
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${ex}${RECEIPT_EXTENSION}`);
  await writeJsonAtomic(file, receipt, 0o644);
  j.receiptFile = file;
  await save(j);
  emit({ stage: 'receipt', status: 'done', message: `evidence receipt written to ${file}${final ? '' : ' (recorded, not yet final)'}` });
  return {
    caseId: input.caseId,
    exhibitId: ex,
    entry: j.cosigned,
    index,
    promise: j.submitted.promise,
    final,
    cosigners: rec.cosigners,
    receipt,
    receiptFile: file,
    files,
  };
}

/** Checks the provider's deposition before co-signing it: its signature, its key, and that it is our request. */
async function checkReceipt(dep: SignedRecord, request: SignedRecord, requestDigest: string, ledger: LedgerView, pinnedProvider: string | undefined): Promise<void> {
  const rec = dep.record as { type?: string; id?: string; origin?: string; request?: unknown; receipt?: { provider?: string; requestDigest?: string; objects?: unknown } };
  const fail = (msg: string) => new DepositError('BAD_RECEIPT', 'countersign', msg);
  if (rec.type !== 'deposition' || rec.id !== request.record.id || rec.origin !== request.record.origin) {
    throw fail(`the provider returned a ${String(rec.type)} ${String(rec.id)}, not the deposition of request ${String(request.record.id)}`);
  }
  const providerKey = rec.receipt?.provider ?? '';
  if (pinnedProvider !== undefined && providerKey !== pinnedProvider) throw fail(`receipt.provider ${providerKey} is not the pinned provider key ${pinnedProvider}`);
  const member = await ledger.lookup(providerKey);
  if (!member || member.role !== 'provider' || member.revoked) throw fail(`receipt.provider ${providerKey} is not an active provider member of the ledger`);
  const report = verifyEnvelope(dep, {
    requiredRoles: ['provider'],
    resolveKey: (k, role) => (role === 'provider' && k === member.keyId ? member.publicKey : undefined),
    verifier: nodeVerifier,
  });
  if (!report.ok) throw fail(`the provider's signature does not verify: ${describeReport(report)}`);
  if (rec.receipt?.requestDigest !== requestDigest) throw fail(`receipt.requestDigest ${String(rec.receipt?.requestDigest)} is not our request's ${requestDigest}`);
  const rebuilt = depositionRequestRecord(dep.record as unknown as { origin: string; id: string; request: Record<string, unknown> });
  if (canonicalJson(rebuilt) !== canonicalJson(request.record)) throw fail('the deposition does not carry our request as we signed it');
  const ours = (request.record.objects as Array<{ sha256: string; size: number }>).map((o) => ({ sha256: o.sha256, size: o.size }));
  if (canonicalJson(rec.receipt?.objects ?? null) !== canonicalJson(ours)) throw fail('the receipt lists other objects than the request');
}

/** Index of `entry` in the node's log, waiting up to `timeoutMs` for it to be integrated; undefined if absent. */
async function findEntry(fetcher: TileFetcher, entry: Uint8Array, timeoutMs: number): Promise<number | undefined> {
  const want = Buffer.from(entry);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = await loadLog(fetcher, {
      resolveLogKey: (entries) => {
        const g = JSON.parse(new TextDecoder().decode(entries[0])) as { record: { logKey: string } };
        return parseVerifierKey(g.record.logKey);
      },
      checkTiles: false,
    });
    const i = log.entries.findIndex((e) => want.equals(e));
    if (i >= 0) return i;
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, 250));
  }
}


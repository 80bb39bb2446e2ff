// One exhibit's deposition, in either mode, through the one deposition flow (app/deposit/flow.ts, the same as
// `evidence deposit`) with the parties the ledger backend gives (LedgerBackend.depositPorts): network mode's
// provider over tus and ledger node over HTTP, or standalone mode's in-process provider and sequencer whose
// checkpoints the in-process witness cosigns. The journal (`<ledger folder>/deposits/<exhibit>.json`) and the
// upload's staging survive a restart, so depositing the same exhibit again continues where it stopped — the
// upload from the provider's offset, a submission whose answer was lost found in the log — and each step is
// reported to the UI as it is reached.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { canonicalJson } from '../../crypto/record-digest';
import { DepositError, journalPath, readJournal, runDeposition, type DepositEvent, type DepositJournal } from '../../deposit/flow';
import type { DepositTrust, LedgerPort, ProviderPort } from '../../deposit/ports';
import { writeJsonAtomic } from '../../fs/atomic';
import { utf8Decode } from '../../ledger/bytes';
import { HostError } from '../errors';
import type { DepositJob, LedgerBackend } from './backend';

/** The parties of a deposition and where its journal and evidence receipt are kept. */
export interface DepositPorts {
  provider: ProviderPort;
  node: LedgerPort;
  pinned: DepositTrust;
  providerName: string;
  journalDir: string;
  receiptsDir: string;
}

/** Whether an unfinished deposition journal of this exhibit is kept (a deposition begun on this workstation). */
export async function hasJournal(s: LedgerBackend, exhibitId: string): Promise<boolean> {
  return (await readJournal(s.journalDir, exhibitId)) !== undefined;
}

export async function depositOne(s: LedgerBackend, a: DepositJob): Promise<void> {
  const { item, depositor, progress } = a;
  const ports = await s.depositPorts(depositor, item.sha256, a.signal);
  const { providerName } = ports;
  // The flow's journal starts from the hashes taken at intake (the provider re-hashes what it receives and
  // refuses other bytes); an unfinished journal of this exhibit is continued.
  const { journalDir } = ports;
  await mkdir(journalDir, { recursive: true, mode: 0o700 });
  const existing = await readJournal(journalDir, item.exhibitId);
  const path = resolve(item.path);
  if (existing) {
    const f = existing.files[0];
    if (existing.caseId !== a.caseId || existing.files.length !== 1 || f?.path !== path || f.sha256 !== item.sha256 || f.size !== item.size) {
      throw new HostError(
        'DEPOSIT_IN_PROGRESS',
        `An unfinished deposition of exhibit ${item.exhibitId} (case ${existing.caseId}, ${existing.files.map((x) => `${x.name} ${x.sha256}`).join(', ')}) is kept in ${journalPath(journalDir, item.exhibitId)}; this one names other content. Deposit the same file again to finish it, or give this exhibit another number.`,
        { params: { exhibitId: item.exhibitId, caseId: existing.caseId, files: existing.files.map((x) => x.name).join(', ') } },
      );
    }
  } else {
    const seed: DepositJournal = { format: 'evidence-deposit-journal/v1', caseId: a.caseId, exhibitId: item.exhibitId, files: [{ path, name: item.name, sha256: item.sha256, size: item.size, uploaded: false }] };
    await writeJsonAtomic(journalPath(journalDir, item.exhibitId), seed);
  }
  let resumed = false;
  let resumedFrom: number | null = null;
  const onEvent = (e: DepositEvent): void => {
    if (e.stage === 'sign-request' && (e.status === 'done' || e.status === 'resumed')) progress({ step: 'signed', signedBy: [a.depositorName] });
    else if (e.stage === 'upload') {
      if (e.status === 'progress' && e.sent === undefined && /^resuming /.test(e.message)) resumed = true;
      if (e.sent !== undefined) {
        if (resumed && resumedFrom === null) resumedFrom = e.sent;
        progress({ step: 'uploading', bytesDone: e.sent, signedBy: [a.depositorName], resumedFrom });
      } else if (e.status === 'resumed') progress({ step: 'uploading', bytesDone: item.size, signedBy: [a.depositorName], resumedFrom });
    } else if (e.stage === 'countersign' && (e.status === 'done' || e.status === 'resumed')) {
      progress({ step: 'countersigned', bytesDone: item.size, signedBy: [a.depositorName, providerName], resumedFrom });
    }
  };
  let result;
  try {
    result = await runDeposition(
      { caseId: a.caseId, exhibitId: item.exhibitId, files: [{ path, name: item.name }], metadata: { description: item.metadata.description, ...stripEmpty(item.metadata) } },
      {
        signer: depositor,
        provider: ports.provider,
        node: ports.node,
        ledger: { origin: s.origin, genesis: s.state.genesis, lookup: (keyId) => s.member(keyId) },
        pinned: ports.pinned,
        journalDir,
        receiptsDir: ports.receiptsDir,
        onEvent,
        signal: a.signal,
        recordTimeoutMs: 60_000,
      },
    );
  } catch (err) {
    throw depositError(err, item, ports);
  }
  const signedBy = [a.depositorName, providerName];
  progress({ step: 'recorded', bytesDone: item.size, signedBy, entryIndex: result.index, resumedFrom });
  await s.waitFor(result.index);
  const entry = s.entries[result.index];
  if (!entry || utf8Decode(entry) !== canonicalJson(result.entry)) {
    throw new HostError('LEDGER_MISMATCH', `The verified ledger holds another record at entry ${result.index} than the deposition of ${item.exhibitId} the node accepted. Do not trust this node: tell the ledger administrator.`, {
      params: { index: String(result.index), exhibitId: item.exhibitId },
    });
  }
  await s.rememberLocalCopy(item.exhibitId, { path, name: item.name, sha256: item.sha256, size: item.size });
  const cp = await s.currentCheckpoint();
  progress({ step: 'witnessed', bytesDone: item.size, signedBy, entryIndex: result.index, cosigners: cp.cosigners, resumedFrom });
}

function stripEmpty(m: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).filter((kv): kv is [string, string] => kv[1] !== undefined && kv[1] !== ''));
}

/** The flow's failure in words: which step, why, and that depositing again continues from there. */
function depositError(err: unknown, item: { exhibitId: string; name: string }, ports: DepositPorts): HostError {
  if (err instanceof HostError) return err;
  if (!(err instanceof DepositError)) {
    return new HostError('DEPOSIT_FAILED', `The deposition of ${item.exhibitId} failed: ${(err as Error).message}. Deposit it again to continue from where it stopped.`, { cause: err, params: { exhibitId: item.exhibitId, problem: (err as Error).message } });
  }
  const again = 'Deposit it again to continue from where it stopped.';
  switch (err.code) {
    case 'INTEGRITY':
    case 'DIGEST_MISMATCH':
    case 'SIZE_MISMATCH':
      return new HostError('UPLOAD_MISMATCH', `The provider refused the bytes of ${item.name}: they do not match the SHA-256 taken at intake (${err.message}). Nothing was recorded. The file may have changed since intake: add it again.`, { cause: err, params: { name: item.name } });
    case 'ABORTED':
      return new HostError('DEPOSIT_INTERRUPTED', `The upload of ${item.name} stopped because the workstation was closing. ${again} The upload continues from the provider's offset.`, { cause: err, params: { name: item.name } });
    case 'PROVIDER_UNREACHABLE':
    case 'UPLOAD_FAILED':
      return new HostError('PROVIDER_UNREACHABLE', `The provider ${ports.provider.baseUrl} cannot be reached (${err.message}). Nothing was recorded. Check the network, then ${again.toLowerCase()} The upload continues from the provider's offset.`, { cause: err, params: { url: ports.provider.baseUrl } });
    case 'NODE_UNREACHABLE':
      return new HostError('NODE_UNREACHABLE', `The ledger node ${ports.node.where} cannot be reached (${err.message}). Check the network, then ${again.toLowerCase()}`, { cause: err, params: { url: ports.node.where } });
    default:
      // The flow's own code (BAD_RECEIPT, NOT_RECORDED, a ledger rule, …) stays in the message and the log.
      return new HostError('DEPOSIT_STEP_FAILED', `The deposition of ${item.exhibitId} stopped at the ${err.stage} step (${err.code}): ${err.message}. ${again}`, {
        cause: err,
        params: { exhibitId: item.exhibitId, stage: err.stage, problem: `${err.code}: ${err.message}` },
      });
  }
}

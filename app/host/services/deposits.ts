// Depositions as the UI starts them (`deposit.start`): the exhibit numbers are checked, the depositor signs
// with their passphrase, and each exhibit is deposited in the background through the deposition flow with the
// parties of the chosen mode (deposit-flow.ts), its steps reported as `onDepositionProgress` events. An exhibit the ledger already
// holds as this depositor made it (a retry after a crash past the ledger's acceptance) is continued from its
// recorded entry to the witnessed step instead of being deposited twice.
import type { ContractError, DepositionProgress, ParsedArgs } from '../../contract/api';
import type { SignedRecord } from '../../crypto/envelope';
import type { DisposableSigner } from '../../crypto/signer';
import { HostError } from '../errors';
import type { DepositItem, DepositStep, LedgerBackend } from './backend';
import { depositOne, hasJournal } from './deposit-flow';
import type { LedgerAccess } from './ledger-access';
import { randomId } from './standalone';

export class DepositService {
  /** Exhibit → deposition id of the deposition running now: depositing it again (a reloaded UI) follows that one. */
  private readonly active = new Map<string, string>();

  constructor(private readonly access: LedgerAccess) {}

  async start(a: ParsedArgs<'deposit.start'>): Promise<{ depositionIds: string[] }> {
    const s = await this.access.backend();
    const { info } = await this.access.officer(s);
    if (!s.state.cases.has(a.caseId)) throw new HostError('CASE_NOT_FOUND', `There is no case ${a.caseId} in the ledger. Open the case first.`, { params: { caseId: a.caseId } });
    const seen = new Set<string>();
    for (const item of a.items) {
      const taken = !this.active.has(item.exhibitId) && s.state.exhibits.has(item.exhibitId) && recordedIndex(s, a.caseId, item, info.keyId) === undefined;
      if (taken || seen.has(item.exhibitId)) {
        throw new HostError('EXHIBIT_EXISTS', `Exhibit number ${item.exhibitId} is already used. Give each exhibit its own number.`, { params: { exhibitId: item.exhibitId } });
      }
      seen.add(item.exhibitId);
    }
    // Signing needs the passphrase now, even while unlocked: a second check that the depositor is present.
    const signer = await this.access.reauthenticate(info.keyId, a.passphrase);
    const ids = a.items.map((item) => this.active.get(item.exhibitId) ?? randomId('depo'));
    const fresh = a.items.map((item, i) => ({ item, id: ids[i]! })).filter(({ item }) => !this.active.has(item.exhibitId));
    for (const f of fresh) this.active.set(f.item.exhibitId, f.id);
    const run = (async () => {
      try {
        for (const { item, id } of fresh) {
          try {
            await this.depositOne(s, signer, info.name, id, a.caseId, item);
          } finally {
            this.active.delete(item.exhibitId);
          }
        }
      } finally {
        signer.dispose();
      }
    })();
    this.access.track(run);
    return { depositionIds: ids };
  }

  private async depositOne(
    s: LedgerBackend,
    depositor: DisposableSigner,
    depositorName: string,
    id: string,
    caseId: string,
    item: DepositItem,
  ): Promise<void> {
    const progress = (p: Partial<DepositionProgress> & Pick<DepositionProgress, 'step'>) =>
      this.access.emit('onDepositionProgress', {
        depositionId: id,
        exhibitId: item.exhibitId,
        bytesDone: 0,
        bytesTotal: item.size,
        signedBy: [],
        entryIndex: null,
        cosigners: [],
        error: null,
        resumedFrom: null,
        ...p,
      });
    try {
      // Deposited already (a retry after a crash that came after the ledger accepted it): continue from the
      // recorded entry to the witnessed step instead of depositing it twice. An unfinished deposition
      // journal is followed through the flow instead, which finds its entry by record id and writes the receipt.
      const recorded = recordedIndex(s, caseId, item, depositor.keyId);
      if (recorded !== undefined && !(await hasJournal(s, item.exhibitId))) {
        await this.continueRecorded(s, recorded, depositorName, item, progress);
        return;
      }
      await depositOne(s, { depositor, depositorName, caseId, item, progress, signal: this.access.signal });
      this.access.changed();
    } catch (err) {
      const known = err instanceof HostError ? err : undefined;
      if (!known) this.access.log.error(`deposit ${item.exhibitId} failed`, err);
      const error: ContractError = known
        ? { code: known.code, message: known.message, ...(Object.keys(known.params).length > 0 ? { params: known.params } : {}) }
        : { code: 'DEPOSIT_FAILED', message: `The deposition of ${item.exhibitId} failed: ${(err as Error).message}. Nothing was recorded.`, params: { exhibitId: item.exhibitId, problem: (err as Error).message } };
      progress({ step: 'failed', error });
    }
  }

  /** Reports an already-recorded deposition's steps from the ledger, waits for its witnesses, keeps the local copy. */
  private async continueRecorded(
    s: LedgerBackend,
    index: number,
    depositorName: string,
    item: DepositItem,
    progress: DepositStep,
  ): Promise<void> {
    const envelope = JSON.parse(new TextDecoder().decode(s.entries[index]!)) as SignedRecord;
    const providerKey = envelope.signatures.find((x) => x.role === 'provider')?.keyId;
    const providerName = (providerKey ? s.state.members.get(providerKey)?.name : undefined) ?? 'provider';
    const signedBy = [depositorName, providerName];
    progress({ step: 'signed', signedBy: [depositorName] });
    progress({ step: 'countersigned', bytesDone: item.size, signedBy });
    progress({ step: 'recorded', bytesDone: item.size, signedBy, entryIndex: index });
    await s.waitFor(index);
    const cp = await s.currentCheckpoint();
    if (!cp.final || cp.size <= index) throw new HostError('NOT_WITNESSED', `Entry ${index} is recorded but no final checkpoint covers it yet. It will be witnessed with the next checkpoint.`, { params: { index: String(index) } });
    await s.rememberLocalCopy(item.exhibitId, { path: item.path, name: item.name, sha256: item.sha256, size: item.size });
    progress({ step: 'witnessed', bytesDone: item.size, signedBy, entryIndex: index, cosigners: cp.cosigners });
    this.access.changed();
  }
}

/**
 * The entry index of `item`'s deposition when the verified ledger already holds it as this depositor made it:
 * same case, the one object with the same SHA-256 and size, deposited by `depositor`. Undefined otherwise
 * (not deposited, or the exhibit number is taken by something else).
 */
function recordedIndex(s: LedgerBackend, caseId: string, item: { exhibitId: string; sha256: string; size: number }, depositor: string): number | undefined {
  const ex = s.state.exhibits.get(item.exhibitId);
  if (!ex || ex.caseId !== caseId || ex.depositor !== depositor || ex.objects.length !== 1) return undefined;
  const o = ex.objects[0]!;
  return o.sha256 === item.sha256 && o.size === item.size ? ex.depositedAt : undefined;
}

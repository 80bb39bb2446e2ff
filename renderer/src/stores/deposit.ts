// The deposition wizard's store: its phase (review → sign → running), the signing call, the depositions started
// and the host's progress on each, and what follows from it (the step shown, failures, all witnessed). React-free
// (zustand/vanilla); `attach` follows the host's onDepositionProgress events while the wizard is open. The steps
// advance only on those events, which follow the real flow.
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { DepositionProgress } from '../../../app/contract/api';
import { failureOf, unwrap, ws } from '../host';
import type { Failure } from '../i18n/text';
import { dropDraft, patchDraft, type DraftItem } from '../workspace/db';
import { ledgerActions } from './ledger';
import { statusActions } from './status';
import { depositItems, wizardStep } from './deposition';

export interface DepositState {
  /** The case whose draft is deposited. */
  caseId: string | undefined;
  phase: 'review' | 'sign' | 'running';
  busy: boolean;
  error: Failure | undefined;
  /** The depositions started, one per exhibit, in the rows' order. */
  ids: string[];
  /** The host's latest progress of each deposition, by deposition id. */
  progress: Record<string, DepositionProgress>;
  /** Derived: the Steps' index (wizardStep), how many failed, and whether every exhibit is witnessed. */
  step: number;
  failed: number;
  allWitnessed: boolean;
}

const initial = (): DepositState => ({ caseId: undefined, phase: 'review', busy: false, error: undefined, ids: [], progress: {}, step: 0, failed: 0, allWitnessed: false });

export const depositStore = createStore<DepositState>()(() => initial());

const get = () => depositStore.getState();

/** The state with its derived fields computed again. */
function derive(s: DepositState): DepositState {
  const mine = s.ids.map((id) => s.progress[id]).filter((p): p is DepositionProgress => p !== undefined);
  const allWitnessed = s.ids.length > 0 && mine.length === s.ids.length && mine.every((p) => p.step === 'witnessed');
  const step = s.phase === 'review' ? 0 : s.phase === 'sign' ? 1 : wizardStep(mine, s.ids.length);
  return { ...s, step, failed: mine.filter((p) => p.step === 'failed').length, allWitnessed };
}

function set(patch: Partial<DepositState>): void {
  const before = get().allWitnessed;
  const next = derive({ ...get(), ...patch });
  depositStore.setState(next, true);
  // All witnessed: the draft is done with and the screens read the grown ledger again.
  if (next.allWitnessed && !before && next.caseId !== undefined) {
    void dropDraft(next.caseId);
    ledgerActions.changed(undefined);
  }
}

interface Session {
  off: () => void;
  /** When each upload started, for its rate and ETA in the status strip. */
  uploadStarted: Map<string, number>;
}
let session: Session = { off: () => undefined, uploadStarted: new Map() };

export const depositActions = {
  reset(): void {
    session.off();
    session = { off: () => undefined, uploadStarted: new Map() };
    depositStore.setState(initial(), true);
  },

  /** Opens the wizard on a case's draft and follows the host's deposition progress; returns the reset. */
  attach(caseId: string): () => void {
    depositActions.reset();
    depositActions.open(caseId);
    session.off = ws().onDepositionProgress((p) => depositActions.progressed(p));
    return () => depositActions.reset();
  },

  /** The wizard shows a case's draft, from its review. */
  open(caseId: string): void {
    set({ caseId });
  },

  review(): void {
    set({ phase: 'review' });
  },

  reviewed(): void {
    set({ phase: 'sign' });
  },

  /** The host's progress on a deposition; an upload shows its rate and ETA in the status strip. */
  progressed(p: DepositionProgress): void {
    set({ progress: { ...get().progress, [p.depositionId]: p } });
    if (p.step === 'uploading') {
      const started = session.uploadStarted.get(p.depositionId) ?? Date.now();
      session.uploadStarted.set(p.depositionId, started);
      const secs = (Date.now() - started) / 1000;
      const rate = secs > 0 ? p.bytesDone / secs : 0;
      statusActions.setActivity({ kind: 'upload', label: p.exhibitId, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, rate, etaSeconds: rate > 0 ? (p.bytesTotal - p.bytesDone) / rate : null });
    } else if (p.step !== 'signed') statusActions.setActivity(undefined);
  },

  /**
   * Signs and starts the depositions of `items` (the passphrase is asked again). `accepted` runs as soon as the
   * host has taken the passphrase (the form forgets it there); a refusal keeps the host's error.
   */
  async sign(passphrase: string, items: readonly DraftItem[], accepted: () => void = () => undefined): Promise<void> {
    const caseId = get().caseId;
    if (caseId === undefined) return;
    set({ busy: true, error: undefined });
    try {
      const r = await unwrap(ws().deposit.start({ caseId, passphrase, items: depositItems(items) }));
      accepted();
      depositActions.started(r.depositionIds);
      await patchDraft(caseId, { phase: 'depositing' });
    } catch (err) {
      set({ error: failureOf(err) });
    } finally {
      set({ busy: false });
    }
  },

  /** The host started these depositions (one per exhibit, in the rows' order). */
  started(ids: string[]): void {
    set({ ids, phase: 'running' });
  },
};

export function useDeposit<T>(selector: (s: DepositState) => T): T {
  return useStore(depositStore, selector);
}

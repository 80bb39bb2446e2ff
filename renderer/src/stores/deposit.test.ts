// The deposition wizard's store: phases, the step and failures derived from the host's progress, the draft
// dropped and the ledger read again once every exhibit is witnessed, the status strip during an upload, reset.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { DepositionProgress } from '../../../app/contract/api';
import { readDraft, saveDraft } from '../workspace/db';
import { depositActions, depositStore } from './deposit';
import { ledgerActions, ledgerStore } from './ledger';
import { statusActions, statusStore } from './status';

const p = (depositionId: string, step: DepositionProgress['step'], bytesDone = 0): DepositionProgress => ({ depositionId, exhibitId: `X-${depositionId}`, step, bytesDone, bytesTotal: 100, signedBy: [], entryIndex: null, cosigners: [], error: null, resumedFrom: null });

afterEach(() => {
  depositActions.reset();
  ledgerActions.reset();
  statusActions.reset();
});

describe('deposit store', () => {
  it('goes from review to sign and back, and runs once the host started the depositions', () => {
    depositActions.open('C');
    expect(depositStore.getState()).toMatchObject({ phase: 'review', step: 0 });
    depositActions.reviewed();
    expect(depositStore.getState()).toMatchObject({ phase: 'sign', step: 1 });
    depositActions.review();
    expect(depositStore.getState().step).toBe(0);
    depositActions.reviewed();
    depositActions.started(['d1', 'd2']);
    expect(depositStore.getState()).toMatchObject({ phase: 'running', step: 1, allWitnessed: false });
  });

  it('follows the slowest deposition, counts failures, and ignores progress of depositions not its own', () => {
    depositActions.open('C');
    depositActions.started(['d1', 'd2']);
    depositActions.progressed(p('d1', 'recorded'));
    depositActions.progressed(p('d2', 'countersigned'));
    depositActions.progressed(p('other', 'failed'));
    expect(depositStore.getState()).toMatchObject({ step: 3, failed: 0 });
    depositActions.progressed(p('d2', 'failed'));
    expect(depositStore.getState()).toMatchObject({ step: 2, failed: 1, allWitnessed: false });
  });

  it('drops the draft and reads the ledger again once every exhibit is witnessed', async () => {
    await saveDraft({ caseId: 'W', phase: 'depositing', batchId: null, dropped: ['a'], items: [], error: null, updatedAt: '' });
    depositActions.open('W');
    depositActions.started(['d1', 'd2']);
    depositActions.progressed(p('d1', 'witnessed'));
    expect(depositStore.getState().allWitnessed).toBe(false);
    const revision = ledgerStore.getState().revision;
    depositActions.progressed(p('d2', 'witnessed'));
    expect(depositStore.getState()).toMatchObject({ allWitnessed: true, step: 6 });
    expect(ledgerStore.getState().revision).toBe(revision + 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(await readDraft('W')).toBeUndefined();
    // A late event does not drop or re-read again.
    depositActions.progressed(p('d2', 'witnessed'));
    expect(ledgerStore.getState().revision).toBe(revision + 1);
  });

  it('shows an upload in the status strip and clears it once the upload is done', () => {
    depositActions.open('C');
    depositActions.started(['d1']);
    depositActions.progressed(p('d1', 'uploading', 40));
    expect(statusStore.getState().activity).toMatchObject({ kind: 'upload', label: 'X-d1', bytesDone: 40, bytesTotal: 100 });
    depositActions.progressed(p('d1', 'countersigned', 100));
    expect(statusStore.getState().activity).toBeUndefined();
  });

  it('resets to the review of no case', () => {
    depositActions.open('C');
    depositActions.started(['d1']);
    depositActions.reset();
    expect(depositStore.getState()).toEqual({ caseId: undefined, phase: 'review', busy: false, error: undefined, ids: [], progress: {}, step: 0, failed: 0, allWitnessed: false });
  });
});

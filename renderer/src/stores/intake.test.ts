// The intake store: the case it starts from, the draft watched in Dexie with its row edits, what the deposit
// button takes (derived), the batch progress shown only for the draft's batch, the wizard, and reset.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { CaseSummary, ExhibitSummary, IntakeProgress } from '../../../app/contract/api';
import { patchItem, readDraft, saveDraft, type DraftItem, type IntakeDraft } from '../workspace/db';
import { appActions, appStore } from './app';
import { intakeActions, intakeStore, type IntakeState } from './intake';
import { statusActions, statusStore } from './status';

const sha = (c: string) => c.repeat(64);
const someCase = (caseId: string): CaseSummary => ({ caseId, title: caseId, agency: 'A', description: '', openedAt: '2026-01-01T00:00:00Z', openedBy: { keyId: 'k', name: 'N', badge: 'B' }, index: 1, exhibits: 0 });
const exhibit = (caseId: string, exhibitId: string, sha256: string): ExhibitSummary => ({ exhibitId, caseId, name: exhibitId, description: '', size: 1, sha256, depositedAt: '2026-01-01T00:00:00Z', index: 7, holder: { keyId: 'k', name: 'N', badge: 'B' }, disposed: false });
const row = (index: number, exhibitId: string, sha256: string | null): DraftItem => ({
  index, name: `f${index}`, displayPath: `f${index}`, path: `/s/f${index}`, size: 1, sha256, mediaType: null,
  error: null, duplicateOf: null, include: true, exhibitId, description: '', seizedAt: '', seizedPlace: '', seizedBy: '', notes: '',
});
const draft = (caseId: string, items: DraftItem[], patch: Partial<IntakeDraft> = {}): IntakeDraft => ({ caseId, phase: 'ready', batchId: null, dropped: ['f'], items, error: null, updatedAt: '', ...patch });

/** Resolves once the store holds a state for which `ok` is true. */
function until(ok: (s: IntakeState) => boolean): Promise<IntakeState> {
  return new Promise((resolve) => {
    if (ok(intakeStore.getState())) return resolve(intakeStore.getState());
    const off = intakeStore.subscribe((s) => {
      if (!ok(s)) return;
      off();
      resolve(s);
    });
  });
}

afterEach(() => {
  intakeActions.reset();
  appActions.reset();
  statusActions.reset();
});

describe('intake store', () => {
  it('starts from the case open in the Cases screen, else the first case, and keeps a case once picked', () => {
    intakeActions.casesLoaded([someCase('A'), someCase('B')]);
    expect(intakeStore.getState().caseId).toBe('A');
    intakeActions.reset();
    appActions.openCase('B');
    intakeActions.casesLoaded([someCase('A'), someCase('B')]);
    expect(intakeStore.getState().caseId).toBe('B');
    intakeActions.pickCase('A');
    intakeActions.casesLoaded([someCase('B'), someCase('A')]);
    expect(intakeStore.getState().caseId).toBe('A');
    expect(appStore.getState().caseId).toBe('B');
  });

  it('derives what the deposit takes from the draft and the case exhibits, and ignores another case’s exhibits', () => {
    intakeActions.pickCase('C');
    intakeActions.draftLoaded('C', draft('C', [row(0, 'C-E01', sha('a')), row(1, 'C-E02', sha('b')), row(2, 'C-E02', sha('c'))]));
    let s = intakeStore.getState();
    expect(s.view.included.map((i) => i.index)).toEqual([0, 1, 2]);
    expect(s.view.idProblems.map((i) => i.index)).toEqual([1, 2]);
    // "f0" was recorded as C-E01 meanwhile: set aside, not deposited again.
    intakeActions.exhibitsLoaded('C', [exhibit('C', 'C-E01', sha('a'))]);
    s = intakeStore.getState();
    expect([...s.view.recorded.keys()]).toEqual([0]);
    expect(s.view.included.map((i) => i.index)).toEqual([1, 2]);
    expect(s.view.usedIds).toEqual(new Set(['C-E01']));
    intakeActions.exhibitsLoaded('OTHER', [exhibit('OTHER', 'C-E02', sha('b'))]);
    expect(intakeStore.getState().exhibits.map((e) => e.exhibitId)).toEqual(['C-E01']);
    // Another case's draft does not show either.
    intakeActions.draftLoaded('OTHER', draft('OTHER', []));
    expect(intakeStore.getState().draft?.caseId).toBe('C');
  });

  it('shows the case’s draft from Dexie with its row edits, follows edits, and forgets it once dropped', async () => {
    await saveDraft(draft('W-1', [row(0, 'W-1-E01', sha('a')), row(1, 'W-1-E02', sha('b'))]));
    intakeActions.pickCase('W-1');
    intakeActions.watchDraft('W-1');
    await until((s) => s.draft !== undefined);
    await intakeActions.editRow(1, { description: 'a phone', include: false });
    const s = await until((st) => st.draft?.items[1]?.description === 'a phone');
    expect(s.view.included.map((i) => i.index)).toEqual([0]);
    expect((await readDraft('W-1'))?.items[1]?.include).toBe(false);
    await intakeActions.discard();
    await until((st) => st.draft === undefined);
    expect(await readDraft('W-1')).toBeUndefined();
  });

  it('sets aside the rows the case records already, and drops a draft left with none', async () => {
    await saveDraft(draft('W-2', [row(0, 'W-2-E01', sha('a')), row(1, 'W-2-E02', sha('b'))]));
    intakeActions.pickCase('W-2');
    intakeActions.watchDraft('W-2');
    await until((s) => s.draft !== undefined);
    intakeActions.exhibitsLoaded('W-2', [exhibit('W-2', 'W-2-E01', sha('a'))]);
    await intakeActions.setAsideRecorded();
    expect((await readDraft('W-2'))?.items.map((i) => i.name)).toEqual(['f1']);
    intakeActions.exhibitsLoaded('W-2', [exhibit('W-2', 'W-2-E01', sha('a')), exhibit('W-2', 'W-2-E02', sha('b'))]);
    await until((s) => s.draft?.items.length === 1 && s.view.recorded.size === 1);
    await intakeActions.setAsideRecorded();
    expect(await readDraft('W-2')).toBeUndefined();
  });

  it('shows hashing progress only for the draft’s own batch, in the screen and the status strip', () => {
    intakeActions.pickCase('P');
    intakeActions.draftLoaded('P', draft('P', [], { phase: 'ready', batchId: 'batch-1', dropped: ['seized'] }));
    const p = (batchId: string): IntakeProgress => ({ batchId, walking: false, filesDone: 1, filesTotal: 2, failed: 0, bytesDone: 10, bytesTotal: 20, rate: 5, etaSeconds: 2, elapsedSeconds: 2, current: [] });
    intakeActions.progressed(p('another'));
    expect(intakeStore.getState().progress).toBeUndefined();
    expect(statusStore.getState().activity).toBeUndefined();
    intakeActions.progressed(p('batch-1'));
    expect(intakeStore.getState().progress?.filesDone).toBe(1);
    expect(statusStore.getState().activity).toMatchObject({ kind: 'intake', label: 'seized', bytesDone: 10, bytesTotal: 20 });
  });

  it('opens the wizard with the rows to deposit, and opens the case after a deposition', () => {
    intakeActions.pickCase('D');
    intakeActions.draftLoaded('D', draft('D', [row(0, 'D-E01', sha('a')), { ...row(1, 'D-E02', sha('b')), include: false }]));
    intakeActions.openWizard();
    expect(intakeStore.getState().wizard?.items.map((i) => i.index)).toEqual([0]);
    intakeActions.closeWizard(false);
    expect(intakeStore.getState().wizard).toBeUndefined();
    expect(appStore.getState().caseId).toBeUndefined();
    intakeActions.openWizard();
    intakeActions.closeWizard(true);
    expect(appStore.getState()).toMatchObject({ screen: 'cases', caseId: 'D' });
  });

  it('resets to nothing picked and stops watching the draft', async () => {
    await saveDraft(draft('R', [row(0, 'R-E01', sha('a'))]));
    intakeActions.pickCase('R');
    intakeActions.watchDraft('R');
    await until((s) => s.draft !== undefined);
    intakeActions.reset();
    expect(intakeStore.getState()).toMatchObject({ cases: undefined, caseId: undefined, exhibits: [], draft: undefined, wizard: undefined });
    await patchItem('R', 0, { description: 'after reset' });
    await new Promise((r) => setTimeout(r, 50));
    expect(intakeStore.getState().draft).toBeUndefined();
  });
});

// The open case's store: the cached picture until the host's verified answer, the exhibit picked, the derived
// verdicts, answers for another case or exhibit ignored, the exhibit and transfer slices, and reset.
import { afterEach, describe, expect, it } from 'vitest';
import type { CaseSummary, ExhibitSummary, IndexEntry } from '../../../app/contract/api';
import { caseDetailActions, caseDetailStore, exhibitActions, shownExhibits, shownSummary } from './case-detail';
import { timelineEvent } from './timeline.fixture';

const summary: CaseSummary = { caseId: 'C', title: 'Harbour fraud (verified)', agency: 'Metro', description: '', openedAt: '2026-11-27T10:00:00Z', openedBy: { keyId: 'k1', name: 'Li Wei', badge: 'PB-1' }, index: 0, exhibits: 2 };
const exhibit = (exhibitId: string): ExhibitSummary => ({ exhibitId, caseId: 'C', name: exhibitId, description: '', size: 1, sha256: 'a'.repeat(64), depositedAt: '2026-11-27T10:00:00Z', index: 1, holder: { keyId: 'k1', name: 'Li Wei', badge: 'PB-1' }, disposed: false });
const entry = (index: number, type: string, exhibitId: string | null, facts: Record<string, string>): IndexEntry => ({ index, type, time: '2026-11-27T10:00:00Z', caseId: 'C', exhibitId, facts });
const index = [
  entry(0, 'case.open', null, { caseId: 'C', title: 'Harbour fraud', agency: 'Metro', openedBy: 'Li Wei' }),
  entry(1, 'deposition', 'E1', { name: 'photo.jpg', size: '120', sha256: 'a'.repeat(64), depositor: 'Li Wei' }),
  entry(2, 'custody.transfer', 'E1', { from: 'Li Wei', to: 'Chen Fang' }),
];

/** A store showing case C without the host (what `attach` wires is left out). */
function showCase(): void {
  caseDetailStore.setState((s) => ({ case: { ...s.case, caseId: 'C' } }));
}

afterEach(() => caseDetailActions.reset());

describe('case detail store', () => {
  it('draws the cached index until the host’s verified answer replaces it', () => {
    showCase();
    caseDetailActions.indexRead('C', index);
    let s = caseDetailStore.getState();
    expect(shownSummary(s)?.title).toBe('Harbour fraud');
    expect(shownExhibits(s).map((e) => [e.exhibitId, e.holder.name])).toEqual([['E1', 'Chen Fang']]);
    expect(s.case.cached?.events.map((e) => e.index)).toEqual([0, 1, 2]);
    expect(s.case.timeline).toBeUndefined();
    caseDetailActions.loaded('C', summary, [exhibit('E1'), exhibit('E2')], [timelineEvent(0, null, 'verified'), timelineEvent(1, 'E1', 'verified'), timelineEvent(2, 'E2', 'awaiting')]);
    s = caseDetailStore.getState();
    expect(shownSummary(s)?.title).toBe('Harbour fraud (verified)');
    expect(shownExhibits(s).map((e) => e.exhibitId)).toEqual(['E1', 'E2']);
    expect(s.case.verdict).toBe('awaiting');
    expect(s.case.byExhibit.get('E2')?.map((e) => e.verdict)).toEqual(['awaiting']);
  });

  it('picks the first exhibit once the exhibits come and keeps a pick across a reload', () => {
    showCase();
    caseDetailActions.loaded('C', summary, [exhibit('E1'), exhibit('E2')], []);
    expect(caseDetailStore.getState().case.selected).toBe('E1');
    caseDetailActions.select('E2');
    caseDetailActions.loaded('C', summary, [exhibit('E1'), exhibit('E2')], []);
    expect(caseDetailStore.getState().case.selected).toBe('E2');
  });

  it('ignores answers for another case and keeps the host’s error', () => {
    showCase();
    caseDetailActions.loaded('OTHER', summary, [exhibit('X')], []);
    caseDetailActions.indexRead('OTHER', index);
    caseDetailActions.failed('OTHER', 'not this one');
    expect(caseDetailStore.getState().case).toMatchObject({ summary: undefined, cached: undefined, error: undefined });
    caseDetailActions.failed('C', { code: 'E_UNKNOWN_CASE', message: 'no case C' });
    expect(caseDetailStore.getState().case.error).toEqual({ code: 'E_UNKNOWN_CASE', message: 'no case C' });
  });

  it('gives each picked exhibit a fresh panel: its cached entries, then its verified timeline; another exhibit’s answers are ignored', () => {
    showCase();
    exhibitActions.show('E1');
    exhibitActions.indexRead('E1', index);
    expect(caseDetailStore.getState().exhibit.indexed?.map((e) => e.index)).toEqual([1, 2]);
    exhibitActions.loaded('E1', [timelineEvent(1, 'E1', 'verified')]);
    exhibitActions.failed('E1', 'the provider did not answer');
    exhibitActions.show('E2');
    exhibitActions.loaded('E1', [timelineEvent(1, 'E1', 'verified')]);
    expect(caseDetailStore.getState().exhibit).toEqual({ exhibitId: 'E2', events: undefined, indexed: undefined, verifying: false, error: undefined });
    expect(caseDetailStore.getState().transfer).toEqual({ busy: false, error: undefined });
  });

  it('resets to no case', () => {
    showCase();
    caseDetailActions.loaded('C', summary, [exhibit('E1')], []);
    caseDetailActions.reset();
    expect(caseDetailStore.getState().case).toMatchObject({ caseId: undefined, summary: undefined, exhibits: undefined, selected: undefined });
    expect(caseDetailStore.getState().exhibit.exhibitId).toBeUndefined();
  });
});

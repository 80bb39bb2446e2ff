// The Cases store: the cached index's cases until the host answers, the search applied to both, a stale answer
// ignored, the host's error kept beside the rows, and reset.
import { afterEach, describe, expect, it } from 'vitest';
import type { CaseSummary, IndexEntry } from '../../../app/contract/api';
import { casesActions, casesSource, casesStore, shownCases } from './cases';

const opened = (index: number, caseId: string, title: string): IndexEntry => ({ index, type: 'case.open', time: '2026-11-27T10:00:00Z', caseId, exhibitId: null, facts: { caseId, title, agency: 'Metro' } });
const summary = (caseId: string, title: string): CaseSummary => ({ caseId, title, agency: 'Metro', description: '', openedAt: '2026-11-27T10:00:00Z', openedBy: { keyId: 'k', name: 'Li Wei', badge: 'PB-1' }, index: 0, exhibits: 0 });
const ids = (rows: CaseSummary[] | undefined) => rows?.map((c) => c.caseId);

afterEach(() => casesActions.reset());

describe('cases store', () => {
  it('shows the cached cases, searched, until the host answers', () => {
    expect(casesSource(casesStore.getState())).toBe('none');
    casesActions.indexRead([opened(0, 'C-1', 'Harbour fraud'), opened(1, 'C-2', 'Stolen car')]);
    expect(ids(shownCases(casesStore.getState()))).toEqual(['C-2', 'C-1']);
    expect(casesSource(casesStore.getState())).toBe('cache');
    casesActions.setSearch('harbour');
    expect(ids(shownCases(casesStore.getState()))).toEqual(['C-1']);
    casesActions.loaded('harbour', [summary('C-1', 'Harbour fraud')]);
    expect(casesSource(casesStore.getState())).toBe('host');
  });

  it('ignores an answer for a search that is no longer typed', () => {
    casesActions.setSearch('car');
    casesActions.loaded('ca', [summary('C-1', 'Harbour fraud'), summary('C-2', 'Stolen car')]);
    expect(casesStore.getState().cases).toBeUndefined();
    casesActions.loaded('car', [summary('C-2', 'Stolen car')]);
    expect(ids(casesStore.getState().cases)).toEqual(['C-2']);
  });

  it('resets to no search and no rows', () => {
    casesActions.setSearch('x');
    casesActions.indexRead([opened(0, 'C-1', 'x')]);
    casesActions.reset();
    expect(casesStore.getState()).toEqual({ search: '', cases: undefined, indexed: undefined, cached: undefined, error: undefined, creating: { busy: false, error: undefined } });
  });
});

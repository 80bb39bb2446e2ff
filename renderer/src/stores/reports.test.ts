// The Reports store: the first case picked once the cases come (unless one was open), the choices kept, reset.
import { afterEach, describe, expect, it } from 'vitest';
import type { CaseSummary } from '../../../app/contract/api';
import { reportsActions, reportsStore } from './reports';

const someCase = (caseId: string): CaseSummary => ({ caseId, title: caseId, agency: 'A', description: '', openedAt: '2026-11-27T10:00:00Z', openedBy: { keyId: 'k', name: 'N', badge: 'B' }, index: 1, exhibits: 0 });

afterEach(() => reportsActions.reset());

describe('reports store', () => {
  it('picks the first case once the cases come, unless a case is picked', () => {
    reportsActions.casesLoaded([someCase('A'), someCase('B')]);
    expect(reportsStore.getState().caseId).toBe('A');
    reportsActions.pickCase('B');
    reportsActions.casesLoaded([someCase('A'), someCase('B')]);
    expect(reportsStore.getState().caseId).toBe('B');
  });

  it('keeps the language picked, prints nothing without a case, and resets', async () => {
    reportsActions.pickLanguage('both');
    await reportsActions.print();
    await reportsActions.printOnPaper(() => Promise.reject(new Error('nothing was printed, so nothing prints on paper')));
    expect(reportsStore.getState()).toMatchObject({ lang: 'both', busy: false, paperBusy: false, printed: undefined, error: undefined });
    reportsActions.reset();
    expect(reportsStore.getState()).toEqual({ cases: [], caseId: undefined, lang: 'en', busy: false, error: undefined, printed: undefined, paperBusy: false, paper: undefined });
  });
});

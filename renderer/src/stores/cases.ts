// The Cases screen's store: the search, the host's list (the cached index's until it answers), the host's error,
// and the new-case dialog's call. React-free (zustand/vanilla); `attach` wires it to the host, the ledger's
// revision and the cached index while the screen is shown.
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { liveQuery } from 'dexie';
import type { CaseSummary, IndexEntry } from '../../../app/contract/api';
import { failureOf, unwrap, ws } from '../host';
import type { Failure } from '../i18n/text';
import { workspace } from '../workspace/db';
import { casesFromIndex } from '../workspace/ledger-index';
import { ledgerStore } from './ledger';

export interface NewCase {
  caseId: string;
  title: string;
  agency: string;
  description?: string;
}

export interface CasesState {
  search: string;
  /** The host's answer to the search; undefined until it comes. */
  cases: CaseSummary[] | undefined;
  /** The cached index's case entries, and the cases found in them for the search (no statuses in this list). */
  indexed: IndexEntry[] | undefined;
  cached: CaseSummary[] | undefined;
  error: Failure | undefined;
  /** The new-case dialog's signing call. */
  creating: { busy: boolean; error: Failure | undefined };
}

const initial = (): CasesState => ({ search: '', cases: undefined, indexed: undefined, cached: undefined, error: undefined, creating: { busy: false, error: undefined } });

export const casesStore = createStore<CasesState>()(() => initial());

const get = () => casesStore.getState();
const set = (patch: Partial<CasesState>) => casesStore.setState(patch);

/** The rows to show (the host's, else the cached ones) and where they come from. */
export const shownCases = (s: CasesState): CaseSummary[] | undefined => s.cases ?? s.cached;
export const casesSource = (s: CasesState): 'host' | 'cache' | 'none' => (s.cases ? 'host' : s.cached ? 'cache' : 'none');

interface Session {
  offs: (() => void)[];
  load: number;
}
let session: Session = { offs: [], load: 0 };

export const casesActions = {
  reset(): void {
    for (const off of session.offs) off();
    session = { offs: [], load: 0 };
    casesStore.setState(initial(), true);
  },

  /** Shows the list: the cached index at once, the host's answer for the search, again on each ledger change. */
  attach(): () => void {
    casesActions.reset();
    const sub = liveQuery(() => workspace.ledgerEntries.where('type').anyOf('case.open', 'deposition').toArray()).subscribe({
      next: (entries) => casesActions.indexRead(entries),
      error: (err: unknown) => console.warn('the cached ledger index could not be read', err),
    });
    session.offs.push(
      () => sub.unsubscribe(),
      ledgerStore.subscribe((s, prev) => {
        if (s.revision !== prev.revision) void casesActions.load();
      }),
      casesStore.subscribe((s, prev) => {
        if (s.search !== prev.search) void casesActions.load();
      }),
    );
    void casesActions.load();
    return () => casesActions.reset();
  },

  async load(): Promise<void> {
    const s = session;
    const n = ++s.load;
    const search = get().search;
    try {
      const cases = await unwrap(ws().cases.list({ search }));
      if (s === session && n === s.load) casesActions.loaded(search, cases);
    } catch (err) {
      if (s === session && n === s.load) set({ error: failureOf(err) });
    }
  },

  /** The host's cases for a search: shown while that is still the search. */
  loaded(search: string, cases: CaseSummary[]): void {
    if (search === get().search) set({ cases, error: undefined });
  },

  indexRead(indexed: IndexEntry[]): void {
    set({ indexed, cached: casesFromIndex(indexed, get().search) });
  },

  setSearch(search: string): void {
    const indexed = get().indexed;
    set({ search, ...(indexed ? { cached: casesFromIndex(indexed, search) } : {}) });
  },

  /** Signs a `case.open` record; the case opened, or undefined when the host refused (its error is kept). */
  async open(v: NewCase): Promise<CaseSummary | undefined> {
    set({ creating: { busy: true, error: undefined } });
    try {
      const created = await unwrap(ws().cases.open({ ...v, description: v.description ?? '' }));
      set({ creating: { busy: false, error: undefined } });
      return created;
    } catch (err) {
      set({ creating: { busy: false, error: failureOf(err) } });
      return undefined;
    }
  },
};

export function useCases<T>(selector: (s: CasesState) => T): T {
  return useStore(casesStore, selector);
}

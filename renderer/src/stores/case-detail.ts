// The open case's store (the CaseDetail screen), in three slices: the case (its record, exhibits and timeline as
// the host verified them, the cached index's picture until then, the exhibit picked, derived verdicts), the picked
// exhibit (its custody timeline, "Verify now") and its custody transfer. React-free (zustand/vanilla); `attach`
// wires it to the host, the ledger's revision and the cached index while the case is shown.
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { liveQuery } from 'dexie';
import type { CaseSummary, ExhibitSummary, IndexEntry, TimelineEvent } from '../../../app/contract/api';
import { failureOf, unwrap, ws } from '../host';
import type { Failure } from '../i18n/text';
import { workspace } from '../workspace/db';
import { casesFromIndex, eventsFromIndex, exhibitsFromIndex } from '../workspace/ledger-index';
import { ledgerActions, ledgerStore } from './ledger';
import { eventsByExhibit, verdictOf } from './case-timeline';

export type Verdict = TimelineEvent['verdict'];

export interface CaseSlice {
  caseId: string | undefined;
  /** The host's verified answers; undefined until they come. */
  summary: CaseSummary | undefined;
  exhibits: ExhibitSummary[] | undefined;
  timeline: TimelineEvent[] | undefined;
  /** Derived from `timeline`: each exhibit's events, and the case's verdict. */
  byExhibit: Map<string, TimelineEvent[]>;
  verdict: Verdict | undefined;
  /** The cached index's picture of the case, drawn as "checking" until the host's answer replaces it. */
  cached: { summary: CaseSummary | undefined; exhibits: ExhibitSummary[]; events: IndexEntry[] } | undefined;
  /** The exhibit whose panel shows (the first one once the exhibits come). */
  selected: string | undefined;
  error: Failure | undefined;
}

export interface ExhibitSlice {
  exhibitId: string | undefined;
  /** The host's verified custody timeline of the exhibit; until it comes, `indexed` is drawn as "checking". */
  events: TimelineEvent[] | undefined;
  indexed: IndexEntry[] | undefined;
  verifying: boolean;
  error: Failure | undefined;
}

export interface TransferSlice {
  busy: boolean;
  error: Failure | undefined;
}

export interface CaseDetailState {
  case: CaseSlice;
  exhibit: ExhibitSlice;
  transfer: TransferSlice;
}

const caseSlice = (caseId?: string): CaseSlice => ({ caseId, summary: undefined, exhibits: undefined, timeline: undefined, byExhibit: new Map(), verdict: undefined, cached: undefined, selected: undefined, error: undefined });
const exhibitSlice = (exhibitId?: string): ExhibitSlice => ({ exhibitId, events: undefined, indexed: undefined, verifying: false, error: undefined });
const transferSlice = (): TransferSlice => ({ busy: false, error: undefined });
const initial = (): CaseDetailState => ({ case: caseSlice(), exhibit: exhibitSlice(), transfer: transferSlice() });

export const caseDetailStore = createStore<CaseDetailState>()(() => initial());

const get = () => caseDetailStore.getState();
const setCase = (patch: Partial<CaseSlice>) => caseDetailStore.setState((s) => ({ case: { ...s.case, ...patch } }));
const setExhibit = (patch: Partial<ExhibitSlice>) => caseDetailStore.setState((s) => ({ exhibit: { ...s.exhibit, ...patch } }));
const setTransfer = (patch: Partial<TransferSlice>) => caseDetailStore.setState((s) => ({ transfer: { ...s.transfer, ...patch } }));

/** The case's record to show: the host's, else the cached one. */
export const shownSummary = (s: CaseDetailState): CaseSummary | undefined => s.case.summary ?? s.case.cached?.summary;
const noExhibits: ExhibitSummary[] = [];
/** The case's exhibits to show: the host's, else the cached ones. */
export const shownExhibits = (s: CaseDetailState): ExhibitSummary[] => s.case.exhibits ?? s.case.cached?.exhibits ?? noExhibits;

/** Subscriptions while a case is shown; a load answers only if no newer load of the same thing started. */
interface Session {
  offs: (() => void)[];
  exhibitOff: () => void;
  caseLoad: number;
  exhibitLoad: number;
}
const newSession = (): Session => ({ offs: [], exhibitOff: () => undefined, caseLoad: 0, exhibitLoad: 0 });
let session = newSession();

/** Runs `read` in Dexie and again whenever what it read changes, until the returned function is called. */
function watch<T>(read: () => Promise<T>, next: (value: T) => void): () => void {
  const sub = liveQuery(read).subscribe({ next, error: (err: unknown) => console.warn('the cached ledger index could not be read', err) });
  return () => sub.unsubscribe();
}

export const caseDetailActions = {
  reset(): void {
    for (const off of session.offs) off();
    session.exhibitOff();
    session = newSession();
    caseDetailStore.setState(initial(), true);
  },

  /** Shows a case: reads it from the host, again on each ledger change, and its cached index meanwhile. */
  attach(caseId: string): () => void {
    caseDetailActions.reset();
    setCase({ caseId });
    session.offs.push(
      watch(() => workspace.ledgerEntries.where('caseId').equals(caseId).toArray(), (entries) => caseDetailActions.indexRead(caseId, entries)),
      ledgerStore.subscribe((s, prev) => {
        if (s.revision === prev.revision) return;
        void caseDetailActions.load();
        void exhibitActions.load();
      }),
      // The picked exhibit's panel: its verified timeline from the host, its cached entries meanwhile.
      caseDetailStore.subscribe((s, prev) => {
        const exhibitId = s.case.selected;
        if (exhibitId === prev.case.selected || exhibitId === undefined) return;
        exhibitActions.show(exhibitId);
        session.exhibitOff();
        session.exhibitOff = watch(() => workspace.ledgerEntries.where('exhibitId').equals(exhibitId).toArray(), (entries) => exhibitActions.indexRead(exhibitId, entries));
        void exhibitActions.load();
      }),
    );
    void caseDetailActions.load();
    return () => caseDetailActions.reset();
  },

  async load(): Promise<void> {
    const caseId = get().case.caseId;
    if (caseId === undefined) return;
    const s = session;
    const n = ++s.caseLoad;
    try {
      const [list, exhibits, timeline] = await Promise.all([unwrap(ws().cases.list({})), unwrap(ws().cases.exhibits({ caseId })), unwrap(ws().timeline.case({ caseId }))]);
      if (s === session && n === s.caseLoad) caseDetailActions.loaded(caseId, list.find((c) => c.caseId === caseId), exhibits, timeline);
    } catch (err) {
      if (s === session && n === s.caseLoad) caseDetailActions.failed(caseId, failureOf(err));
    }
  },

  /** The host's verified case arrived: it replaces the cached picture; the first exhibit is picked if none is. */
  loaded(caseId: string, summary: CaseSummary | undefined, exhibits: ExhibitSummary[], timeline: TimelineEvent[]): void {
    if (caseId !== get().case.caseId) return;
    setCase({ summary, exhibits, timeline, byExhibit: eventsByExhibit(timeline), verdict: verdictOf(timeline), selected: get().case.selected ?? exhibits[0]?.exhibitId });
  },

  failed(caseId: string, error: Failure): void {
    if (caseId === get().case.caseId) setCase({ error });
  },

  /** The cached index's entries of the case (Dexie), read again as the index grows. */
  indexRead(caseId: string, entries: IndexEntry[]): void {
    if (caseId !== get().case.caseId) return;
    setCase({ cached: { summary: casesFromIndex(entries).find((c) => c.caseId === caseId), exhibits: exhibitsFromIndex(entries, caseId), events: eventsFromIndex(entries, { caseId }) } });
  },

  select(exhibitId: string): void {
    setCase({ selected: exhibitId });
  },
};

export const exhibitActions = {
  /** A fresh panel (and transfer) for the picked exhibit; the attached case then reads its timeline and index. */
  show(exhibitId: string): void {
    caseDetailStore.setState({ exhibit: exhibitSlice(exhibitId), transfer: transferSlice() });
  },

  async load(): Promise<void> {
    const exhibitId = get().exhibit.exhibitId;
    if (exhibitId === undefined) return;
    const s = session;
    const n = ++s.exhibitLoad;
    try {
      const events = await unwrap(ws().timeline.exhibit({ exhibitId }));
      if (s === session && n === s.exhibitLoad) exhibitActions.loaded(exhibitId, events);
    } catch (err) {
      if (s === session && n === s.exhibitLoad) exhibitActions.failed(exhibitId, failureOf(err));
    }
  },

  loaded(exhibitId: string, events: TimelineEvent[]): void {
    if (exhibitId === get().exhibit.exhibitId) setExhibit({ events });
  },

  failed(exhibitId: string, error: Failure): void {
    if (exhibitId === get().exhibit.exhibitId) setExhibit({ error });
  },

  indexRead(exhibitId: string, entries: IndexEntry[]): void {
    if (exhibitId === get().exhibit.exhibitId) setExhibit({ indexed: eventsFromIndex(entries, { exhibitId }) });
  },

  /** "Verify now": the host re-hashes the local copy and has the provider re-hash its own; both are recorded. */
  async verify(): Promise<void> {
    const exhibitId = get().exhibit.exhibitId;
    if (exhibitId === undefined) return;
    setExhibit({ verifying: true, error: undefined });
    try {
      await unwrap(ws().integrity.verify({ exhibitId }));
      ledgerActions.changed(undefined);
    } catch (err) {
      exhibitActions.failed(exhibitId, failureOf(err));
    } finally {
      if (exhibitId === get().exhibit.exhibitId) setExhibit({ verifying: false });
    }
  },
};

export interface TransferValues {
  to: string;
  purpose: string;
  location?: string;
  releasingPassphrase: string;
  receivingPassphrase: string;
}

export const transferActions = {
  /** Signs the picked exhibit's custody transfer by both officers; true once it is recorded. */
  async submit(values: TransferValues): Promise<boolean> {
    const exhibitId = get().exhibit.exhibitId;
    if (exhibitId === undefined) return false;
    setTransfer({ busy: true, error: undefined });
    try {
      await unwrap(ws().custody.transfer({ exhibitId, ...values }));
      ledgerActions.changed(undefined);
      return true;
    } catch (err) {
      setTransfer({ error: failureOf(err) });
      return false;
    } finally {
      setTransfer({ busy: false });
    }
  },
};

export function useCaseDetail<T>(selector: (s: CaseDetailState) => T): T {
  return useStore(caseDetailStore, selector);
}

// The Reports screen's store: the case and language picked, the report printed (report.print), and printing it
// on paper (report.systemPrint) with its outcome. React-free (zustand/vanilla). The browser's own printing of the
// PDF (a hidden frame) is the screen's; it is handed to `printOnPaper`.
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { CaseSummary, ReportPrinted } from '../../../app/contract/api';
import { failureOf, unwrap, ws } from '../host';
import type { Failure } from '../i18n/text';
import { appStore } from './app';

export type ReportLanguage = 'en' | 'zh-CN' | 'both';

export interface ReportsState {
  cases: CaseSummary[];
  caseId: string | undefined;
  lang: ReportLanguage;
  /** report.print is running. */
  busy: boolean;
  error: Failure | undefined;
  printed: ReportPrinted | undefined;
  /** report.systemPrint is running. */
  paperBusy: boolean;
  /** What the system print dialog did; undefined before it was opened (or when the browser printed). */
  paper: 'sent' | 'cancelled' | undefined;
}

const initial = (): ReportsState => ({ cases: [], caseId: undefined, lang: 'en', busy: false, error: undefined, printed: undefined, paperBusy: false, paper: undefined });

export const reportsStore = createStore<ReportsState>()(() => initial());

const get = () => reportsStore.getState();
const set = (patch: Partial<ReportsState>) => reportsStore.setState(patch);
let session = 0;

export const reportsActions = {
  reset(): void {
    session += 1;
    reportsStore.setState(initial(), true);
  },

  /** Opens the screen on the case open in the Cases screen, in the language shown, and reads the cases. */
  attach(): () => void {
    reportsActions.reset();
    const { caseId, language } = appStore.getState();
    set({ caseId, lang: language });
    const s = session;
    void unwrap(ws().cases.list({})).then(
      (cases) => s === session && reportsActions.casesLoaded(cases),
      (err: unknown) => s === session && set({ error: failureOf(err) }),
    );
    return () => reportsActions.reset();
  },

  /** The cases arrived: with none picked, the first. */
  casesLoaded(cases: CaseSummary[]): void {
    set({ cases, caseId: get().caseId ?? cases[0]?.caseId });
  },

  pickCase(caseId: string): void {
    set({ caseId });
  },

  pickLanguage(lang: ReportLanguage): void {
    set({ lang });
  },

  /** Prints the picked case's report; the host says where it wrote it. */
  async print(): Promise<void> {
    const { caseId, lang } = get();
    if (!caseId) return;
    set({ busy: true, error: undefined, printed: undefined, paper: undefined });
    try {
      const printed = await unwrap(ws().report.print({ caseId, lang }));
      set({ printed });
    } catch (err) {
      set({ error: failureOf(err) });
    } finally {
      set({ busy: false });
    }
  },

  /**
   * Prints the report on paper: the desktop shell opens the system print dialog on the PDF; the web host gives
   * its address, which `printInBrowser` prints.
   */
  async printOnPaper(printInBrowser: (url: string) => Promise<void>): Promise<void> {
    const printed = get().printed;
    if (!printed) return;
    set({ paperBusy: true, error: undefined, paper: undefined });
    try {
      const r = await unwrap(ws().report.systemPrint({ pdf: printed.pdf }));
      if (r.via === 'dialog') set({ paper: r.outcome === 'printed' ? 'sent' : 'cancelled' });
      else await printInBrowser(r.url);
    } catch (err) {
      set({ error: failureOf(err) });
    } finally {
      set({ paperBusy: false });
    }
  },
};

export function useReports<T>(selector: (s: ReportsState) => T): T {
  return useStore(reportsStore, selector);
}

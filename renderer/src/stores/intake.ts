// The intake screen's store: the case picked, its exhibits, the case's draft (Dexie, watched live), what the
// deposit button takes from it (draftState), the running staging and hashing, and the deposition wizard.
// React-free (zustand/vanilla); the screen renders from `useIntake` and calls `intakeActions`. The transitions are
// synchronous; `attach` wires them to the host, the ledger's revision and the draft's Dexie rows while the screen
// is shown, and its returned function resets the store.
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { liveQuery } from 'dexie';
import i18next from 'i18next';
import type { CaseSummary, DroppedItem, ExhibitSummary, IntakeBatch, IntakeItem, IntakeProgress } from '../../../app/contract/api';
import { unwrap, ws } from '../host';
import { errorText } from '../i18n/text';
import { BatchSettler } from '../core/batch-settle';
import { draftEdits, dropDraft, patchDraft, patchItem, readDraft, replaceDraftItems, saveDraft, withEdits, workspace, type DraftEdit, type DraftItem, type IntakeDraft } from '../workspace/db';
import { appActions, appStore } from './app';
import { ledgerStore } from './ledger';
import { statusActions } from './status';
import { draftState, droppedNames, mergeDrop, type DraftView } from './intake-rows';

export interface IntakeState {
  /** The cases to pick from (undefined until the host answers; [] when it could not). */
  cases: CaseSummary[] | undefined;
  caseId: string | undefined;
  /** The picked case's exhibits, read again as the verified ledger grows. */
  exhibits: ExhibitSummary[];
  /** The picked case's draft with its rows' edits applied (undefined: none, or not read yet). */
  draft: IntakeDraft | undefined;
  /** Derived from `draft` and `exhibits`: recorded rows, rows to deposit, number problems. */
  view: DraftView;
  /** Bytes uploaded to the staging folder (web host) while the draft is staging. */
  staged: { done: number; total: number } | undefined;
  /** The host's hashing progress of the draft's batch. */
  progress: IntakeProgress | undefined;
  /** The wizard keeps the draft it was opened with: the live draft is dropped once everything is witnessed. */
  wizard: { draft: IntakeDraft; items: DraftItem[] } | undefined;
}

const emptyView = (): DraftView => draftState([], []);

const initial = (): IntakeState => ({
  cases: undefined,
  caseId: undefined,
  exhibits: [],
  draft: undefined,
  view: emptyView(),
  staged: undefined,
  progress: undefined,
  wizard: undefined,
});

export const intakeStore = createStore<IntakeState>()(() => initial());

/** What runs while the screen is attached (subscriptions), and the batch settler of this visit. */
interface Session {
  offs: (() => void)[];
  /** The Dexie watch of the picked case's draft and of its row edits. */
  watch: { caseId: string; saved?: IntakeDraft | null; edits?: DraftEdit[]; off: () => void } | undefined;
  settler: BatchSettler<IntakeBatch, string>;
  /** The draft's batch and phase last seen: a change to a hashing batch checks it (a reload picks it up again). */
  seen: string;
}

const newSession = (): Session => ({
  offs: [],
  watch: undefined,
  settler: new BatchSettler<IntakeBatch, string>((batchId) => unwrap(ws().intake.get({ batchId })), (id, b, cid) => intakeActions.settle(id, b, cid)),
  seen: '',
});
let session = newSession();

const get = () => intakeStore.getState();
const set = (patch: Partial<IntakeState>) => intakeStore.setState(patch);

/** An intake item's error in the language shown, by its code, else the host's words. */
function errorWords(i: IntakeItem): string {
  if (!i.error) return '';
  return i18next.exists(`intakeError.${i.error.code}`) ? i18next.t(`intakeError.${i.error.code}`) : i.error.message;
}

export const intakeActions = {
  /** Forgets everything and stops watching; the next visit starts afresh. */
  reset(): void {
    for (const off of session.offs) off();
    session.watch?.off();
    session = newSession();
    intakeStore.setState(initial(), true);
  },

  /**
   * Wires the store while the intake screen is shown: the host's intake events, the ledger's revision (cases and
   * exhibits read again), the picked case's draft in Dexie. Starts from the case open in the Cases screen, if any.
   * Returns the detach, which resets the store.
   */
  attach(): () => void {
    intakeActions.reset();
    const w = ws();
    set({ caseId: appStore.getState().caseId });
    session.offs.push(
      w.onIntakeProgress((p) => intakeActions.progressed(p)),
      w.onIntakeFinished((f) => intakeActions.finished(f)),
      ledgerStore.subscribe((s, prev) => {
        if (s.revision === prev.revision) return;
        void intakeActions.loadCases();
        void intakeActions.loadExhibits();
      }),
      intakeStore.subscribe((s, prev) => {
        if (s.caseId === prev.caseId || s.caseId === undefined) return;
        intakeActions.watchDraft(s.caseId);
        void intakeActions.loadExhibits();
      }),
    );
    const caseId = get().caseId;
    if (caseId !== undefined) {
      intakeActions.watchDraft(caseId);
      void intakeActions.loadExhibits();
    }
    void intakeActions.loadCases();
    return () => intakeActions.reset();
  },

  async loadCases(): Promise<void> {
    const s = session;
    const cases = await unwrap(ws().cases.list({})).catch((): CaseSummary[] => []);
    if (s === session) intakeActions.casesLoaded(cases);
  },

  /** The cases arrived: with none picked yet, the case open in the Cases screen, else the first. */
  casesLoaded(cases: CaseSummary[]): void {
    set({ cases });
    if (get().caseId === undefined && cases.length > 0) intakeActions.pickCase(appStore.getState().caseId ?? cases[0]!.caseId);
  },

  pickCase(caseId: string): void {
    if (caseId === get().caseId) return;
    set({ caseId, exhibits: [], draft: undefined, view: emptyView(), staged: undefined, progress: undefined });
  },

  async loadExhibits(): Promise<void> {
    const s = session;
    const caseId = get().caseId;
    if (caseId === undefined) return;
    const exhibits = await unwrap(ws().cases.exhibits({ caseId })).catch((): ExhibitSummary[] => []);
    if (s === session) intakeActions.exhibitsLoaded(caseId, exhibits);
  },

  /** The case's exhibits arrived (ignored once another case is picked). */
  exhibitsLoaded(caseId: string, exhibits: ExhibitSummary[]): void {
    if (caseId !== get().caseId) return;
    set({ exhibits, view: draftState(get().draft?.items ?? [], exhibits) });
  },

  /**
   * Watches a case's draft and its row edits in Dexie, apart, so a keystroke (one small edit record) does not read
   * the whole draft again. The draft shows once both have been read.
   */
  watchDraft(caseId: string): void {
    session.watch?.off();
    const watch: NonNullable<Session['watch']> = { caseId, off: () => undefined };
    const show = () => {
      if (session.watch !== watch || watch.saved === undefined || watch.edits === undefined) return;
      intakeActions.draftLoaded(caseId, watch.saved === null ? undefined : withEdits(watch.saved, watch.edits));
    };
    const a = liveQuery(() => workspace.drafts.get(caseId)).subscribe({
      next: (d) => {
        watch.saved = d ?? null;
        show();
      },
      error: (err: unknown) => console.warn(`the draft of case ${caseId} could not be read`, err),
    });
    const b = liveQuery(() => draftEdits(caseId)).subscribe({
      next: (e) => {
        watch.edits = e;
        show();
      },
      error: (err: unknown) => console.warn(`the row edits of case ${caseId} could not be read`, err),
    });
    watch.off = () => {
      a.unsubscribe();
      b.unsubscribe();
    };
    session.watch = watch;
  },

  /** The case's draft as Dexie holds it now. A batch being hashed is checked (it may have finished unseen). */
  draftLoaded(caseId: string, draft: IntakeDraft | undefined): void {
    if (caseId !== get().caseId) return;
    const items = draft?.items;
    set({ draft, ...(items !== get().draft?.items ? { view: draftState(items ?? [], get().exhibits) } : {}) });
    const seen = `${draft?.batchId ?? ''}/${draft?.phase ?? ''}`;
    if (seen === session.seen) return;
    session.seen = seen;
    if (draft?.phase === 'hashing' && draft.batchId) void session.settler.check(draft.batchId, draft.caseId);
  },

  /** The host's progress on a batch: shown when it is the draft's. */
  progressed(p: IntakeProgress): void {
    const draft = get().draft;
    if (!draft || p.batchId !== draft.batchId) return;
    set({ progress: p });
    statusActions.setActivity({ kind: 'intake', label: draft.dropped.join(', '), bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, rate: p.rate, etaSeconds: p.etaSeconds });
  },

  finished(f: { batchId: string }): void {
    const draft = get().draft;
    if (draft && f.batchId === draft.batchId) void session.settler.finished(f.batchId, draft.caseId);
  },

  /**
   * Settles a batch (core/batch-settle.ts: once, from the finished event or the store's own check): its items
   * become the draft's rows, only while the draft still names the batch.
   */
  async settle(batchId: string, batch: IntakeBatch, caseId: string): Promise<void> {
    statusActions.setActivity(undefined);
    set({ progress: undefined });
    if (batch.state !== 'done' || !batch.result) {
      await patchDraft(caseId, { phase: 'failed', error: batch.error ? errorText(batch.error) : i18next.t('intake.cancelled'), failure: batch.error ?? { code: 'E_INTAKE_CANCELLED', message: 'The intake was cancelled.' } });
      return;
    }
    const exhibits = await unwrap(ws().cases.exhibits({ caseId }));
    const d = await readDraft(caseId);
    if (d?.batchId !== batchId) return;
    await replaceDraftItems(caseId, mergeDrop(caseId, d.items, batch.result.items, exhibits, errorWords), { phase: 'ready', batchId: null, error: null });
  },

  /** Stages a drop (web host: uploads it) and starts hashing it; the draft says each phase, so a reload resumes. */
  async start(dropped: DroppedItem<File>[]): Promise<void> {
    const caseId = get().caseId;
    if (!caseId || dropped.length === 0) return;
    const w = ws();
    const prev = await readDraft(caseId);
    const names = droppedNames(dropped);
    await saveDraft({ caseId, phase: 'staging', batchId: null, dropped: names, items: prev?.items ?? [], error: null, updatedAt: '' });
    const started = Date.now();
    const staged = await w.shell.stageFiles(dropped, (done, total) => {
      set({ staged: { done, total } });
      const secs = (Date.now() - started) / 1000;
      const rate = secs > 0 ? done / secs : 0;
      statusActions.setActivity({ kind: 'upload', label: names.join(', '), bytesDone: done, bytesTotal: total, rate, etaSeconds: rate > 0 ? (total - done) / rate : null });
    });
    set({ staged: undefined });
    statusActions.setActivity(undefined);
    if (!staged.ok) {
      await patchDraft(caseId, { phase: 'failed', error: errorText(staged.error), failure: staged.error });
      return;
    }
    const r = await w.intake.start({ paths: staged.value.paths });
    if (!r.ok) {
      await patchDraft(caseId, { phase: 'failed', error: errorText(r.error), failure: r.error });
      return;
    }
    await patchDraft(caseId, { phase: 'hashing', batchId: r.value.batchId });
  },

  /** Cancels the batch being hashed. */
  cancel(): void {
    const batchId = get().draft?.batchId;
    if (batchId) void ws().intake.cancel({ batchId });
  },

  /** Saves edits to one row of the draft (Dexie; the watch shows them). */
  editRow(index: number, patch: Partial<DraftItem>): Promise<void> {
    const caseId = get().caseId;
    return caseId === undefined ? Promise.resolve() : patchItem(caseId, index, patch);
  },

  discard(): Promise<void> {
    const draft = get().draft;
    return draft ? dropDraft(draft.caseId) : Promise.resolve();
  },

  /** Removes the rows the case records already; a draft left with none is dropped. */
  async setAsideRecorded(): Promise<void> {
    const { draft, view } = get();
    if (!draft) return;
    const rest = draft.items.filter((i) => !view.recorded.has(i.index));
    if (rest.length === 0) await dropDraft(draft.caseId);
    else await replaceDraftItems(draft.caseId, rest);
  },

  openWizard(): void {
    const { draft, view } = get();
    if (draft) set({ wizard: { draft, items: view.included } });
  },

  /** The wizard closed; after a deposition the case opens. */
  closeWizard(deposited: boolean): void {
    const wizard = get().wizard;
    set({ wizard: undefined });
    if (deposited && wizard) appActions.openCase(wizard.draft.caseId);
  },
};

export function useIntake<T>(selector: (s: IntakeState) => T): T {
  return useStore(intakeStore, selector);
}

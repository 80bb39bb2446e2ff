// The local workspace (Dexie over IndexedDB, renderer only): intake drafts and their exhibit metadata, saved on
// every change so a reload or a crash loses nothing typed; and the cached index of the ledger (ledger-index.ts).
// It holds no verdicts: those always come from the host.
import Dexie, { type EntityTable } from 'dexie';
import type { IndexEntry } from '../../../app/contract/api';
import type { IndexMeta } from './ledger-index';

export interface DraftItem {
  /** Position in the intake result. */
  index: number;
  name: string;
  displayPath: string;
  path: string;
  size: number | null;
  sha256: string | null;
  mediaType: string | null;
  /** Plain-words reason the file cannot be deposited (unreadable, changed while read, …), as first shown. */
  error: string | null;
  /** Its intake code (`intakeError.<code>`), so the words follow a later language switch. */
  errorCode?: string | null;
  /** Another item of this intake (or an exhibit of the case) has the same SHA-256. */
  duplicateOf: string | null;
  include: boolean;
  exhibitId: string;
  description: string;
  seizedAt: string;
  seizedPlace: string;
  seizedBy: string;
  notes: string;
}

export type DraftPhase = 'staging' | 'hashing' | 'ready' | 'depositing' | 'failed';

export interface IntakeDraft {
  /** One draft per case. */
  caseId: string;
  phase: DraftPhase;
  batchId: string | null;
  /** Names of the dropped files, shown while they are staged and hashed. */
  dropped: string[];
  items: DraftItem[];
  error: string | null;
  /** The host's error behind `error` (code and values), said again in the language shown. */
  failure?: { code: string; message: string; params?: Record<string, string> | undefined } | null;
  updatedAt: string;
}

/** Edits to one row of a draft, kept apart from the draft: a draft of thousands of rows was rewritten whole on
 *  every keystroke (~60 ms each at 3,000 rows). */
export type DraftEdit = { caseId: string; index: number } & Partial<Omit<DraftItem, 'index'>>;

export class Workspace extends Dexie {
  drafts!: EntityTable<IntakeDraft, 'caseId'>;
  draftEdits!: Dexie.Table<DraftEdit, [string, number]>;
  /** The cached, rebuildable index of the verified ledger (ledger-index.ts), by entry index. */
  ledgerEntries!: EntityTable<IndexEntry, 'index'>;
  ledgerMeta!: EntityTable<IndexMeta, 'key'>;
  constructor(name = 'evidence-workspace') {
    super(name);
    this.version(1).stores({ drafts: 'caseId, updatedAt' });
    this.version(2).stores({ drafts: 'caseId, updatedAt', ledgerEntries: 'index, type, caseId, exhibitId', ledgerMeta: 'key' });
    this.version(3).stores({ drafts: 'caseId, updatedAt', draftEdits: '[caseId+index], caseId', ledgerEntries: 'index, type, caseId, exhibitId', ledgerMeta: 'key' });
  }
}

export const workspace = new Workspace();

export async function saveDraft(draft: IntakeDraft): Promise<void> {
  await workspace.drafts.put({ ...draft, updatedAt: new Date().toISOString() });
}

export async function patchDraft(caseId: string, patch: Partial<IntakeDraft>): Promise<void> {
  await workspace.drafts.update(caseId, { ...patch, updatedAt: new Date().toISOString() });
}

/** Saves edits to one row (only that row's edit record is written). */
export async function patchItem(caseId: string, index: number, patch: Partial<DraftItem>): Promise<void> {
  await workspace.transaction('rw', workspace.draftEdits, async () => {
    const previous = await workspace.draftEdits.get([caseId, index]);
    await workspace.draftEdits.put({ ...previous, ...patch, caseId, index });
  });
}

/** A draft with its rows' edits applied: what the intake screen shows and deposits. */
export function withEdits(draft: IntakeDraft, edits: readonly DraftEdit[]): IntakeDraft {
  if (edits.length === 0) return draft;
  const byIndex = new Map(edits.map(({ caseId: _c, index, ...fields }) => [index, fields]));
  return { ...draft, items: draft.items.map((i) => (byIndex.has(i.index) ? { ...i, ...byIndex.get(i.index) } : i)) };
}

/** The rows' edits of a case's draft. */
export function draftEdits(caseId: string): Promise<DraftEdit[]> {
  return workspace.draftEdits.where('caseId').equals(caseId).toArray();
}

/** A case's draft with its rows' edits applied. */
export async function readDraft(caseId: string): Promise<IntakeDraft | undefined> {
  const [draft, edits] = await Promise.all([workspace.drafts.get(caseId), draftEdits(caseId)]);
  return draft && withEdits(draft, edits);
}

/**
 * Replaces a draft's rows with `items` (their edits already applied, as readDraft gives them) and forgets every
 * row edit: a removed row's index may be given to a new row, which must not inherit its edits.
 */
export async function replaceDraftItems(caseId: string, items: DraftItem[], patch: Partial<IntakeDraft> = {}): Promise<void> {
  await workspace.transaction('rw', workspace.drafts, workspace.draftEdits, async () => {
    await workspace.draftEdits.where('caseId').equals(caseId).delete();
    await workspace.drafts.update(caseId, { ...patch, items, updatedAt: new Date().toISOString() });
  });
}

export async function dropDraft(caseId: string): Promise<void> {
  await workspace.transaction('rw', workspace.drafts, workspace.draftEdits, async () => {
    await workspace.drafts.delete(caseId);
    await workspace.draftEdits.where('caseId').equals(caseId).delete();
  });
}

/** Suggests exhibit numbers `<case>-E01`, `-E02`, … skipping numbers already used. */
export function suggestExhibitIds(caseId: string, count: number, used: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let n = 1; out.length < count; n++) {
    const id = `${caseId}-E${String(n).padStart(2, '0')}`;
    if (!used.has(id)) out.push(id);
  }
  return out;
}

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

export class Workspace extends Dexie {
  drafts!: EntityTable<IntakeDraft, 'caseId'>;
  /** The cached, rebuildable index of the verified ledger (ledger-index.ts), by entry index. */
  ledgerEntries!: EntityTable<IndexEntry, 'index'>;
  ledgerMeta!: EntityTable<IndexMeta, 'key'>;
  constructor(name = 'evidence-workspace') {
    super(name);
    this.version(1).stores({ drafts: 'caseId, updatedAt' });
    this.version(2).stores({ drafts: 'caseId, updatedAt', ledgerEntries: 'index, type, caseId, exhibitId', ledgerMeta: 'key' });
  }
}

export const workspace = new Workspace();

export async function saveDraft(draft: IntakeDraft): Promise<void> {
  await workspace.drafts.put({ ...draft, updatedAt: new Date().toISOString() });
}

export async function patchDraft(caseId: string, patch: Partial<IntakeDraft>): Promise<void> {
  await workspace.drafts.update(caseId, { ...patch, updatedAt: new Date().toISOString() });
}

export async function patchItem(caseId: string, index: number, patch: Partial<DraftItem>): Promise<void> {
  await workspace.transaction('rw', workspace.drafts, async () => {
    const d = await workspace.drafts.get(caseId);
    if (!d) return;
    d.items = d.items.map((i) => (i.index === index ? { ...i, ...patch } : i));
    d.updatedAt = new Date().toISOString();
    await workspace.drafts.put(d);
  });
}

export async function dropDraft(caseId: string): Promise<void> {
  await workspace.drafts.delete(caseId);
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

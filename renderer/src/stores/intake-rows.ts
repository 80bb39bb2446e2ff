// The intake draft's rows, pure: rows from a finished intake batch (exhibit numbers suggested, duplicates flagged),
// a second drop added to a draft's rows, and what the deposit button takes from a draft.
import type { DroppedItem, ExhibitSummary, IntakeItem } from '../../../app/contract/api';
import { suggestExhibitIds, type DraftItem } from '../workspace/db';

/** Builds the draft's items from a finished intake batch: exhibit numbers suggested, duplicates flagged. */
export function draftItems(caseId: string, items: IntakeItem[], caseExhibits: ExhibitSummary[], errorWords: (i: IntakeItem) => string): DraftItem[] {
  const files = items.filter((i) => i.kind === 'file');
  const ids = suggestExhibitIds(caseId, files.length, new Set(caseExhibits.map((e) => e.exhibitId)));
  const bySha = new Map(caseExhibits.map((e) => [e.sha256, e.exhibitId]));
  const firstName = new Map<string, string>();
  return files.map((i, n) => {
    const sha = i.hashes?.sha256 ?? null;
    let duplicateOf: string | null = null;
    if (sha && bySha.has(sha)) duplicateOf = bySha.get(sha)!;
    else if (sha && firstName.has(sha)) duplicateOf = firstName.get(sha)!;
    if (sha && !firstName.has(sha)) firstName.set(sha, i.name);
    return {
      index: i.index,
      name: i.name,
      displayPath: i.displayPath,
      path: i.path,
      size: i.size,
      sha256: sha,
      mediaType: i.mediaType,
      error: i.error ? errorWords(i) : null,
      errorCode: i.error?.code ?? null,
      duplicateOf,
      include: i.error === null && duplicateOf === null,
      exhibitId: ids[n]!,
      description: '',
      seizedAt: '',
      seizedPlace: '',
      seizedBy: '',
      notes: '',
    };
  });
}

/**
 * A draft's rows once a batch settled: the hashed rows it had are kept (a second drop adds to the first) and the
 * batch's files follow them, numbered past both the case's exhibits and the kept rows, with row keys past theirs.
 */
export function mergeDrop(caseId: string, previous: DraftItem[], items: IntakeItem[], caseExhibits: ExhibitSummary[], errorWords: (i: IntakeItem) => string): DraftItem[] {
  const keep = previous.filter((i) => i.sha256 !== null);
  const fresh = draftItems(caseId, items, [...caseExhibits, ...keep.map((k) => ({ exhibitId: k.exhibitId, sha256: k.sha256 ?? '' }) as ExhibitSummary)], errorWords);
  // Row keys stay unique when a second drop adds to a draft that already has rows.
  const base = keep.reduce((m, k) => Math.max(m, k.index + 1), 0);
  return [...keep, ...fresh.map((f, n) => ({ ...f, index: base + n }))];
}

/** The names a drop shows while it is staged and hashed: a dropped folder once, by its name, not every file in it. */
export function droppedNames(dropped: DroppedItem<File>[]): string[] {
  return [...new Set(dropped.map((d) => (d.relativePath ? d.relativePath.split('/')[0]! : d.file.name)))];
}

/** What the deposit button takes from a draft (draftState). */
export interface DraftView {
  /** Rows the case records already, by row index, with the exhibit recorded. */
  recorded: Map<number, ExhibitSummary>;
  /** Rows the deposit takes. */
  included: DraftItem[];
  /** Included rows whose exhibit number is empty, used by the case or used twice. */
  idProblems: DraftItem[];
  /** The case's exhibit numbers. */
  usedIds: Set<string>;
}

/**
 * What the deposit button takes from a draft. A row whose exhibit number the case already holds with the same
 * SHA-256 is recorded already (deposited just before the workstation restarted, or from another window): it is
 * set aside, not deposited again. The other rows need numbers that are filled in, unique and not yet used.
 */
export function draftState(items: DraftItem[], caseExhibits: ExhibitSummary[]): DraftView {
  const byId = new Map(caseExhibits.map((e) => [e.exhibitId, e]));
  const recorded = new Map<number, ExhibitSummary>();
  for (const i of items) {
    const e = byId.get(i.exhibitId);
    if (e && i.sha256 !== null && e.sha256 === i.sha256) recorded.set(i.index, e);
  }
  const included = items.filter((i) => i.include && i.sha256 !== null && i.error === null && !recorded.has(i.index));
  // Counted once (a drop of thousands of rows made a pairwise check take seconds per keystroke).
  const uses = new Map<string, number>();
  for (const i of included) uses.set(i.exhibitId, (uses.get(i.exhibitId) ?? 0) + 1);
  const idProblems = included.filter((i) => !i.exhibitId.trim() || byId.has(i.exhibitId) || (uses.get(i.exhibitId) as number) > 1);
  return { recorded, included, idProblems, usedIds: new Set(byId.keys()) };
}

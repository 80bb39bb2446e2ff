// The cached, rebuildable index of the ledger (Dexie, renderer only): the verified entries the host sends from
// `ledger.index`, kept by entry index so that case search and timelines paint at once after a reload, before the
// host has re-verified anything. It is keyed by the log's origin and the RFC 9162 root of the entries it holds:
// when the host does not recognise that mark (another log, or a view that forked from the one cached) the index
// is thrown away and rebuilt from entry 0. It never decides a status: what it shows is drawn as "checking" until
// the host's verification (timeline.*, cases.*) replaces it.
import type { CaseSummary, ExhibitSummary, IndexEntry, IndexMark, IndexPage } from '../../../app/contract/api';
import type { Workspace } from './db';

/** The mark of the cached index: where the next page continues. One row, key `ledger`. */
export interface IndexMeta extends IndexMark {
  key: 'ledger';
  /** Entries under the host's checkpoint when last asked. */
  total: number;
  updatedAt: string;
}

export type FetchPage = (since: IndexMark | null) => Promise<IndexPage>;

/** Which index rows were replaced: `rebuilt` when the cache was thrown away (another log or a fork). */
export interface RefreshResult {
  rebuilt: boolean;
  added: number;
  size: number;
}

/**
 * Brings the cached index up to the host's verified ledger, page by page: each page is written with its mark in
 * one transaction, so a reload mid-way continues from the last page written. A page that does not continue the
 * cached mark clears the cache first.
 */
export async function refreshIndex(db: Workspace, fetchPage: FetchPage): Promise<RefreshResult> {
  let rebuilt = false;
  let added = 0;
  for (let guard = 0; guard < 100_000; guard++) {
    const meta = await db.ledgerMeta.get('ledger');
    const since = meta ? { origin: meta.origin, size: meta.size, root: meta.root } : null;
    const page = await fetchPage(since);
    await db.transaction('rw', db.ledgerEntries, db.ledgerMeta, async () => {
      const current = await db.ledgerMeta.get('ledger');
      // Another refresh moved the mark meanwhile: this page is stale, ask again.
      if ((current?.size ?? null) !== (meta?.size ?? null) || current?.root !== meta?.root) return;
      if (!page.continues) {
        if (meta) rebuilt = true;
        await db.ledgerEntries.clear();
      }
      await db.ledgerEntries.bulkPut(page.entries);
      await db.ledgerMeta.put({ key: 'ledger', ...page.mark, total: page.total, updatedAt: new Date().toISOString() });
      added += page.entries.length;
    });
    if (page.mark.size >= page.total) return { rebuilt, added, size: page.mark.size };
  }
  throw new Error('the ledger index did not converge: the host kept sending pages');
}

/** Forgets the cached index (e.g. the mode changed); the next refresh rebuilds it. */
export async function clearIndex(db: Workspace): Promise<void> {
  await db.transaction('rw', db.ledgerEntries, db.ledgerMeta, async () => {
    await db.ledgerEntries.clear();
    await db.ledgerMeta.clear();
  });
}

// ---- what the screens draw from the cache (pure: tested without a database) ------------------------------

/** Case summaries from the cached entries, newest first, filtered like the host's `cases.list`. */
export function casesFromIndex(entries: readonly IndexEntry[], search = ''): CaseSummary[] {
  const q = search.trim().toLowerCase();
  const exhibits = new Map<string, number>();
  for (const e of entries) if (e.type === 'deposition' && e.caseId) exhibits.set(e.caseId, (exhibits.get(e.caseId) ?? 0) + 1);
  const out: CaseSummary[] = [];
  for (const e of entries) {
    if (e.type !== 'case.open' || !e.caseId) continue;
    const f = e.facts;
    const c: CaseSummary = {
      caseId: e.caseId,
      title: f.title ?? '',
      agency: f.agency ?? '',
      description: f.description ?? '',
      openedAt: e.time,
      openedBy: { keyId: f.openedByKey ?? '', name: f.openedBy ?? '', badge: f.openedByBadge ?? '' },
      index: e.index,
      exhibits: exhibits.get(e.caseId) ?? 0,
    };
    const hay = `${c.caseId}\n${c.title}\n${c.agency}\n${c.description}`.toLowerCase();
    if (q === '' || hay.includes(q)) out.push(c);
  }
  return out.sort((a, b) => b.index - a.index);
}

/** A case's exhibits from the cached entries: the holder follows the cached custody transfers. */
export function exhibitsFromIndex(entries: readonly IndexEntry[], caseId: string): ExhibitSummary[] {
  const out = new Map<string, ExhibitSummary>();
  for (const e of [...entries].sort((a, b) => a.index - b.index)) {
    if (e.caseId !== caseId || !e.exhibitId) continue;
    const f = e.facts;
    if (e.type === 'deposition') {
      out.set(e.exhibitId, {
        exhibitId: e.exhibitId,
        caseId,
        name: f.name ?? e.exhibitId,
        description: f.description ?? '',
        size: Number(f.size ?? 0),
        sha256: f.sha256 ?? '',
        depositedAt: e.time,
        index: e.index,
        holder: { keyId: '', name: f.depositor ?? '', badge: '' },
        disposed: false,
      });
    } else {
      const x = out.get(e.exhibitId);
      if (x && e.type === 'custody.transfer') x.holder = { keyId: '', name: f.to ?? '', badge: '' };
      if (x && e.type === 'disposition') x.disposed = true;
    }
  }
  return [...out.values()];
}

/** The cached events of a case or an exhibit, oldest first (drawn as "checking" until the host has verified them). */
export function eventsFromIndex(entries: readonly IndexEntry[], filter: { caseId?: string; exhibitId?: string }): IndexEntry[] {
  return entries
    .filter((e) => (filter.caseId === undefined || e.caseId === filter.caseId) && (filter.exhibitId === undefined || e.exhibitId === filter.exhibitId))
    .sort((a, b) => a.index - b.index);
}

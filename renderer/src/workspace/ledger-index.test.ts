import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { IndexEntry, IndexMark, IndexPage } from '../../../app/contract/api';
import { Workspace } from './db';
import { casesFromIndex, eventsFromIndex, exhibitsFromIndex, refreshIndex } from './ledger-index';

/**
 * The host's side of `ledger.index` over a list of entries (app/host/services/ledger-status.ts does the same over the
 * verified ledger with RFC 9162 roots): a mark continues when its root is the root of that prefix of this list.
 */
function ledger(origin: string, entries: IndexEntry[], limit = 2) {
  const root = (n: number) => bytesToHex(sha256(utf8ToBytes(`${origin}\n${JSON.stringify(entries.slice(0, n))}`)));
  const calls: Array<IndexMark | null> = [];
  const fetchPage = (since: IndexMark | null): Promise<IndexPage> => {
    calls.push(since);
    const continues = since !== null && since.origin === origin && since.size <= entries.length && root(since.size) === since.root;
    const from = continues ? since.size : 0;
    const to = Math.min(entries.length, from + limit);
    return Promise.resolve({ origin, continues, from, entries: entries.slice(from, to), mark: { origin, size: to, root: root(to) }, total: entries.length });
  };
  return { fetchPage, calls };
}

const at = (index: number, type: string, caseId: string, exhibitId: string | null, facts: Record<string, string>): IndexEntry => ({
  index,
  type,
  time: `2026-11-27T10:00:${String(index).padStart(2, '0')}Z`,
  caseId,
  exhibitId,
  facts,
});

const history = [
  at(0, 'case.open', 'C-1', null, { caseId: 'C-1', title: 'Harbour fraud', agency: 'Metro', description: 'invoices', openedBy: 'Li Wei', openedByBadge: 'PB-1', openedByKey: 'k1' }),
  at(1, 'deposition', 'C-1', 'C-1-E01', { name: '照片.jpg', size: '120', sha256: 'a'.repeat(64), depositor: 'Li Wei', description: 'photo' }),
  at(2, 'case.open', 'C-2', null, { caseId: 'C-2', title: 'Stolen car', agency: 'Traffic', description: '', openedBy: 'Chen Fang', openedByBadge: 'PB-2', openedByKey: 'k2' }),
  at(3, 'custody.transfer', 'C-1', 'C-1-E01', { from: 'Li Wei', to: 'Chen Fang', purpose: 'lab' }),
  at(4, 'integrity.check', 'C-1', 'C-1-E01', { scope: 'local', result: 'match', checker: 'Chen Fang', sha256: 'a'.repeat(64), size: '120' }),
];

describe('the cached ledger index', () => {
  it('fills page by page, then fetches only what is new, and keeps it across a reopen (a reload)', async () => {
    const name = `idx-${Math.random()}`;
    const db = new Workspace(name);
    const first = ledger('log.example/a', history.slice(0, 3));
    expect(await refreshIndex(db, first.fetchPage)).toEqual({ rebuilt: false, added: 3, size: 3 });
    expect(first.calls.map((c) => c?.size ?? null)).toEqual([null, 2]);
    const grown = ledger('log.example/a', history);
    expect(await refreshIndex(db, grown.fetchPage)).toEqual({ rebuilt: false, added: 2, size: 5 });
    expect(grown.calls[0]?.size).toBe(3);
    db.close();
    const again = new Workspace(name);
    expect((await again.ledgerEntries.toArray()).map((e) => e.index)).toEqual([0, 1, 2, 3, 4]);
    expect(await again.ledgerMeta.get('ledger')).toMatchObject({ origin: 'log.example/a', size: 5, total: 5 });
    again.close();
  });

  it('throws the cache away and rebuilds it for a forked view or another log', async () => {
    const db = new Workspace(`idx-${Math.random()}`);
    await refreshIndex(db, ledger('log.example/a', history).fetchPage);
    // Same origin, but entry 1 differs: the cached mark is not a prefix of this view.
    const forked = [history[0]!, at(1, 'case.open', 'C-9', null, { caseId: 'C-9', title: 'Other', agency: 'X', description: '' })];
    expect(await refreshIndex(db, ledger('log.example/a', forked).fetchPage)).toEqual({ rebuilt: true, added: 2, size: 2 });
    expect((await db.ledgerEntries.toArray()).map((e) => e.caseId)).toEqual(['C-1', 'C-9']);
    const other = [at(0, 'case.open', 'Z-1', null, { caseId: 'Z-1', title: 'Z', agency: 'Z', description: '' })];
    expect(await refreshIndex(db, ledger('log.example/b', other).fetchPage)).toMatchObject({ rebuilt: true, size: 1 });
    expect(await db.ledgerEntries.toArray()).toEqual(other);
    expect((await db.ledgerMeta.get('ledger'))?.origin).toBe('log.example/b');
    db.close();
  });

  it('draws cases, exhibits and events from the cached entries', () => {
    expect(casesFromIndex(history).map((c) => [c.caseId, c.exhibits, c.openedBy.name])).toEqual([
      ['C-2', 0, 'Chen Fang'],
      ['C-1', 1, 'Li Wei'],
    ]);
    expect(casesFromIndex(history, 'INVOICES').map((c) => c.caseId)).toEqual(['C-1']);
    expect(casesFromIndex(history, 'nothing like it')).toEqual([]);
    expect(exhibitsFromIndex(history, 'C-1')).toMatchObject([{ exhibitId: 'C-1-E01', name: '照片.jpg', size: 120, holder: { name: 'Chen Fang' }, disposed: false }]);
    expect(eventsFromIndex([...history].reverse(), { caseId: 'C-1' }).map((e) => e.index)).toEqual([0, 1, 3, 4]);
    expect(eventsFromIndex(history, { exhibitId: 'C-1-E01' }).map((e) => e.type)).toEqual(['deposition', 'custody.transfer', 'integrity.check']);
  });
});

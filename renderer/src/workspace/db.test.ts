import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { Workspace, dropDraft, patchItem, readDraft, replaceDraftItems, saveDraft, suggestExhibitIds, workspace, type DraftItem, type IntakeDraft } from './db';

const draft = (caseId: string): IntakeDraft => ({
  caseId,
  phase: 'ready',
  batchId: null,
  dropped: ['a.jpg'],
  items: [],
  error: null,
  updatedAt: new Date().toISOString(),
});

describe('workspace', () => {
  it('keeps a draft across a re-open of the database (a reload)', async () => {
    const name = `ws-${Math.random()}`;
    const a = new Workspace(name);
    await a.drafts.put(draft('CASE-1'));
    a.close();
    const b = new Workspace(name);
    expect((await b.drafts.get('CASE-1'))?.dropped).toEqual(['a.jpg']);
    b.close();
  });
  it('suggests exhibit numbers that are not used yet', () => {
    expect(suggestExhibitIds('C1', 3, new Set(['C1-E02']))).toEqual(['C1-E01', 'C1-E03', 'C1-E04']);
  });
  it('saves a row edit alone and shows it on the draft; a replaced row list forgets old edits; dropping forgets all', async () => {
    const row = (index: number): DraftItem => ({
      index, name: `f${index}`, displayPath: `f${index}`, path: `/s/f${index}`, size: 1, sha256: 'a'.repeat(64), mediaType: null,
      error: null, duplicateOf: null, include: true, exhibitId: `C-E0${index + 1}`, description: '', seizedAt: '', seizedPlace: '', seizedBy: '', notes: '',
    });
    await saveDraft({ ...draft('CASE-2'), items: [row(0), row(1), row(2)] });
    await patchItem('CASE-2', 1, { description: 'second' });
    await patchItem('CASE-2', 1, { exhibitId: 'C-X' });
    // The draft record itself is not rewritten; the edit record holds both changes.
    expect((await workspace.drafts.get('CASE-2'))?.items[1]?.description).toBe('');
    const shown = await readDraft('CASE-2');
    expect(shown?.items.map((i) => [i.description, i.exhibitId])).toEqual([['', 'C-E01'], ['second', 'C-X'], ['', 'C-E03']]);
    // Row 1 removed, a new row takes index 1: it does not inherit row 1's edits; the kept rows keep theirs.
    await patchItem('CASE-2', 0, { notes: 'kept' });
    const kept = (await readDraft('CASE-2'))!.items.filter((i) => i.index !== 1);
    await replaceDraftItems('CASE-2', [...kept, { ...row(1), name: 'new' }]);
    const after = await readDraft('CASE-2');
    expect(after?.items.map((i) => [i.index, i.name, i.description, i.notes])).toEqual([[0, 'f0', '', 'kept'], [2, 'f2', '', ''], [1, 'new', '', '']]);
    await patchItem('CASE-2', 2, { description: 'x' });
    await dropDraft('CASE-2');
    expect(await readDraft('CASE-2')).toBeUndefined();
    expect(await workspace.draftEdits.where('caseId').equals('CASE-2').count()).toBe(0);
  });
});

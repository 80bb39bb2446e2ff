import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { Workspace, suggestExhibitIds, type IntakeDraft } from './db';

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
});

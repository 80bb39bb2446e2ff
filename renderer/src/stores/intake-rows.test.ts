// The intake draft's rows: rows from an intake result, a second drop added to a draft, and what the deposit takes.
import { describe, expect, it } from 'vitest';
import type { ExhibitSummary, IntakeItem } from '../../../app/contract/api';
import { draftItems, draftState, droppedNames, mergeDrop } from './intake-rows';

const item = (index: number, name: string, sha: string | null, error: IntakeItem['error'] = null): IntakeItem => ({
  index,
  root: 0,
  path: `/staging/${name}`,
  relPath: null,
  displayPath: name,
  name,
  kind: 'file',
  size: 10,
  mtime: null,
  ctime: null,
  hashes: sha ? { sha256: sha } : null,
  mediaType: null,
  error,
});

describe('draftItems', () => {
  it('suggests free exhibit numbers, flags duplicates in the drop and in the case, and excludes failures', () => {
    const a = 'a'.repeat(64);
    const b = 'b'.repeat(64);
    const existing = [{ exhibitId: 'C-E01', sha256: b } as ExhibitSummary];
    const rows = draftItems('C', [item(0, 'one', a), item(1, 'two', a), item(2, 'three', b), item(3, 'bad', null, { code: 'E_CHANGED', message: 'changed while read' })], existing, (i) => i.error?.message ?? '');
    expect(rows.map((r) => r.exhibitId)).toEqual(['C-E02', 'C-E03', 'C-E04', 'C-E05']);
    expect(rows.map((r) => r.duplicateOf)).toEqual([null, 'one', 'C-E01', null]);
    expect(rows.map((r) => r.include)).toEqual([true, false, false, false]);
    expect(rows[3]!.error).toBe('changed while read');
    // The code is kept, so the words follow a later language switch.
    expect(rows.map((r) => r.errorCode)).toEqual([null, null, null, 'E_CHANGED']);
  });
});

describe('draftState', () => {
  const a = 'a'.repeat(64);
  const b = 'b'.repeat(64);
  const c = 'c'.repeat(64);
  const rows = () => draftItems('C', [item(0, 'one', a), item(1, 'two', b), item(2, 'three', c)], [], () => '');
  it('sets aside a row the case already records with the same number and SHA-256, and deposits the rest', () => {
    // "one" was recorded as C-E01 just before a restart; the draft still holds it.
    const recorded = [{ exhibitId: 'C-E01', sha256: a, index: 4 } as ExhibitSummary];
    const s = draftState(rows(), recorded);
    expect([...s.recorded.keys()]).toEqual([0]);
    expect(s.recorded.get(0)?.index).toBe(4);
    expect(s.included.map((i) => i.name)).toEqual(['two', 'three']);
    expect(s.idProblems).toEqual([]);
  });
  it('still refuses a number the case holds for other bytes, an empty number and a number used twice', () => {
    const r = rows();
    r[2]!.exhibitId = 'C-E02';
    const s = draftState(r, [{ exhibitId: 'C-E01', sha256: c, index: 4 } as ExhibitSummary]);
    expect(s.recorded.size).toBe(0);
    expect(s.idProblems.map((i) => i.name)).toEqual(['one', 'two', 'three']);
    r[0]!.exhibitId = ' ';
    expect(draftState(r, []).idProblems.map((i) => i.name)).toEqual(['one', 'two', 'three']);
  });
});

describe('mergeDrop', () => {
  const a = 'a'.repeat(64);
  const b = 'b'.repeat(64);
  it('keeps the hashed rows of an earlier drop and numbers the new files past them, with row keys past theirs', () => {
    const first = draftItems('C', [item(0, 'one', a), item(1, 'bad', null, { code: 'E_CHANGED', message: 'changed' })], [], () => 'x');
    first[0]!.description = 'typed before the second drop';
    const rows = mergeDrop('C', first, [item(0, 'two', b), item(1, 'again', a)], [], () => '');
    expect(rows.map((r) => [r.index, r.name, r.exhibitId])).toEqual([
      [0, 'one', 'C-E01'],
      [1, 'two', 'C-E02'],
      [2, 'again', 'C-E03'],
    ]);
    expect(rows[0]!.description).toBe('typed before the second drop');
    // The same bytes as a kept row are a duplicate of it.
    expect(rows[2]!.duplicateOf).toBe('C-E01');
  });
});

describe('droppedNames', () => {
  it('names a dropped folder once and a loose file by its name', () => {
    const f = (name: string) => new File(['x'], name);
    expect(droppedNames([{ file: f('a.jpg'), relativePath: 'seized/a.jpg' }, { file: f('b.jpg'), relativePath: 'seized/sub/b.jpg' }, { file: f('c.pdf') }])).toEqual(['seized', 'c.pdf']);
  });
});

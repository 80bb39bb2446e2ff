// The pure parts of the intake and deposition screens: rows from an intake result, and the wizard's step.
import { describe, expect, it } from 'vitest';
import type { DepositionProgress, ExhibitSummary, IntakeItem } from '../../../app/contract/api';
import { draftItems, draftState } from './Intake';
import { wizardStep } from './DepositWizard';

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

describe('wizardStep', () => {
  const p = (step: DepositionProgress['step']): DepositionProgress => ({ depositionId: step, exhibitId: 'x', step, bytesDone: 0, bytesTotal: 1, signedBy: [], entryIndex: null, cosigners: [], error: null, resumedFrom: null });
  it('follows the slowest exhibit and finishes only when all are witnessed', () => {
    expect(wizardStep([], 2)).toBe(1);
    expect(wizardStep([p('signed')], 2)).toBe(2);
    expect(wizardStep([p('countersigned'), p('recorded')], 2)).toBe(3);
    expect(wizardStep([p('witnessed'), p('recorded')], 2)).toBe(4);
    expect(wizardStep([p('witnessed'), p('witnessed')], 2)).toBe(6);
    expect(wizardStep([p('witnessed'), p('failed')], 2)).toBe(2);
  });
});

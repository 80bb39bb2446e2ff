// The deposition wizard's pure parts: the request made from a draft's rows, and the step the wizard shows.
import { describe, expect, it } from 'vitest';
import type { DepositionProgress } from '../../../app/contract/api';
import type { DraftItem } from '../workspace/db';
import { depositItems, wizardStep } from './deposition';

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

describe('depositItems', () => {
  it('trims the exhibit number and leaves out the metadata fields left empty', () => {
    const row: DraftItem = { index: 0, name: 'a.jpg', displayPath: 'a.jpg', path: '/staging/a.jpg', size: 3, sha256: 'a'.repeat(64), mediaType: null, error: null, duplicateOf: null, include: true, exhibitId: ' C-E01 ', description: 'desk photo', seizedAt: '', seizedPlace: 'office 2', seizedBy: '', notes: '' };
    expect(depositItems([row])).toEqual([{ exhibitId: 'C-E01', path: '/staging/a.jpg', name: 'a.jpg', size: 3, sha256: 'a'.repeat(64), metadata: { description: 'desk photo', seizedPlace: 'office 2' } }]);
  });
});

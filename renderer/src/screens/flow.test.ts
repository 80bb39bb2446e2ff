// The pure parts of the intake and deposition screens: rows from an intake result, and the wizard's step.
import { describe, expect, it } from 'vitest';
import type { DepositionProgress } from '../../../app/contract/api';
import { wizardStep } from './DepositWizard';

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

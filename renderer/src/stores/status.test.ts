// The status strip's store: a fork alarm is only ever added (once per message), the activity shows and clears,
// and reset.
import { afterEach, describe, expect, it } from 'vitest';
import { statusActions, statusStore } from './status';

afterEach(() => statusActions.reset());

describe('status store', () => {
  it('adds each fork alarm once and never removes one', () => {
    statusActions.addFork({ message: 'two roots at size 7', detectedAt: '2026-11-27T10:00:00Z' });
    statusActions.addFork({ message: 'two roots at size 7', detectedAt: '2026-11-27T10:05:00Z' });
    statusActions.addFork({ message: 'two roots at size 9', detectedAt: '2026-11-27T10:06:00Z' });
    statusActions.setSync({ size: 9, finalAt: null, syncing: false, state: 'fork', target: null });
    expect(statusStore.getState().forks.map((f) => f.message)).toEqual(['two roots at size 7', 'two roots at size 9']);
  });

  it('shows the running activity until it is cleared, and resets', () => {
    statusActions.setActivity({ kind: 'intake', label: 'seized', bytesDone: 1, bytesTotal: 2, rate: 1, etaSeconds: 1 });
    expect(statusStore.getState().activity?.label).toBe('seized');
    statusActions.setActivity(undefined);
    expect(statusStore.getState().activity).toBeUndefined();
    statusActions.addFork({ message: 'm', detectedAt: '2026-11-27T10:00:00Z' });
    statusActions.reset();
    expect(statusStore.getState()).toEqual({ sync: undefined, activity: undefined, forks: [] });
  });
});

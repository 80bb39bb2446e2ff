// The checkpoints store: nothing read while the ledger is unavailable, and reset.
import { afterEach, describe, expect, it } from 'vitest';
import { checkpointsActions, checkpointsStore } from './checkpoints';

afterEach(() => checkpointsActions.reset());

describe('checkpoints store', () => {
  it('reads no checkpoints while the ledger is unavailable', async () => {
    const detach = checkpointsActions.attach();
    await checkpointsActions.load();
    expect(checkpointsStore.getState()).toEqual({ checkpoints: undefined, error: undefined });
    detach();
  });
});

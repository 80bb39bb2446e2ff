// The Ledger screen's store: the verified ledger's checkpoints (its blocks), read again as the ledger changes
// while it is available. The ledger's own state (size, parties, forks) is in ledger.ts. React-free (zustand/vanilla).
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { CheckpointView } from '../../../app/contract/api';
import { failureOf, unwrap, ws } from '../host';
import type { Failure } from '../i18n/text';
import { ledgerStore } from './ledger';

export interface CheckpointsState {
  checkpoints: CheckpointView[] | undefined;
  error: Failure | undefined;
}

const initial = (): CheckpointsState => ({ checkpoints: undefined, error: undefined });

export const checkpointsStore = createStore<CheckpointsState>()(() => initial());

let session = { off: () => undefined as void, load: 0 };

export const checkpointsActions = {
  reset(): void {
    session.off();
    session = { off: () => undefined, load: 0 };
    checkpointsStore.setState(initial(), true);
  },

  /** Reads the checkpoints now and on each ledger change, while the ledger is available; returns the reset. */
  attach(): () => void {
    checkpointsActions.reset();
    session.off = ledgerStore.subscribe((s, prev) => {
      if (s.revision !== prev.revision || s.status?.available !== prev.status?.available) void checkpointsActions.load();
    });
    void checkpointsActions.load();
    return () => checkpointsActions.reset();
  },

  async load(): Promise<void> {
    if (!ledgerStore.getState().status?.available) return;
    const s = session;
    const n = ++s.load;
    try {
      const checkpoints = await unwrap(ws().ledger.checkpoints());
      if (s === session && n === s.load) checkpointsStore.setState({ checkpoints });
    } catch (err) {
      if (s === session && n === s.load) checkpointsStore.setState({ error: failureOf(err) });
    }
  },
};

export function useCheckpoints<T>(selector: (s: CheckpointsState) => T): T {
  return useStore(checkpointsStore, selector);
}

// A counter bumped whenever the host says the ledger changed, so screens re-query what they show.
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { LedgerStatus } from '../../../app/contract/api';

export interface LedgerState {
  status: LedgerStatus | undefined;
  revision: number;
}

export const ledgerStore = createStore<LedgerState>()(() => ({ status: undefined, revision: 0 }));

export const ledgerActions = {
  reset(): void {
    ledgerStore.setState({ status: undefined, revision: 0 }, true);
  },
  changed(status: LedgerStatus | undefined): void {
    ledgerStore.setState((s) => ({ status: status ?? s.status, revision: s.revision + 1 }));
  },
};

export function useLedger<T>(selector: (s: LedgerState) => T): T {
  return useStore(ledgerStore, selector);
}

// The status strip's store: ledger sync state, the running intake or upload, and fork alarms. A fork alarm is
// only ever added; nothing in the UI removes it (docs/UI.md: "it never hides").
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { HostText } from '../../../app/contract/api';

export interface SyncState {
  /** Entries in the verified tree. */
  size: number;
  /** Time of the last checkpoint that reached the witness quorum, if any. */
  finalAt: string | null;
  /** True while the mirror is fetching. */
  syncing: boolean;
  /** The host's sync state (standalone: local), and the size being synced to. */
  state: SyncStateName;
  target: number | null;
}

export type SyncStateName = 'local' | 'empty' | 'syncing' | 'synced' | 'behind' | 'unreachable' | 'fork' | 'halted' | 'misconfigured';

export interface Activity {
  kind: 'intake' | 'upload';
  label: string;
  bytesDone: number;
  bytesTotal: number;
  rate: number;
  etaSeconds: number | null;
}

export interface ForkAlarm {
  /** What conflicts, in words (two checkpoints of the same size with different roots, …), in English. */
  message: string;
  detectedAt: string;
  /** The same as a code and values, said in the UI's language. */
  reason?: HostText | null;
}

export interface StatusState {
  sync: SyncState | undefined;
  activity: Activity | undefined;
  forks: ForkAlarm[];
}

const initial = (): StatusState => ({ sync: undefined, activity: undefined, forks: [] });

export const statusStore = createStore<StatusState>()(() => initial());

export const statusActions = {
  reset(): void {
    statusStore.setState(initial(), true);
  },
  setSync(sync: SyncState): void {
    statusStore.setState({ sync });
  },
  setActivity(activity: Activity | undefined): void {
    statusStore.setState({ activity });
  },
  addFork(alarm: ForkAlarm): void {
    statusStore.setState((s) => (s.forks.some((f) => f.message === alarm.message) ? s : { forks: [...s.forks, alarm] }));
  },
};

export function useStatus<T>(selector: (s: StatusState) => T): T {
  return useStore(statusStore, selector);
}

// The unlock screen's store: the unlock call's busy state and the host's refusal. React-free (zustand/vanilla).
// The officer picked and the passphrase stay in the screen's form (a passphrase never enters a store).
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { failureOf, unwrap, ws } from '../host';
import type { Failure } from '../i18n/text';
import { identityActions } from './identity';

export interface UnlockState {
  busy: boolean;
  error: Failure | undefined;
}

const initial = (): UnlockState => ({ busy: false, error: undefined });

export const unlockStore = createStore<UnlockState>()(() => initial());

export const unlockActions = {
  reset(): void {
    unlockStore.setState(initial(), true);
  },

  /** Unlocks an officer's key for signing; true when unlocked (the identity store then has the officer). */
  async unlock(v: { keyId: string; passphrase: string }): Promise<boolean> {
    unlockStore.setState({ busy: true, error: undefined });
    try {
      identityActions.set(await unwrap(ws().identity.unlock(v)));
      return true;
    } catch (err) {
      unlockStore.setState({ error: failureOf(err) });
      return false;
    } finally {
      unlockStore.setState({ busy: false });
    }
  },
};

export function useUnlock<T>(selector: (s: UnlockState) => T): T {
  return useStore(unlockStore, selector);
}

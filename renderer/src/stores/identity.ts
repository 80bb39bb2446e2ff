// Who is at the workstation: the identities whose keystores are here and the one unlocked for signing. Only
// public information (name, badge, key id, public key) ever reaches the renderer.
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { IdentityInfo, IdentityStatus } from '../../../app/contract/api';

export type IdentityLike = Pick<IdentityInfo, 'name' | 'badge' | 'keyId'>;

export interface IdentityState {
  status: IdentityStatus | undefined;
}

export const identityStore = createStore<IdentityState>()(() => ({ status: undefined }));

export const identityActions = {
  reset(): void {
    identityStore.setState({ status: undefined }, true);
  },
  set(status: IdentityStatus): void {
    identityStore.setState({ status });
  },
};

export function useIdentity<T>(selector: (s: IdentityState) => T): T {
  return useStore(identityStore, selector);
}

// The identity store: who is at the workstation, as the host says, and reset.
import { afterEach, describe, expect, it } from 'vitest';
import type { IdentityInfo } from '../../../app/contract/api';
import { identityActions, identityStore } from './identity';

afterEach(() => identityActions.reset());

describe('identity store', () => {
  it('holds the host’s identity status and resets to unknown', () => {
    const officer: IdentityInfo = { keyId: 'a'.repeat(32), publicKey: `02${'b'.repeat(64)}`, name: 'Li Wei', badge: 'PB-1', role: 'investigator', createdAt: '2026-11-27T10:00:00Z' };
    identityActions.set({ unlocked: null, identities: [officer] });
    expect(identityStore.getState().status?.identities.map((i) => i.name)).toEqual(['Li Wei']);
    identityActions.reset();
    expect(identityStore.getState().status).toBeUndefined();
  });
});

// The first-run store: where it starts, the choices kept, an identity made (or refused) and reset.
import { afterEach, describe, expect, it } from 'vitest';
import type { IdentityInfo, Settings } from '../../../app/contract/api';
import { HostCallError } from '../host';
import { appActions } from './app';
import { firstRunActions, firstRunStore } from './first-run';
import { identityActions, identityStore } from './identity';

const settings = (mode: Settings['mode']): Settings => ({ version: 1, language: 'en', mode, network: { ledgerUrl: null, providerUrl: null, logKey: null, providerKey: null, witnesses: [], witnessQuorum: 0 } });
const officer: IdentityInfo = { keyId: 'a'.repeat(32), publicKey: `02${'b'.repeat(64)}`, name: 'Li Wei', badge: 'PB-1', role: 'investigator', createdAt: '2026-11-27T10:00:00Z' };

afterEach(() => {
  firstRunActions.reset();
  appActions.reset();
  identityActions.reset();
});

describe('first-run store', () => {
  it('starts at the mode step on a new workstation, and at the identity step once a mode is set or for another officer', () => {
    firstRunActions.begin(false);
    expect(firstRunStore.getState().step).toBe(0);
    firstRunActions.begin(true);
    expect(firstRunStore.getState().step).toBe(1);
    appActions.setSettings(settings('standalone'));
    firstRunActions.begin(false);
    expect(firstRunStore.getState().step).toBe(1);
  });

  it('keeps the mode, the tab and the keystore picked', () => {
    firstRunActions.chooseMode('network');
    firstRunActions.chooseTab('import');
    firstRunActions.pickKeystore({ name: 'li.keystore.json', text: '{"version":1}' });
    expect(firstRunStore.getState()).toMatchObject({ mode: 'network', tab: 'import', keystore: { name: 'li.keystore.json' } });
  });

  it('says a keystore must be picked before an import, and stays at the identity step', async () => {
    firstRunActions.begin(true);
    await firstRunActions.importKeystore('a long passphrase');
    expect(firstRunStore.getState()).toMatchObject({ step: 1, busy: false, error: { code: 'NO_FILE' } });
  });

  it('shows the identity made at the done step and tells the identity store; a refusal keeps the host’s error', async () => {
    firstRunActions.begin(true);
    await firstRunActions.identityMade(() => Promise.reject(new HostCallError({ code: 'E_KEYSTORE_PASSPHRASE', message: 'wrong passphrase' })));
    expect(firstRunStore.getState()).toMatchObject({ step: 1, busy: false, error: { code: 'E_KEYSTORE_PASSPHRASE', message: 'wrong passphrase' } });
    const status = { unlocked: officer, identities: [officer] };
    const made = firstRunActions.identityMade(() => Promise.resolve(status));
    expect(firstRunStore.getState()).toMatchObject({ busy: true, error: undefined });
    await made;
    expect(firstRunStore.getState()).toMatchObject({ step: 2, busy: false, created: status });
    expect(identityStore.getState().status).toBe(status);
  });

  it('resets to the start; the begin’s returned function resets too', () => {
    const end = firstRunActions.begin(true);
    firstRunActions.chooseMode('network');
    end();
    expect(firstRunStore.getState()).toEqual({ step: 0, mode: 'standalone', tab: 'create', keystore: undefined, created: undefined, busy: false, error: undefined });
  });
});

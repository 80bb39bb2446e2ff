// The unlock store: idle until used, and reset.
import { afterEach, describe, expect, it } from 'vitest';
import { unlockActions, unlockStore } from './unlock';

afterEach(() => unlockActions.reset());
describe('unlock store', () => {
  it('starts idle and resets to idle', () => {
    unlockStore.setState({ busy: true, error: { code: 'E_KEYSTORE_PASSPHRASE', message: 'wrong passphrase' } });
    unlockActions.reset();
    expect(unlockStore.getState()).toEqual({ busy: false, error: undefined });
  });
});

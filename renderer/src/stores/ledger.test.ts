// The ledger store: each ledger change bumps the revision the screens re-read on, and reset.
import { afterEach, describe, expect, it } from 'vitest';
import { ledgerActions, ledgerStore } from './ledger';

afterEach(() => ledgerActions.reset());

describe('ledger store', () => {
  it('bumps the revision on every change and keeps the last status when a change brings none', () => {
    ledgerActions.changed(undefined);
    expect(ledgerStore.getState()).toEqual({ status: undefined, revision: 1 });
    ledgerActions.reset();
    expect(ledgerStore.getState()).toEqual({ status: undefined, revision: 0 });
  });
});

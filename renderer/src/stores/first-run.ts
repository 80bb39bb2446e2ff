// The first-run store: the step (mode → identity → done), the mode chosen, create or import, the keystore file
// picked, the identity made, and the running call's busy state and failure. React-free (zustand/vanilla). The
// forms' fields stay in the screen's antd forms (a passphrase never enters a store); the screen validates them and
// hands the values to these actions.
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import i18next from 'i18next';
import type { IdentityStatus, Mode, OfficerRole } from '../../../app/contract/api';
import { failureOf, HostCallError, unwrap, ws } from '../host';
import type { Failure } from '../i18n/text';
import { appActions, appStore } from './app';
import { identityActions } from './identity';
import { networkPatch, type NetworkForm } from './network-form';

export type FirstRunStep = 0 | 1 | 2;

export interface FirstRunState {
  /** 0: choose the mode, 1: create or import an identity, 2: done. */
  step: FirstRunStep;
  mode: Mode;
  /** The identity step's tab. */
  tab: 'create' | 'import';
  /** The keystore file picked for import (an encrypted keystore). */
  keystore: { name: string; text: string } | undefined;
  /** The identity created or imported (step 2 shows it). */
  created: IdentityStatus | undefined;
  busy: boolean;
  error: Failure | undefined;
}

const initial = (): FirstRunState => ({ step: 0, mode: 'standalone', tab: 'create', keystore: undefined, created: undefined, busy: false, error: undefined });

export const firstRunStore = createStore<FirstRunState>()(() => initial());

const get = () => firstRunStore.getState();
const set = (patch: Partial<FirstRunState>) => firstRunStore.setState(patch);

/** Runs a host call with the busy mark; its failure is kept. */
async function run<T>(call: () => Promise<T>): Promise<T | undefined> {
  set({ busy: true, error: undefined });
  try {
    return await call();
  } catch (err) {
    set({ error: failureOf(err) });
    return undefined;
  } finally {
    set({ busy: false });
  }
}

export const firstRunActions = {
  reset(): void {
    firstRunStore.setState(initial(), true);
  },

  /** Starts the first run: at the identity step when only an officer is added, or the mode is chosen already. */
  begin(identityOnly: boolean): () => void {
    firstRunActions.reset();
    set({ step: identityOnly || appStore.getState().settings?.mode ? 1 : 0 });
    return () => firstRunActions.reset();
  },

  chooseMode(mode: Mode): void {
    set({ mode });
  },

  /** Saves the mode (with the network parties, for network mode) and goes on to the identity step. */
  async saveMode(network: NetworkForm | undefined): Promise<void> {
    const mode = get().mode;
    const done = await run(async () => {
      appActions.setSettings(await unwrap(ws().settings.update(mode === 'network' ? { mode, network: networkPatch(network ?? {}) } : { mode })));
      appActions.setInfo(await unwrap(ws().app.info()));
      return true;
    });
    if (done) set({ step: 1, error: undefined });
  },

  chooseTab(tab: FirstRunState['tab']): void {
    set({ tab });
  },

  pickKeystore(keystore: { name: string; text: string }): void {
    set({ keystore });
  },

  /** Creates an identity: a new key in a keystore sealed with the passphrase. */
  create(v: { name: string; badge: string; role: OfficerRole; passphrase: string }): Promise<void> {
    return firstRunActions.identityMade(() => unwrap(ws().identity.create({ name: v.name, badge: v.badge, role: v.role, passphrase: v.passphrase })));
  },

  /** Imports the picked keystore, opened with its passphrase. */
  importKeystore(passphrase: string): Promise<void> {
    return firstRunActions.identityMade(() => {
      const keystore = get().keystore;
      if (!keystore) throw new HostCallError({ code: 'NO_FILE', message: i18next.t('firstRun.keystorePick') });
      return unwrap(ws().identity.import({ keystore: keystore.text, passphrase }));
    });
  },

  async identityMade(call: () => Promise<IdentityStatus>): Promise<void> {
    const status = await run(call);
    if (!status) return;
    identityActions.set(status);
    set({ created: status, step: 2 });
  },
};

export function useFirstRun<T>(selector: (s: FirstRunState) => T): T {
  return useStore(firstRunStore, selector);
}

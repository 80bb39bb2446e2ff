// The app store: settings set the language, where the person is (screen, open case), the first-run gate, reset.
import { afterEach, describe, expect, it } from 'vitest';
import type { Settings } from '../../../app/contract/api';
import { appActions, appStore } from './app';

afterEach(() => appActions.reset());

describe('app store', () => {
  it('takes the language from the settings', () => {
    const settings: Settings = { version: 1, language: 'zh-CN', mode: 'standalone', network: { ledgerUrl: null, providerUrl: null, logKey: null, providerKey: null, witnesses: [], witnessQuorum: 0 } };
    appActions.setSettings(settings);
    expect(appStore.getState()).toMatchObject({ settings, language: 'zh-CN' });
  });

  it('opens a case in the Cases screen, keeps it across other screens, and closes it when the Cases rail item is picked', () => {
    appActions.openCase('C-1');
    expect(appStore.getState()).toMatchObject({ screen: 'cases', caseId: 'C-1' });
    appActions.go('intake');
    expect(appStore.getState()).toMatchObject({ screen: 'intake', caseId: 'C-1' });
    appActions.go('cases');
    expect(appStore.getState()).toMatchObject({ screen: 'cases', caseId: undefined });
  });

  it('keeps the first run shown until it is finished, for setting up and for another officer', () => {
    appActions.setupNeeded();
    appActions.addOfficer();
    expect(appStore.getState()).toMatchObject({ settingUp: true, addingOfficer: true });
    appActions.setupFinished();
    expect(appStore.getState()).toMatchObject({ settingUp: false, addingOfficer: false });
  });

  it('resets to the Cases screen with nothing known', () => {
    appActions.setFatal({ code: 'NO_HOST', message: 'no token' });
    appActions.go('ledger');
    appActions.reset();
    expect(appStore.getState()).toEqual({ info: undefined, settings: undefined, fatal: undefined, screen: 'cases', caseId: undefined, language: 'en', settingUp: false, addingOfficer: false });
  });
});

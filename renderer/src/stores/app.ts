// The app store: what the host told us (app info, settings), where the person is (screen, open case), and the
// last host error to show. React-free core (zustand/vanilla) so it is tested in Node; `useApp` is the hook.
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { AppInfo, ContractError, Language, Settings } from '../../../app/contract/api';

export type Screen = 'cases' | 'intake' | 'ledger' | 'reports' | 'settings';

export interface AppState {
  info: AppInfo | undefined;
  settings: Settings | undefined;
  /** A failure that stops the whole app (no host, no token). */
  fatal: ContractError | undefined;
  screen: Screen;
  /** The case open in the Cases screen, if any. */
  caseId: string | undefined;
  /** The language shown before settings arrive (the browser's). */
  language: Language;
  /** The first run is shown: set up needed, kept until the person opens the workstation, even once an identity exists. */
  settingUp: boolean;
  /** The first run is shown from the unlock screen to add another officer. */
  addingOfficer: boolean;
}

const initial = (): AppState => ({
  info: undefined,
  settings: undefined,
  fatal: undefined,
  screen: 'cases',
  caseId: undefined,
  language: 'en',
  settingUp: false,
  addingOfficer: false,
});

export const appStore = createStore<AppState>()(() => initial());

export const appActions = {
  reset(): void {
    appStore.setState(initial(), true);
  },
  setInfo(info: AppInfo): void {
    appStore.setState({ info });
  },
  setSettings(settings: Settings): void {
    appStore.setState({ settings, language: settings.language });
  },
  setFatal(fatal: ContractError | undefined): void {
    appStore.setState({ fatal });
  },
  go(screen: Screen): void {
    appStore.setState({ screen, ...(screen === 'cases' ? { caseId: undefined } : {}) });
  },
  openCase(caseId: string): void {
    appStore.setState({ screen: 'cases', caseId });
  },
  /** The workstation needs setting up (no mode, or no identity): the first run shows until it is finished. */
  setupNeeded(): void {
    appStore.setState({ settingUp: true });
  },
  /** "Set up another officer" on the unlock screen. */
  addOfficer(): void {
    appStore.setState({ addingOfficer: true });
  },
  /** The person opened the workstation at the end of the first run. */
  setupFinished(): void {
    appStore.setState({ settingUp: false, addingOfficer: false });
  },
};

export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(appStore, selector);
}

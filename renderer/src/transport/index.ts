// The one way the UI reaches the host: `window.workstation` from Electron's preload, or the same API built over
// HTTP + WebSocket when the page is served by `evidence serve`.
import type { ShellApi, WorkstationApi } from '../../../app/contract/api';
import { connectWebHost, takeToken } from './web';

export type Workstation = WorkstationApi & { shell: ShellApi<File> };

declare global {
  interface Window {
    workstation?: Workstation;
  }
}

let instance: Workstation | undefined;

export class NoHostError extends Error {
  readonly code = 'NO_HOST';
  constructor() {
    super('This page has no workstation token. Open the exact address `evidence serve` printed, including the part after #.');
    this.name = 'NoHostError';
  }
}

export function getWorkstation(): Workstation {
  if (instance !== undefined) return instance;
  if (window.workstation !== undefined) return (instance = window.workstation);
  const token = takeToken(window.location, window.sessionStorage, window.history);
  if (token === undefined) throw new NoHostError();
  instance = connectWebHost({ origin: window.location.origin, token });
  // The same global as in Electron, so that anything written against `window.workstation` works in both.
  window.workstation = instance;
  return instance;
}

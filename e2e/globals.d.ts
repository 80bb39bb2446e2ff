// `window.workstation` as the page sees it (the renderer declares the same in renderer/src/transport), for code
// the specs run inside the page.
import type { ShellApi, WorkstationApi } from '../app/contract/api';

declare global {
  interface Window {
    workstation?: WorkstationApi & { shell: ShellApi<File> };
  }
}

export {};

// The application menu. Commands that belong to the UI (new case, add evidence, print report) are sent to the
// renderer as the contract's `onMenuCommand` event; the rest are carried out here.
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../app/contract/api';

export interface MenuActions {
  command(command: MenuCommand['command']): void;
  about(): void;
  openDataFolder(): void;
  openLogs(): void;
  isMac: boolean;
  isPackaged: boolean;
}

export function menuTemplate(a: MenuActions): MenuItemConstructorOptions[] {
  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'New Case…', accelerator: 'CmdOrCtrl+N', click: () => a.command('case.new') },
      { label: 'Add Evidence…', accelerator: 'CmdOrCtrl+O', click: () => a.command('evidence.add') },
      { type: 'separator' },
      { label: 'Print Report…', accelerator: 'CmdOrCtrl+P', click: () => a.command('report.print') },
      { type: 'separator' },
      { label: 'Settings…', accelerator: 'CmdOrCtrl+,', click: () => a.command('settings.open') },
      { type: 'separator' },
      a.isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
  };
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      ...(a.isPackaged ? [] : ([{ type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' }] as MenuItemConstructorOptions[])),
    ],
  };
  const help: MenuItemConstructorOptions = {
    role: 'help',
    label: '&Help',
    submenu: [
      { label: 'About Evidence Ledger Workstation', click: () => a.about() },
      { type: 'separator' },
      { label: 'Open Data Folder', click: () => a.openDataFolder() },
      { label: 'Open Logs Folder', click: () => a.openLogs() },
    ],
  };
  const appMenu: MenuItemConstructorOptions[] = a.isMac ? [{ role: 'appMenu' }] : [];
  return [...appMenu, file, edit, view, help];
}

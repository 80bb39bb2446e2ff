// Preload: tiny, exposes one object (Signal Desktop's pattern). `window.workstation` is generated from the
// contract's method and event lists; the renderer never sees ipcRenderer or an IPC event object.
import '../app/contract/jitless';
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { buildWorkstationApi, type DroppedItem, type ShellApi } from '../app/contract/api';
import { eventChannel, methodChannel } from './channels';

const api = buildWorkstationApi(
  (method, args) => ipcRenderer.invoke(methodChannel(method), args),
  (event, listener) => {
    const handler = (_e: unknown, payload: unknown) => listener(payload);
    ipcRenderer.on(eventChannel(event), handler);
    return () => {
      ipcRenderer.removeListener(eventChannel(event), handler);
    };
  },
);

/**
 * The host path of a dropped item: the file's own path, or — for a file found inside a dropped folder
 * (`relativePath` `phone/DCIM/a.jpg`) — the path of that top folder, so that the folder is taken as one exhibit
 * as in the web host. String work only: a sandboxed preload has no node:path.
 */
export function topLevelPath(filePath: string, relativePath: string | undefined): string {
  if (filePath === '' || relativePath === undefined || !relativePath.includes('/')) return filePath;
  let top = filePath;
  for (let n = relativePath.split('/').length - 1; n > 0; n--) {
    const cut = Math.max(top.lastIndexOf('/'), top.lastIndexOf('\\'));
    if (cut <= 0) return filePath;
    top = top.slice(0, cut);
  }
  return top;
}

const shell: ShellApi<File> = {
  kind: 'electron',
  // A dropped file or folder is already on this computer: its path is all intake needs.
  async stageFiles(items: DroppedItem<File>[]) {
    const paths = [
      ...new Set(items.map((item) => topLevelPath(webUtils.getPathForFile(item.file), item.relativePath)).filter((p) => p !== '')),
    ];
    if (paths.length === 0) {
      return { ok: false, error: { code: 'NO_PATH', message: 'The dropped items are not files on this computer. Drop files or folders from a disk.' } };
    }
    return { ok: true, value: { paths } };
  },
};

contextBridge.exposeInMainWorld('workstation', { ...api, shell });

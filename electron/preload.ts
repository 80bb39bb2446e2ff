// Preload: tiny, exposes one object (Signal Desktop's pattern). `window.workstation` is generated from the
// contract's method and event lists; the renderer never sees ipcRenderer or an IPC event object.
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

const shell: ShellApi<File> = {
  kind: 'electron',
  // A dropped file or folder is already on this computer: its path is all intake needs.
  async stageFiles(items: DroppedItem<File>[]) {
    const paths = items.map((item) => webUtils.getPathForFile(item.file)).filter((p) => p !== '');
    if (paths.length === 0) {
      return { ok: false, error: { code: 'NO_PATH', message: 'The dropped items are not files on this computer. Drop files or folders from a disk.' } };
    }
    return { ok: true, value: { paths } };
  },
};

contextBridge.exposeInMainWorld('workstation', { ...api, shell });

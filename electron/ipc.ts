// The Electron adapter: one `ipcMain.handle` per contract method, generated from the contract's method list
// (no hand-written handler per call). Each call is checked to come from the app's own top-level page before its
// argument is parsed by the contract's schema (in WorkstationHost.call) and reaches a service. Host events are
// pushed to the window with `webContents.send`.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { AdapterErrorCode, methodNames, type Envelope, type EventName } from '../app/contract/api';
import type { WorkstationHost } from '../app/host/host';
import { fail } from '../app/host/dispatch';
import { eventChannel, methodChannel } from './channels';

export type HostLike = Pick<WorkstationHost, 'call' | 'onEvent' | 'log'>;

/**
 * True when `url` is on `allowed`'s origin. Compared by parts, because Node's URL gives `origin === 'null'` for
 * non-special schemes such as our `app:`.
 */
export function isSameOrigin(url: string, allowed: URL): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return u.protocol === allowed.protocol && u.hostname === allowed.hostname && u.port === allowed.port;
}

/** The sender must be a live top-level frame showing a page of the app's own origin. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>, appOrigin: URL): boolean {
  const frame = event.senderFrame;
  if (frame === null || frame === undefined) return false;
  if (frame.parent !== null) return false;
  return isSameOrigin(frame.url, appOrigin);
}

export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  host: HostLike,
  appOrigin: URL,
): () => void {
  for (const method of methodNames) {
    ipcMain.handle(methodChannel(method), async (event, args: unknown): Promise<Envelope<unknown>> => {
      if (!isTrustedSender(event, appOrigin)) {
        host.log.warn(`ipc: refused ${method} from ${JSON.stringify(event.senderFrame?.url ?? '(no frame)')}`);
        return fail(AdapterErrorCode.FORBIDDEN_ORIGIN, `${method} was refused: it did not come from the workstation's own page.`);
      }
      return host.call(method, args);
    });
  }
  return () => {
    for (const method of methodNames) ipcMain.removeHandler(methodChannel(method));
  };
}

/** Pushes every host event to `target()` (the main window, while it exists), in order. */
export function forwardEvents(
  host: HostLike,
  target: () => Pick<WebContents, 'send' | 'isDestroyed'> | undefined,
): () => void {
  return host.onEvent((event: EventName, payload) => {
    const contents = target();
    if (contents !== undefined && !contents.isDestroyed()) contents.send(eventChannel(event), payload);
  });
}

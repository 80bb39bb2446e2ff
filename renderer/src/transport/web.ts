// The web transport: builds the same `window.workstation` API as Electron's preload, over HTTP POST
// `/api/<method>` and the `/events` WebSocket of `evidence serve` (app/web/server.ts). Browser-only code.
import {
  AdapterErrorCode,
  buildWorkstationApi,
  isEventName,
  type DroppedItem,
  type Envelope,
  type EventName,
  type ShellApi,
  type WorkstationApi,
} from '../../../app/contract/api';

/** Files uploaded to the host's staging folder at once (browsers allow 6 connections per host). */
const STAGE_UPLOADS = 4;

export const EVENTS_SUBPROTOCOL = 'workstation.v1';
export const TOKEN_SUBPROTOCOL_PREFIX = 'token.';

export interface WebTransportOptions {
  /** e.g. `http://127.0.0.1:5173` */
  origin: string;
  token: string;
}

function transportError(message: string): Envelope<never> {
  return { ok: false, error: { code: AdapterErrorCode.TRANSPORT, message } };
}

function isEnvelope(x: unknown): x is Envelope<unknown> {
  return typeof x === 'object' && x !== null && typeof (x as { ok?: unknown }).ok === 'boolean';
}

export function connectWebHost(options: WebTransportOptions): WorkstationApi & { shell: ShellApi<File> } {
  const { origin, token } = options;
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let socket: WebSocket | undefined;
  let retry = 0;

  const openSocket = (): void => {
    const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/events`, [
      EVENTS_SUBPROTOCOL,
      `${TOKEN_SUBPROTOCOL_PREFIX}${token}`,
    ]);
    socket = ws;
    ws.onopen = () => {
      retry = 0;
    };
    ws.onmessage = (message) => {
      const data = JSON.parse(String(message.data)) as { event: string; payload: unknown };
      if (!isEventName(data.event)) return;
      for (const listener of listeners.get(data.event) ?? []) listener(data.payload);
    };
    ws.onclose = (e) => {
      socket = undefined;
      // 4401: the host refused our token; retrying cannot help.
      if (e.code === 4401) return;
      retry = Math.min(retry + 1, 6);
      setTimeout(openSocket, 250 * 2 ** retry);
    };
  };

  const api = buildWorkstationApi(
    async (method, args) => {
      let response: Response;
      try {
        response = await fetch(`${origin}/api/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify(args ?? {}),
        });
      } catch {
        return transportError('The workstation host does not answer. Check that `evidence serve` is still running.');
      }
      const body: unknown = await response.json().catch(() => undefined);
      if (isEnvelope(body)) return body;
      return transportError(`The workstation host answered ${response.status} without a result. Restart it and reload.`);
    },
    (event, listener) => {
      let set = listeners.get(event);
      if (set === undefined) listeners.set(event, (set = new Set()));
      set.add(listener);
      if (socket === undefined) openSocket();
      return () => {
        set.delete(listener);
      };
    },
  );

  const upload = (item: DroppedItem<File>, batch: string, onProgress: (loaded: number) => void) =>
    new Promise<Envelope<{ path: string; batchDir: string }>>((resolve) => {
      const xhr = new XMLHttpRequest();
      const rel = item.relativePath ?? item.file.name;
      xhr.open('POST', `${origin}/upload?batch=${encodeURIComponent(batch)}&path=${encodeURIComponent(rel)}`);
      xhr.setRequestHeader('Authorization', `Bearer ${token}`);
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.upload.onprogress = (e) => onProgress(e.loaded);
      xhr.onload = () => {
        try {
          const body: unknown = JSON.parse(xhr.responseText);
          resolve(isEnvelope(body) ? (body as Envelope<{ path: string; batchDir: string }>) : transportError('The upload got no answer.'));
        } catch {
          resolve(transportError(`The upload of ${rel} got an unreadable answer (${xhr.status}).`));
        }
      };
      xhr.onerror = () => resolve(transportError(`The upload of ${rel} failed. Check that the host is running and drop it again.`));
      xhr.send(item.file);
    });

  const shell: ShellApi<File> = {
    kind: 'web',
    // The browser cannot give the host a path, so the files are uploaded to the host's staging folder; the UI
    // gets back one host path per dropped top-level item, as from Electron's preload.
    async stageFiles(items, onProgress) {
      const batch = crypto.randomUUID();
      const total = items.reduce((n, i) => n + i.file.size, 0);
      // Several uploads at once (the host fsyncs each staged file; one at a time, 3,000 small files took ~50 s).
      let done = 0;
      const sending = new Map<number, number>();
      const report = () => {
        let loaded = done;
        for (const l of sending.values()) loaded += l;
        onProgress?.(loaded, total);
      };
      const staged: Array<{ path: string; batchDir: string }> = [];
      let next = 0;
      let failure: Envelope<never> | undefined;
      const lane = async (): Promise<void> => {
        while (failure === undefined && next < items.length) {
          const n = next++;
          const item = items[n]!;
          const result = await upload(item, batch, (loaded) => {
            sending.set(n, loaded);
            report();
          });
          sending.delete(n);
          if (!result.ok) {
            failure ??= result;
            return;
          }
          done += item.file.size;
          report();
          staged[n] = result.value;
        }
      };
      await Promise.all(Array.from({ length: Math.min(STAGE_UPLOADS, items.length) }, lane));
      if (failure !== undefined) return failure;
      // One host path per dropped top-level item, in drop order.
      const tops = new Set<string>();
      items.forEach((item, n) => {
        const { path, batchDir } = staged[n]!;
        const rel = item.relativePath ?? item.file.name;
        tops.add(rel.includes('/') ? `${batchDir}/${rel.slice(0, rel.indexOf('/'))}` : path);
      });
      return { ok: true, value: { paths: [...tops] } };
    },
  };

  return Object.assign(api, { shell });
}

/**
 * The token arrives in the URL fragment (`#token=…`, never sent to a server). It is kept in sessionStorage so a
 * reload still works, and removed from the address bar.
 */
export function takeToken(loc: Location, storage: Storage, history: History): string | undefined {
  const match = /(?:^#|&)token=([0-9a-f]{64})(?:&|$)/.exec(loc.hash);
  if (match?.[1] !== undefined) {
    storage.setItem('workstation.token', match[1]);
    history.replaceState(null, '', loc.pathname + loc.search);
    return match[1];
  }
  return storage.getItem('workstation.token') ?? undefined;
}

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

/** Requests to the host's staging folder at once (browsers allow 6 connections per host). */
const STAGE_UPLOADS = 4;
/** Files up to this size go many to a request: at most GROUP_FILES files and GROUP_BYTES bytes each. */
const GROUP_FILE_MAX = 1 << 20;
const GROUP_FILES = 256;
const GROUP_BYTES = 16 << 20;

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

  type Staged = { path: string; batchDir: string };
  /** One POST of `body` to `url`; its answer, or a transport error in words naming `what`. */
  const post = <T,>(url: string, body: Blob, what: string, onProgress: (loaded: number) => void) =>
    new Promise<Envelope<T>>((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', url);
      xhr.setRequestHeader('Authorization', `Bearer ${token}`);
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.upload.onprogress = (e) => onProgress(e.loaded);
      xhr.onload = () => {
        try {
          const answer: unknown = JSON.parse(xhr.responseText);
          resolve(isEnvelope(answer) ? (answer as Envelope<T>) : transportError('The upload got no answer.'));
        } catch {
          resolve(transportError(`The upload of ${what} got an unreadable answer (${xhr.status}).`));
        }
      };
      xhr.onerror = () => resolve(transportError(`The upload of ${what} failed. Check that the host is running and drop it again.`));
      xhr.send(body);
    });
  const relOf = (item: DroppedItem<File>) => item.relativePath ?? item.file.name;
  const upload = (item: DroppedItem<File>, batch: string, onProgress: (loaded: number) => void) =>
    post<Staged>(`${origin}/upload?batch=${encodeURIComponent(batch)}&path=${encodeURIComponent(relOf(item))}`, item.file, relOf(item), onProgress);
  // Small files go many to a request (the host's /upload-many frames, app/web/staging.ts): one request per file
  // cost ~10 ms each in the browser. A Blob of the frames refers to the files, it does not copy them.
  const uploadMany = (group: DroppedItem<File>[], batch: string, onProgress: (loaded: number) => void) => {
    const encoder = new TextEncoder();
    const parts: BlobPart[] = [];
    let fileBytes = 0;
    for (const item of group) {
      const header = encoder.encode(JSON.stringify({ path: relOf(item), size: item.file.size }));
      const length = new Uint8Array(4);
      new DataView(length.buffer).setUint32(0, header.length);
      parts.push(length, header, item.file);
      fileBytes += item.file.size;
    }
    const body = new Blob(parts);
    const share = body.size > 0 ? fileBytes / body.size : 0;
    return post<Staged[]>(`${origin}/upload-many?batch=${encodeURIComponent(batch)}`, body, `${group.length} files`, (loaded) => onProgress(loaded * share));
  };

  const shell: ShellApi<File> = {
    kind: 'web',
    // The browser cannot give the host a path, so the files are uploaded to the host's staging folder; the UI
    // gets back one host path per dropped top-level item, as from Electron's preload.
    async stageFiles(items, onProgress) {
      const batch = crypto.randomUUID();
      const total = items.reduce((n, i) => n + i.file.size, 0);
      // Small files many to a request, bigger ones alone; several requests at once.
      const units: number[][] = [];
      let group: number[] = [];
      let groupBytes = 0;
      items.forEach((item, n) => {
        if (item.file.size > GROUP_FILE_MAX) {
          units.push([n]);
          return;
        }
        if (group.length >= GROUP_FILES || groupBytes + item.file.size > GROUP_BYTES) {
          units.push(group);
          group = [];
          groupBytes = 0;
        }
        group.push(n);
        groupBytes += item.file.size;
      });
      if (group.length > 0) units.push(group);
      let done = 0;
      const sending = new Map<number, number>();
      const report = () => {
        let loaded = done;
        for (const l of sending.values()) loaded += l;
        onProgress?.(loaded, total);
      };
      const staged: Staged[] = [];
      let next = 0;
      let failure: Envelope<never> | undefined;
      const lane = async (): Promise<void> => {
        while (failure === undefined && next < units.length) {
          const u = next++;
          const unit = units[u]!;
          const progress = (loaded: number) => {
            sending.set(u, loaded);
            report();
          };
          const single = unit.length === 1 && items[unit[0]!]!.file.size > GROUP_FILE_MAX;
          const result = single ? await upload(items[unit[0]!]!, batch, progress) : await uploadMany(unit.map((n) => items[n]!), batch, progress);
          sending.delete(u);
          if (!result.ok) {
            failure ??= result;
            return;
          }
          const value: Staged[] = Array.isArray(result.value) ? result.value : [result.value];
          if (value.length !== unit.length) {
            failure ??= transportError(`The host staged ${value.length} of ${unit.length} files. Drop them again.`);
            return;
          }
          unit.forEach((n, k) => {
            staged[n] = value[k]!;
            done += items[n]!.file.size;
          });
          report();
        }
      };
      await Promise.all(Array.from({ length: Math.min(STAGE_UPLOADS, units.length) }, lane));
      if (failure !== undefined) return failure;
      // One host path per dropped top-level item, in drop order.
      const tops = new Set<string>();
      items.forEach((item, n) => {
        const { path, batchDir } = staged[n]!;
        const rel = relOf(item);
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

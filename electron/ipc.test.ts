// Drives the contract through the Electron adapter with a fake ipcMain (the adapter's own logic is what is
// tested; the host behind it is real).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IpcMainInvokeEvent } from 'electron';
import { methodNames } from '../app/contract/api';
import { WorkstationHost } from '../app/host/host';
import type { HostLogger } from '../app/host/dispatch';
import { eventChannel, methodChannel } from './channels';
import { forwardEvents, isSameOrigin, isTrustedSender, registerIpc } from './ipc';

type Handler = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>;

class FakeIpcMain {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, handler: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** What ipcRenderer.invoke(channel, args) from a frame at `url` would do. */
  invoke(channel: string, args: unknown, frame: { url: string; parent: unknown } | null) {
    const handler = this.handlers.get(channel);
    if (handler === undefined) throw new Error(`No handler registered for '${channel}'`);
    return handler({ senderFrame: frame } as unknown as IpcMainInvokeEvent, args);
  }
}

const appOrigin = new URL('app://workstation/index.html');
const ownFrame = { url: 'app://workstation/index.html#/cases', parent: null };
const warnings: string[] = [];
const log: HostLogger = { info: () => undefined, warn: (m) => warnings.push(m), error: () => undefined };

let dir: string;
let host: WorkstationHost;
let ipc: FakeIpcMain;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ipc-'));
  host = await WorkstationHost.open({ dataDir: dir, shell: 'electron', log });
  ipc = new FakeIpcMain();
  registerIpc(ipc, host, appOrigin);
  warnings.length = 0;
});

afterEach(async () => {
  await host.close();
  await rm(dir, { recursive: true, force: true });
});

describe('Electron IPC adapter', () => {
  it('registers exactly one handler per contract method', () => {
    expect([...ipc.handlers.keys()].sort()).toEqual(methodNames.map(methodChannel).sort());
  });

  it('answers a call from the app page', async () => {
    const r = await ipc.invoke(methodChannel('app.info'), {}, ownFrame);
    expect(r).toMatchObject({ ok: true, value: { shell: 'electron', dataDir: dir } });
    const u = await ipc.invoke(methodChannel('settings.update'), { language: 'zh-CN' }, ownFrame);
    expect(u).toMatchObject({ ok: true, value: { language: 'zh-CN' } });
  });

  it('refuses a message from a foreign frame before the service runs', async () => {
    const spy = vi.spyOn(host.service, 'settings.update');
    const foreign = [
      { url: 'https://evil.example/', parent: null },
      { url: 'app://other/index.html', parent: null },
      { url: 'file:///etc/passwd', parent: null },
      { url: 'app://workstation/index.html', parent: { url: 'app://workstation/' } }, // a subframe
      { url: 'not a url', parent: null },
      null, // the frame navigated away or was destroyed
    ];
    for (const frame of foreign) {
      const r = await ipc.invoke(methodChannel('settings.update'), { language: 'zh-CN' }, frame);
      expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_ORIGIN' } });
    }
    expect(spy).not.toHaveBeenCalled();
    expect(existsSync(join(dir, 'settings.json'))).toBe(false);
    expect(warnings).toHaveLength(foreign.length);
  });

  it('refuses a malformed argument with the schema message before the service runs', async () => {
    const spy = vi.spyOn(host.service, 'settings.update');
    const r = await ipc.invoke(methodChannel('settings.update'), { network: { ledgerUrl: 'javascript:alert(1)' } }, ownFrame);
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect((r as { error: { message: string } }).error.message).toContain('network.ledgerUrl');
    expect(spy).not.toHaveBeenCalled();
  });

  it('pushes host events to the window in order, and stops when the window is gone', async () => {
    const sent: [string, unknown][] = [];
    let destroyed = false;
    const contents = { send: (channel: string, payload: unknown) => sent.push([channel, payload]), isDestroyed: () => destroyed };
    const off = forwardEvents(host, () => contents);
    await Promise.all(['zh-CN', 'en', 'zh-CN'].map((language) => ipc.invoke(methodChannel('settings.update'), { language }, ownFrame)));
    expect(sent.map(([c]) => c)).toEqual(Array(3).fill(eventChannel('onSettingsChanged')));
    expect(sent.map(([, p]) => (p as { language: string }).language)).toEqual(['zh-CN', 'en', 'zh-CN']);
    destroyed = true;
    await ipc.invoke(methodChannel('settings.update'), { language: 'en' }, ownFrame);
    expect(sent).toHaveLength(3);
    off();
  });

  it('removes its handlers when disposed', () => {
    const other = new FakeIpcMain();
    const dispose = registerIpc(other, host, appOrigin);
    dispose();
    expect(other.handlers.size).toBe(0);
  });
});

describe('isSameOrigin', () => {
  it.each([
    ['app://workstation/index.html', true],
    ['app://workstation/assets/x.js?y#z', true],
    ['app://workstation.evil/index.html', false],
    ['app://evil/workstation', false],
    ['https://workstation/index.html', false],
    ['app://user@workstation/', true], // credentials do not change the origin
    ['', false],
  ])('%s → %s', (url, expected) => {
    expect(isSameOrigin(url, appOrigin)).toBe(expected);
  });

  it('compares http origins by scheme, host and port', () => {
    const dev = new URL('http://localhost:5173/');
    expect(isSameOrigin('http://localhost:5173/x', dev)).toBe(true);
    expect(isSameOrigin('http://localhost:5174/x', dev)).toBe(false);
    expect(isTrustedSender({ senderFrame: null } as unknown as IpcMainInvokeEvent, dev)).toBe(false);
  });
});

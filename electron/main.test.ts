// The shell's wiring, with the `electron` module stubbed (its runtime cannot start here): what the main process
// registers before and after `ready`, the window it opens, the host it starts in a utility process (a Node child
// process with Electron's parentPort, app/testing/utility-process.ts), and that quitting waits for the host.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';

const fake = vi.hoisted(() => {
  const forked: { modulePath: string; options: unknown; exited: Promise<number> }[] = [];
  const appHandlers = new Map<string, ((...args: unknown[]) => void)[]>();
  let ready!: () => void;
  const readyPromise = new Promise<void>((r) => (ready = r));
  const windows: { options: unknown; url?: string; sent: [string, unknown][] }[] = [];
  const state = {
    userData: '',
    quits: 0,
    ipcHandlers: new Map<string, (...a: unknown[]) => unknown>(),
    protocolHandlers: new Map<string, unknown>(),
    privileged: [] as unknown[],
    menu: undefined as unknown,
    permissionHandlerSet: false,
    hardenedPartitions: [] as string[],
    sandboxed: false,
    readyCalled: false,
    forkUtility: undefined as unknown as (modulePath: string, args: string[]) => { on(e: 'exit', l: (code: number) => void): void },
  };
  class BrowserWindow {
    static getAllWindows = () => windows;
    readonly record: { options: unknown; url?: string; sent: [string, unknown][] };
    webContents = {
      send: (channel: string, payload: unknown) => this.record.sent.push([channel, payload]),
      isDestroyed: () => false,
    };
    constructor(options: unknown) {
      this.record = { options, sent: [] };
      windows.push(this.record);
    }
    once() {}
    on() {}
    async loadURL(url: string) {
      this.record.url = url;
    }
  }
  const electron = {
    app: {
      setName: () => undefined,
      enableSandbox: () => {
        if (state.readyCalled) throw new Error('app.enableSandbox() must be called before the app is ready');
        state.sandboxed = true;
      },
      requestSingleInstanceLock: () => true,
      whenReady: () => readyPromise,
      on: (name: string, fn: (...args: unknown[]) => void) => {
        appHandlers.set(name, [...(appHandlers.get(name) ?? []), fn]);
      },
      getPath: (name: string) => (name === 'userData' ? state.userData : `/nonexistent/${name}`),
      setPath: (name: string, value: string) => {
        if (name === 'userData') state.userData = value;
      },
      getVersion: () => '0.1.0',
      isPackaged: true,
      quit: () => {
        state.quits += 1;
      },
    },
    BrowserWindow,
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => state.privileged.push(...s),
      handle: (scheme: string, fn: unknown) => state.protocolHandlers.set(scheme, fn),
    },
    ipcMain: {
      handle: (channel: string, fn: (...a: unknown[]) => unknown) => state.ipcHandlers.set(channel, fn),
      removeHandler: (channel: string) => state.ipcHandlers.delete(channel),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: () => (state.permissionHandlerSet = true),
        setPermissionCheckHandler: () => undefined,
        webRequest: { onBeforeRequest: () => undefined },
      },
      fromPartition: (partition: string) => ({
        setPermissionRequestHandler: () => state.hardenedPartitions.push(partition),
        setPermissionCheckHandler: () => undefined,
        webRequest: { onBeforeRequest: () => undefined },
      }),
    },
    Menu: {
      buildFromTemplate: (t: unknown) => t,
      setApplicationMenu: (m: unknown) => (state.menu = m),
    },
    shell: { openExternal: async () => undefined, openPath: async () => '' },
    utilityProcess: {
      // main.ts forks its built host.js (out/main); here the source entry beside it runs in the stand-in.
      fork: (modulePath: string, args: string[], options: unknown) => {
        const child = state.forkUtility(modulePath.replace(/host\.js$/, 'host-process.ts'), args);
        forked.push({ modulePath, options, exited: new Promise((r) => child.on('exit', r)) });
        return child;
      },
    },
    dialog: { showMessageBox: async () => ({ response: 0 }) },
  };
  return {
    electron,
    state,
    windows,
    appHandlers,
    forked,
    ready: () => {
      state.readyCalled = true;
      ready();
    },
  };
});

vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));
vi.mock('electron-log/main', () => {
  const log = {
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    transports: { file: { level: 'info', getFile: () => ({ path: '/tmp/logs/main.log' }) } },
  };
  return { default: log };
});

fake.state.forkUtility = (await import('../app/testing/utility-process')).forkUtility;
const { startShell, dataDirFromArgv } = await import('./main');
const { methodNames } = await import('../app/contract/api');
const { methodChannel, eventChannel } = await import('./channels');

const dataDir = mkdtempSync(join(tmpdir(), 'shell-'));
fake.state.userData = dataDir;
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('dataDirFromArgv', () => {
  it.each([
    [['electron', '.', '--data', '/tmp/x'], '/tmp/x'],
    [['electron', '.', '--data=/tmp/y'], '/tmp/y'],
    [['electron', '.'], undefined],
    [['electron', '.', '--data'], undefined],
    [['electron', '.', '--data', '--other'], undefined],
  ])('%j → %s', (argv, expected) => {
    expect(dataDirFromArgv(argv)).toBe(expected);
  });
});

describe('the Electron shell', () => {
  it('before ready: sandboxes every renderer, registers app:// as privileged and takes the single-instance lock', () => {
    startShell();
    expect(fake.state.sandboxed).toBe(true);
    expect(fake.state.privileged).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) },
    ]);
    expect(fake.windows).toHaveLength(0);
    expect(fake.appHandlers.has('second-instance')).toBe(true);
    expect(fake.appHandlers.has('web-contents-created')).toBe(true);
  });

  it('on ready: starts the host process, serves app://, hardens the session, registers IPC and opens one locked window', async () => {
    fake.ready();
    await vi.waitFor(() => expect(fake.windows).toHaveLength(1), { timeout: 20_000 });
    expect(fake.forked).toHaveLength(1);
    expect(fake.forked[0]!.modulePath).toMatch(/[\\/]host\.js$/);
    expect(fake.state.protocolHandlers.has('app')).toBe(true);
    expect(fake.state.permissionHandlerSet).toBe(true);
    // The report windows of the system print dialog get their own locked-down session.
    expect(fake.state.hardenedPartitions).toEqual(['report-paper']);
    expect([...fake.state.ipcHandlers.keys()].sort()).toEqual(methodNames.map(methodChannel).sort());
    const win = fake.windows[0]!;
    expect(win.url).toBe('app://workstation/index.html');
    expect(win.options).toMatchObject({
      webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true },
    });
    expect((win.options as { webPreferences: { preload: string } }).webPreferences.preload).toMatch(/preload[\\/]index\.cjs$/);
  });

  it('answers IPC from the app page only, with the host in the userData folder', async () => {
    const handler = fake.state.ipcHandlers.get(methodChannel('app.info'))!;
    const own = await handler({ senderFrame: { url: 'app://workstation/index.html', parent: null } }, {});
    expect(own).toMatchObject({ ok: true, value: { shell: 'electron', dataDir } });
    const foreign = await handler({ senderFrame: { url: 'https://evil.example/', parent: null } }, {});
    expect(foreign).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_ORIGIN' } });
  });

  it('has File, View and Help menus; menu commands reach the window as events', () => {
    const menu = fake.state.menu as MenuItemConstructorOptions[];
    const labels = menu.map((m) => m.label);
    expect(labels).toEqual(expect.arrayContaining(['&File', '&View', '&Help']));
    const file = menu.find((m) => m.label === '&File')!.submenu as MenuItemConstructorOptions[];
    expect(file.map((i) => i.label).filter(Boolean)).toEqual(['New Case…', 'Add Evidence…', 'Print Report…', 'Settings…']);
    const help = menu.find((m) => m.label === '&Help')!.submenu as MenuItemConstructorOptions[];
    expect(help.map((i) => i.label).filter(Boolean)).toEqual(['About Evidence Ledger Workstation', 'Open Data Folder', 'Open Logs Folder']);
    const view = menu.find((m) => m.label === '&View')!.submenu as MenuItemConstructorOptions[];
    expect(view.some((i) => i.role === 'toggleDevTools')).toBe(false); // packaged: no devtools
    (file[0]!.click as () => void)();
    expect(fake.windows[0]!.sent).toEqual([[eventChannel('onMenuCommand'), { command: 'case.new' }]]);
  });

  it('holds the quit until the host has closed, then quits', async () => {
    const beforeQuit = fake.appHandlers.get('before-quit')![0]!;
    let prevented = false;
    beforeQuit({ preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    await vi.waitFor(() => expect(fake.state.quits).toBe(1));
    await fake.forked[0]!.exited; // the host process has ended
    // The second before-quit (from that app.quit()) passes through.
    let preventedAgain = false;
    beforeQuit({ preventDefault: () => (preventedAgain = true) });
    expect(preventedAgain).toBe(false);
    const handler = fake.state.ipcHandlers.get(methodChannel('settings.get'))!;
    const after = await handler({ senderFrame: { url: 'app://workstation/index.html', parent: null } }, {});
    expect(after).toMatchObject({ ok: false, error: { code: 'HOST_CLOSED' } });
  });
});

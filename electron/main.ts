// Electron main process: a thin shell around the workstation host (app/host), which runs in a utility process of
// its own (host-process.ts, over host-protocol.ts) so that no host work blocks the window or IPC. Main creates one
// locked-down window, serves the renderer from app://workstation, forwards IPC calls to the host (electron/ipc.ts),
// prints for it, and lets it finish its writes before the app quits. All logic lives in app/.
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell, utilityProcess } from 'electron';
import log from 'electron-log/main';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { PRODUCT_NAME } from '../app/host/paths';
import { HostClient } from './host-protocol';
import { forwardEvents, registerIpc } from './ipc';
import { menuTemplate } from './menu';
import { electronPrintDialog, electronPrinter, hardenPaperSession, PAPER_PARTITION } from './printer';
import { APP_ENTRY, APP_SCHEME, privilegedSchemes, serveAppRequest } from './protocol';
import { hardenSession, hardenWebContents, windowOptions } from './window';

const here = dirname(fileURLToPath(import.meta.url));
const rendererDir = join(here, '../renderer');
const preloadPath = join(here, '../preload/index.cjs');
/** The host process's entry, built beside main (electron.vite.config.ts). */
export const HOST_ENTRY = 'host.js';

/** electron-vite's dev server, when developing; the packaged app only ever loads app://workstation. */
function rendererUrl(): string {
  const dev = process.env.ELECTRON_RENDERER_URL;
  return !app.isPackaged && dev ? dev : APP_ENTRY;
}

/** `--data DIR` (or `--data=DIR`): use DIR instead of the OS app-data folder (tests, a portable workspace). */
export function dataDirFromArgv(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--data=') && a.length > 7) return a.slice(7);
    if (a === '--data' && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) return argv[i + 1];
  }
  return undefined;
}

export function startShell(): void {
  // Every renderer sandboxed, whatever its webPreferences say (windows set `sandbox: true` too); before ready.
  app.enableSandbox();
  app.setName(PRODUCT_NAME);
  const dataArg = dataDirFromArgv(process.argv);
  if (dataArg !== undefined) app.setPath('userData', resolve(dataArg));
  protocol.registerSchemesAsPrivileged(privilegedSchemes);

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }

  let host: HostClient | undefined;
  let win: BrowserWindow | undefined;
  const appOrigin = new URL(rendererUrl());
  const warn = (message: string) => log.warn(message);

  app.on('second-instance', () => {
    if (win === undefined) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });

  // Every web contents, whatever created it, gets the navigation and window rules.
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, { appOrigin, openExternal: (url) => shell.openExternal(url), warn });
  });

  const createWindow = (): BrowserWindow => {
    const w = new BrowserWindow(windowOptions(preloadPath));
    w.once('ready-to-show', () => w.show());
    w.on('closed', () => {
      win = undefined;
    });
    void w.loadURL(rendererUrl());
    return w;
  };

  void app.whenReady().then(async () => {
    log.transports.file.level = 'info';
    log.info(`starting ${PRODUCT_NAME} ${app.getVersion()}`);
    hardenSession(session.defaultSession, appOrigin, warn);
    protocol.handle(APP_SCHEME, (request) => serveAppRequest(request, rendererDir));

    const dataDir = app.getPath('userData');
    const child = utilityProcess.fork(join(here, HOST_ENTRY), [], { serviceName: `${PRODUCT_NAME} host`, stdio: 'inherit' });
    const client = new HostClient(child, log, {
      print: (job) => electronPrinter((options) => new BrowserWindow(options)).print(job),
      printDialog: electronPrintDialog((options) => new BrowserWindow(options), hardenPaperSession(session.fromPartition(PAPER_PARTITION), warn)),
    });
    host = client;
    try {
      // out/ of the build (inside app.asar once packaged): the report's template, font and verifier are staged there.
      await client.start({ dataDir, version: app.getVersion(), builtDir: join(here, '..'), printer: true, printDialog: true });
    } catch (err) {
      log.error('the workstation host did not open', err);
      dialog.showErrorBox(`${PRODUCT_NAME} cannot start`, `${(err as Error).message}\n\nThe log file has details: ${log.transports.file.getFile().path}`);
      app.exit(1);
      return;
    }
    registerIpc(ipcMain, client, new URL(appOrigin.href));
    forwardEvents(client, () => win?.webContents);

    const logDir = dirname(log.transports.file.getFile().path);
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate({
          command: (command) => client.emit('onMenuCommand', { command }),
          about: () => {
            void dialog.showMessageBox({
              type: 'info',
              title: `About ${PRODUCT_NAME}`,
              message: `${PRODUCT_NAME} ${app.getVersion()}`,
              detail: `Electron ${process.versions.electron}, Chromium ${process.versions.chrome}, Node ${process.versions.node}\nData: ${dataDir}`,
            });
          },
          openDataFolder: () => void openFolder(dataDir),
          openLogs: () => void openFolder(logDir),
          isMac: process.platform === 'darwin',
          isPackaged: app.isPackaged,
        }),
      ),
    );

    win = createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) win = createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Clean shutdown: hold the quit until the host has finished calls in flight and its writes.
  let closed = false;
  app.on('before-quit', (event) => {
    if (closed || host === undefined) return;
    event.preventDefault();
    const h = host;
    void h
      .close()
      .catch((err: unknown) => log.error('the host did not close cleanly', err))
      .finally(() => {
        closed = true;
        app.quit();
      });
  });
}

async function openFolder(path: string): Promise<void> {
  const problem = await shell.openPath(path);
  if (problem !== '') log.warn(`could not open ${path}: ${problem}`);
}

// Run when Electron loads this file as its entry point (not when a test imports it).
if (process.versions.electron !== undefined && !process.env.VITEST) startShell();

// The main window and the rules every web contents obeys (Electron's security checklist:
// https://www.electronjs.org/docs/latest/tutorial/security). Kept free of side effects so a test can assert them.
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { isSameOrigin } from './ipc';

export function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 680,
    show: false,
    title: 'Evidence Ledger Workstation',
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true, // checklist 3
      sandbox: true, // checklist 4
      nodeIntegration: false, // checklist 2
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true, // checklist 6
      allowRunningInsecureContent: false, // checklist 8
      experimentalFeatures: false, // checklist 9
      enableBlinkFeatures: '', // checklist 10
      webviewTag: false, // checklist 12
      safeDialogs: true,
      spellcheck: false,
      navigateOnDragDrop: false,
    },
  };
}

/** Sites the app may open in the system browser (checklist 15): https only, exact host names. */
export const EXTERNAL_HOSTS = new Set(['c2sp.org', 'www.rfc-editor.org', 'datatracker.ietf.org', 'www.electronjs.org']);

export function isAllowedExternal(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return u.protocol === 'https:' && u.username === '' && u.password === '' && u.port === '' && EXTERNAL_HOSTS.has(u.hostname);
}

export interface HardenOptions {
  /** The only origin our pages may be loaded from. */
  appOrigin: URL;
  openExternal: (url: string) => Promise<void>;
  warn: (message: string) => void;
}

/** Navigation away from the app and new windows are denied (checklist 13, 14); webviews never attach (12). */
export function hardenWebContents(contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>, options: HardenOptions): void {
  const guardNavigation = (event: { preventDefault(): void }, url: string) => {
    if (isSameOrigin(url, options.appOrigin)) return;
    event.preventDefault();
    options.warn(`refused navigation to ${JSON.stringify(url)}`);
  };
  contents.on('will-navigate', guardNavigation);
  contents.on('will-redirect', guardNavigation);
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    options.warn('refused to attach a webview');
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternal(url)) {
      options.openExternal(url).catch((err: unknown) => options.warn(`could not open ${url}: ${String(err)}`));
    } else {
      options.warn(`refused to open a window for ${JSON.stringify(url)}`);
    }
    return { action: 'deny' };
  });
}

/**
 * Every permission request is denied (checklist 5), and no request leaves for the network (no remote content,
 * checklist 1): only our own app: origin, the dev server when developing, and devtools/data URLs load.
 */
export function hardenSession(
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'webRequest'>,
  appOrigin: URL,
  warn: (message: string) => void,
): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    warn(`denied permission ${permission}`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  // Only while developing is the app origin an http dev server; its hot-reload socket is then allowed too.
  const devSocket = appOrigin.protocol === 'http:' ? new URL(appOrigin.href.replace(/^http/, 'ws')) : undefined;
  session.webRequest.onBeforeRequest((details, callback) => {
    const ok =
      isSameOrigin(details.url, appOrigin) ||
      (devSocket !== undefined && isSameOrigin(details.url, devSocket)) ||
      details.url.startsWith('devtools:') ||
      details.url.startsWith('data:') ||
      details.url.startsWith('blob:');
    if (!ok) warn(`blocked a request to ${JSON.stringify(details.url)}`);
    callback({ cancel: !ok });
  });
}

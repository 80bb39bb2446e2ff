// The window's options and handlers against Electron's security checklist.
import { describe, expect, it } from 'vitest';
import type { Session, WebContents } from 'electron';
import { hardenSession, hardenWebContents, isAllowedExternal, windowOptions } from './window';

const appOrigin = new URL('app://workstation/index.html');

describe('windowOptions', () => {
  it('locks the renderer down', () => {
    const o = windowOptions('/x/preload/index.cjs');
    expect(o.webPreferences).toMatchObject({
      preload: '/x/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    });
    expect(o.show).toBe(false);
    expect(o.minWidth).toBeGreaterThanOrEqual(1024);
  });
});

describe('isAllowedExternal', () => {
  it.each([
    ['https://c2sp.org/tlog-tiles', true],
    ['https://www.rfc-editor.org/rfc/rfc9162', true],
    ['http://c2sp.org/', false],
    ['https://c2sp.org.evil.example/', false],
    ['https://evil.example/?c2sp.org', false],
    ['https://user@c2sp.org/', false],
    ['https://c2sp.org:8443/', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['smb://server/share', false],
    ['not a url', false],
  ])('%s → %s', (url, expected) => {
    expect(isAllowedExternal(url)).toBe(expected);
  });
});

function fakeContents() {
  const handlers = new Map<string, (event: { preventDefault(): void; defaultPrevented?: boolean }, url: string) => void>();
  let openHandler: ((details: { url: string }) => { action: string }) | undefined;
  const contents = {
    on: (name: string, fn: never) => {
      handlers.set(name, fn);
      return contents;
    },
    setWindowOpenHandler: (fn: never) => {
      openHandler = fn;
    },
  };
  const fire = (name: string, url = '') => {
    let prevented = false;
    handlers.get(name)?.({ preventDefault: () => (prevented = true) }, url);
    return prevented;
  };
  return { contents: contents as unknown as WebContents, fire, open: (url: string) => openHandler?.({ url }), handlers };
}

describe('hardenWebContents', () => {
  it('denies navigation away from the app, webviews and every new window', () => {
    const opened: string[] = [];
    const warnings: string[] = [];
    const f = fakeContents();
    hardenWebContents(f.contents, { appOrigin, openExternal: async (u) => void opened.push(u), warn: (m) => warnings.push(m) });
    expect(f.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(f.fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(f.fire('will-redirect', 'https://evil.example/')).toBe(true);
    expect(f.fire('will-navigate', 'app://workstation/index.html')).toBe(false);
    expect(f.fire('will-attach-webview')).toBe(true);
    expect(f.open('https://evil.example/')).toEqual({ action: 'deny' });
    expect(f.open('https://c2sp.org/tlog-tiles')).toEqual({ action: 'deny' });
    expect(f.open('app://workstation/index.html')).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://c2sp.org/tlog-tiles']);
    expect(warnings.length).toBe(6);
  });
});

describe('hardenSession', () => {
  it('denies every permission and blocks requests off the app origin', () => {
    let requestHandler: ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void) | undefined;
    let checkHandler: (() => boolean) | undefined;
    let beforeRequest: ((details: { url: string }, cb: (r: { cancel: boolean }) => void) => void) | undefined;
    const session = {
      setPermissionRequestHandler: (fn: never) => (requestHandler = fn),
      setPermissionCheckHandler: (fn: never) => (checkHandler = fn),
      webRequest: { onBeforeRequest: (fn: never) => (beforeRequest = fn) },
    } as unknown as Session;
    hardenSession(session, appOrigin, () => undefined);
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read']) {
      let granted: boolean | undefined;
      requestHandler?.({}, permission, (g) => (granted = g));
      expect(granted).toBe(false);
    }
    expect(checkHandler?.()).toBe(false);
    const cancel = (url: string) => {
      let r: { cancel: boolean } | undefined;
      beforeRequest?.({ url }, (x) => (r = x));
      return r?.cancel;
    };
    expect(cancel('app://workstation/assets/x.js')).toBe(false);
    expect(cancel('data:image/png;base64,AA==')).toBe(false);
    expect(cancel('https://cdn.example/x.js')).toBe(true);
    expect(cancel('http://127.0.0.1:8080/')).toBe(true);
    expect(cancel('file:///etc/passwd')).toBe(true);
    expect(cancel('ws://localhost:5173/')).toBe(true); // no dev server in the packaged app
  });

  it('while developing, also lets the dev server and its hot-reload socket through', () => {
    let beforeRequest: ((details: { url: string }, cb: (r: { cancel: boolean }) => void) => void) | undefined;
    const session = {
      setPermissionRequestHandler: () => undefined,
      setPermissionCheckHandler: () => undefined,
      webRequest: { onBeforeRequest: (fn: never) => (beforeRequest = fn) },
    } as unknown as Session;
    hardenSession(session, new URL('http://localhost:5173/'), () => undefined);
    const cancel = (url: string) => {
      let r: { cancel: boolean } | undefined;
      beforeRequest?.({ url }, (x) => (r = x));
      return r?.cancel;
    };
    expect(cancel('http://localhost:5173/src/main.tsx')).toBe(false);
    expect(cancel('ws://localhost:5173/')).toBe(false);
    expect(cancel('ws://localhost:5174/')).toBe(true);
    expect(cancel('https://cdn.example/')).toBe(true);
  });
});

// The preload, with `electron` stubbed: it exposes exactly one object, generated from the contract, whose calls
// and subscriptions go to the contract's channels, and whose stageFiles turns dropped Files into paths.
import { describe, expect, it, vi } from 'vitest';
import { eventNames, methodNames } from '../app/contract/api';
import { eventChannel, methodChannel } from './channels';

const fake = vi.hoisted(() => {
  const exposed = new Map<string, unknown>();
  const invoked: [string, unknown][] = [];
  const listeners = new Map<string, Set<(...a: unknown[]) => void>>();
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
    ipcRenderer: {
      invoke: async (channel: string, args: unknown) => {
        invoked.push([channel, args]);
        return { ok: true, value: channel };
      },
      on: (channel: string, fn: (...a: unknown[]) => void) => {
        if (!listeners.has(channel)) listeners.set(channel, new Set());
        listeners.get(channel)!.add(fn);
      },
      removeListener: (channel: string, fn: (...a: unknown[]) => void) => listeners.get(channel)?.delete(fn),
    },
    webUtils: { getPathForFile: (f: { name: string; onDisk: boolean }) => (f.onDisk ? `/home/officer/${f.name}` : '') },
  };
  return { electron, exposed, invoked, listeners };
});
vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

const { topLevelPath } = await import('./preload');

type Api = Record<string, unknown>;
type Group = Record<string, (a?: unknown) => Promise<unknown>>;

describe('preload', () => {
  const api = fake.exposed.get('workstation') as Api;

  it('exposes one object, window.workstation', () => {
    expect([...fake.exposed.keys()]).toEqual(['workstation']);
  });

  it('has a function per contract method, calling its channel with the argument', async () => {
    for (const m of methodNames) {
      const [ns, verb] = m.split('.') as [string, string];
      expect(typeof (api[ns] as Group | undefined)?.[verb]).toBe('function');
    }
    expect(await (api.settings as Group).update!({ language: 'zh-CN' })).toEqual({ ok: true, value: methodChannel('settings.update') });
    await (api.identity as Group).status!();
    expect(fake.invoked).toEqual([
      [methodChannel('settings.update'), { language: 'zh-CN' }],
      [methodChannel('identity.status'), {}],
    ]);
  });

  it('subscribes to events without handing the IPC event to the page, and unsubscribes', () => {
    for (const e of eventNames) expect(typeof api[e]).toBe('function');
    const seen: unknown[] = [];
    const off = (api.onSettingsChanged as (fn: (p: unknown) => void) => () => void)((p) => seen.push(p));
    const [listener] = fake.listeners.get(eventChannel('onSettingsChanged'))!;
    listener!({ sender: 'ipc event with internals' }, { language: 'en' });
    expect(seen).toEqual([{ language: 'en' }]);
    off();
    expect(fake.listeners.get(eventChannel('onSettingsChanged'))!.size).toBe(0);
  });

  it('turns dropped files into their paths, and refuses items that are not on disk', async () => {
    const shell = api.shell as { kind: string; stageFiles: (items: unknown[]) => Promise<unknown> };
    expect(shell.kind).toBe('electron');
    expect(await shell.stageFiles([{ file: { name: 'a.jpg', onDisk: true } }, { file: { name: 'case folder', onDisk: true } }])).toEqual({
      ok: true,
      value: { paths: ['/home/officer/a.jpg', '/home/officer/case folder'] },
    });
    expect(await shell.stageFiles([{ file: { name: 'pasted.png', onDisk: false } }])).toMatchObject({ ok: false, error: { code: 'NO_PATH' } });
  });

  it('gives the top folder for files found inside a dropped folder, once', async () => {
    const shell = api.shell as { stageFiles: (items: unknown[]) => Promise<unknown> };
    const inFolder = (rel: string) => ({ file: { name: rel, onDisk: true }, relativePath: rel });
    expect(await shell.stageFiles([inFolder('phone/DCIM/a.jpg'), inFolder('phone/b.db'), { file: { name: 'c.txt', onDisk: true } }])).toEqual({
      ok: true,
      value: { paths: ['/home/officer/phone', '/home/officer/c.txt'] },
    });
  });
});

describe('topLevelPath', () => {
  it.each([
    ['/a/b/phone/DCIM/x.jpg', 'phone/DCIM/x.jpg', '/a/b/phone'],
    ['/a/b/x.jpg', undefined, '/a/b/x.jpg'],
    ['/a/b/x.jpg', 'x.jpg', '/a/b/x.jpg'],
    ['C:\\Users\\li\\phone\\x.jpg', 'phone/x.jpg', 'C:\\Users\\li\\phone'],
    ['', 'phone/x.jpg', ''],
  ])('%s + %s → %s', (path, rel, expected) => {
    expect(topLevelPath(path, rel)).toBe(expected);
  });
});

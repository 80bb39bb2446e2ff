import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkstationHost } from './host';
import { dispatch, type HostLogger } from './dispatch';
import { HostError } from './errors';
import type { Service } from '../contract/api';
import { defaultDataDir } from './paths';

const logged: string[] = [];
const log: HostLogger = { info: () => undefined, warn: (m) => logged.push(`warn ${m}`), error: (m) => logged.push(`error ${m}`) };

let dir: string;
let host: WorkstationHost;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'host-'));
  host = await WorkstationHost.open({ dataDir: join(dir, 'data'), shell: 'web', log });
  logged.length = 0;
});
afterEach(async () => {
  await host.close();
  await rm(dir, { recursive: true, force: true });
});

describe('dispatch', () => {
  const base = (): Service => ({ ...host.service });

  it('passes a service error code and message through', async () => {
    const svc = { ...base(), 'settings.get': async () => { throw new HostError('LOCKED', 'Unlock first.'); } } as Service;
    expect(await dispatch(svc, 'settings.get', {}, log)).toEqual({ ok: false, error: { code: 'LOCKED', message: 'Unlock first.' } });
  });

  it('hides an unexpected fault behind INTERNAL and logs it', async () => {
    const svc = { ...base(), 'settings.get': async () => { throw new TypeError('x is undefined'); } } as Service;
    const r = await dispatch(svc, 'settings.get', {}, log);
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(r)).not.toContain('x is undefined');
    expect(logged.some((l) => l.startsWith('error settings.get'))).toBe(true);
  });

  it('refuses results outside the result schema, extra fields included, without sending them', async () => {
    const leaky = { ...base(), 'app.info': async () => ({ ...(await host.service['app.info']({})), privateKey: 'secret' }) } as Service;
    const r = await dispatch(leaky, 'app.info', {}, log);
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(r)).not.toContain('secret');
    const wrong = { ...base(), 'settings.get': async () => ({ language: 'fr' }) } as unknown as Service;
    expect(await dispatch(wrong, 'settings.get', {}, log)).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('treats a missing argument as an empty object and refuses a non-object', async () => {
    expect((await dispatch(host.service, 'settings.get', undefined, log)).ok).toBe(true);
    expect(await dispatch(host.service, 'settings.get', 'x', log)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });

  it('refuses names that are not methods, including inherited properties', async () => {
    for (const name of ['nope', 'toString', '__proto__', 'constructor']) {
      expect(await dispatch(host.service, name, {}, log)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    }
  });
});

describe('WorkstationHost', () => {
  it('reports the mode with its plain label', async () => {
    let r = await host.call('app.info', {});
    expect(r).toMatchObject({ ok: true, value: { mode: null } });
    await host.call('settings.update', { mode: 'standalone' });
    r = await host.call('app.info', {});
    expect(r).toMatchObject({ ok: true, value: { mode: 'standalone', modeLabel: expect.stringContaining('no independent parties') } });
  });

  it('waits for calls in flight on close, then refuses new ones', async () => {
    const pending = host.call('settings.update', { language: 'zh-CN' });
    const closed = host.close();
    expect(await host.call('settings.get', {})).toMatchObject({ ok: false, error: { code: 'HOST_CLOSED' } });
    await closed;
    expect(await pending).toMatchObject({ ok: true, value: { language: 'zh-CN' } });
    const again = await WorkstationHost.open({ dataDir: join(dir, 'data'), shell: 'web', log });
    expect(await again.call('settings.get', {})).toMatchObject({ ok: true, value: { language: 'zh-CN' } });
    await again.close();
  });

  it('keeps emitting to other listeners when one throws', async () => {
    const seen: string[] = [];
    host.onEvent(() => {
      throw new Error('bad listener');
    });
    host.onEvent((e) => seen.push(e));
    await host.call('settings.update', { language: 'zh-CN' });
    expect(seen).toEqual(['onSettingsChanged']);
    expect(logged.some((l) => l.includes('listener of onSettingsChanged'))).toBe(true);
  });
});

describe('defaultDataDir', () => {
  it('matches Electron userData on each platform', () => {
    expect(defaultDataDir('linux', {}, '/home/a')).toBe('/home/a/.config/Evidence Ledger Workstation');
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/x' }, '/home/a')).toBe('/x/Evidence Ledger Workstation');
    expect(defaultDataDir('darwin', {}, '/Users/a')).toBe('/Users/a/Library/Application Support/Evidence Ledger Workstation');
  });
});

import { describe, expect, it } from 'vitest';
import {
  buildWorkstationApi,
  describeZodError,
  eventNames,
  events,
  methodNames,
  methods,
  settingsPatchSchema,
  type EventName,
  type MethodName,
} from './api';

describe('the API contract', () => {
  it('names every method namespace.verb and every event onSomething', () => {
    expect(methodNames.length).toBeGreaterThan(0);
    for (const m of methodNames) expect(m).toMatch(/^[a-z]+\.[a-z][A-Za-z]*$/);
    for (const e of eventNames) expect(e).toMatch(/^on[A-Z][A-Za-z]*$/);
  });

  it('gives every method an argument schema that is an object refusing unknown keys', () => {
    for (const m of methodNames) {
      const spec = methods[m];
      expect(spec.doc.length).toBeGreaterThan(0);
      expect(spec.args.safeParse({ __proto__: null, unexpected: 1 }).success).toBe(false);
    }
    for (const e of eventNames) expect(events[e]).toBeDefined();
  });

  it('builds a client with one function per method and per event, routed by name', async () => {
    const calls: [MethodName, unknown][] = [];
    const subs: EventName[] = [];
    const api = buildWorkstationApi(
      async (method, args) => {
        calls.push([method, args]);
        return { ok: true, value: method };
      },
      (event) => {
        subs.push(event);
        return () => undefined;
      },
    );
    expect(await api.settings.get()).toEqual({ ok: true, value: 'settings.get' });
    await api.settings.update({ language: 'zh-CN' });
    expect(calls).toEqual([
      ['settings.get', {}],
      ['settings.update', { language: 'zh-CN' }],
    ]);
    api.onSettingsChanged(() => undefined);
    expect(subs).toEqual(['onSettingsChanged']);
    const built = api as unknown as Record<string, Record<string, unknown>>;
    for (const m of methodNames) {
      const [ns, verb] = m.split('.') as [string, string];
      expect(typeof built[ns]?.[verb]).toBe('function');
    }
  });

  it('describes a schema failure by field, in one line', () => {
    const r = settingsPatchSchema.safeParse({ network: { witnessQuorum: -1, ledgerUrl: 'ftp://x' } });
    expect(r.success).toBe(false);
    if (r.success) return;
    const text = describeZodError(r.error);
    expect(text).toContain('network.witnessQuorum');
    expect(text).toContain('network.ledgerUrl: must be an http:// or https:// URL');
    expect(text).not.toContain('\n');
  });
});

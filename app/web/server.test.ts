// Drives the contract through the web adapter (HTTP + WebSocket) against a real host on 127.0.0.1.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import WebSocket from 'ws';
import { WorkstationHost } from '../host/host';
import type { HostLogger } from '../host/dispatch';
import fc from 'fast-check';
import { startWebHost, EVENTS_SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX, tokenMatches, type WebHost } from './server';
import { FrameError, FrameReader } from './staging';

const quiet: HostLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

let dir: string;
let host: WorkstationHost;
let web: WebHost;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'webhost-'));
  const rendererDir = join(dir, 'renderer');
  await mkdir(rendererDir);
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>t</title><div id="root"></div>');
  host = await WorkstationHost.open({ dataDir: join(dir, 'data'), shell: 'web', log: quiet });
  web = await startWebHost({ host, rendererDir });
});

afterEach(async () => {
  await web.close();
  await rm(dir, { recursive: true, force: true });
});

async function call(method: string, body: unknown, token: string | null = web.token) {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`${web.origin}/api/${method}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } } };
}

function openEvents(protocols: string[], origin = web.origin): Promise<{ ws: WebSocket; messages: unknown[]; closed: Promise<number> }> {
  const ws = new WebSocket(`${web.origin.replace('http', 'ws')}/events`, protocols, { origin });
  const messages: unknown[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data))));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, messages, closed }));
    ws.once('error', reject);
  });
}

describe('web host', () => {
  it('binds to 127.0.0.1 and prints the token only in the fragment', () => {
    expect(web.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(web.url).toBe(`${web.origin}/#token=${web.token}`);
    expect(web.token).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers a call with the token', async () => {
    const r = await call('app.info', {});
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, value: { shell: 'web', dataDir: join(dir, 'data'), mode: null } });
  });

  it('refuses a call without the token, or with a wrong one, before the service runs', async () => {
    const spy = vi.spyOn(host.service, 'settings.update');
    for (const token of [null, '', 'x'.repeat(64), web.token.slice(0, 63) + (web.token.endsWith('0') ? '1' : '0')]) {
      const r = await call('settings.update', { language: 'zh-CN' }, token);
      expect(r.status).toBe(401);
      expect(r.body).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    }
    expect(spy).not.toHaveBeenCalled();
    expect(existsSync(join(dir, 'data', 'settings.json'))).toBe(false);
  });

  it('refuses a malformed argument with the schema message before the service runs', async () => {
    const spy = vi.spyOn(host.service, 'settings.update');
    const r = await call('settings.update', { language: 'fr' });
    expect(r.status).toBe(400);
    expect(r.body.error?.code).toBe('INVALID_ARGUMENT');
    expect(r.body.error?.message).toContain('language');
    expect(r.body.error?.message).toContain('"zh-CN"');
    const extra = await call('settings.update', { language: 'en', admin: true });
    expect(extra.body.error?.code).toBe('INVALID_ARGUMENT');
    expect(extra.body.error?.message).toContain('admin');
    expect(spy).not.toHaveBeenCalled();
    expect(existsSync(join(dir, 'data', 'settings.json'))).toBe(false);
  });

  it('refuses a body that is not JSON, and an unknown method, with envelopes', async () => {
    const res = await fetch(`${web.origin}/api/settings.get`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${web.token}` },
      body: '{not json',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    const r = await call('identity.exportPrivateKey', {});
    expect(r.status).toBe(404);
    expect(r.body.error?.code).toBe('UNKNOWN_METHOD');
  });

  it('persists an update and returns it', async () => {
    const r = await call('settings.update', { language: 'zh-CN', mode: 'standalone' });
    expect(r.body).toMatchObject({ ok: true, value: { language: 'zh-CN', mode: 'standalone' } });
    const onDisk = JSON.parse(await readFile(join(dir, 'data', 'settings.json'), 'utf8')) as unknown;
    expect(onDisk).toMatchObject({ language: 'zh-CN', mode: 'standalone' });
  });

  it('delivers events over the WebSocket in the order they happened', async () => {
    const { ws, messages } = await openEvents([EVENTS_SUBPROTOCOL, `${TOKEN_SUBPROTOCOL_PREFIX}${web.token}`]);
    expect(ws.protocol).toBe(EVENTS_SUBPROTOCOL);
    const languages = ['zh-CN', 'en', 'zh-CN', 'en', 'zh-CN', 'en', 'zh-CN'] as const;
    // Fired together: the host applies them in call order, and the events must follow that order.
    const results = await Promise.all(languages.map((language) => call('settings.update', { language })));
    expect(results.every((r) => r.body.ok)).toBe(true);
    await vi.waitFor(() => expect(messages).toHaveLength(languages.length));
    expect(messages.map((m) => (m as { seq: number }).seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(messages.map((m) => (m as { event: string }).event)).toEqual(languages.map(() => 'onSettingsChanged'));
    expect(messages.map((m) => (m as { payload: { language: string } }).payload.language)).toEqual([...languages]);
    ws.close();
  });

  it('refuses an event socket without the token or from another origin', async () => {
    const noToken = await openEvents([EVENTS_SUBPROTOCOL]);
    expect(await noToken.closed).toBe(4401);
    const foreign = await openEvents([EVENTS_SUBPROTOCOL, `${TOKEN_SUBPROTOCOL_PREFIX}${web.token}`], 'http://evil.example');
    expect(await foreign.closed).toBe(4401);
    await call('settings.update', { language: 'zh-CN' });
    expect(noToken.messages).toEqual([]);
    expect(foreign.messages).toEqual([]);
  });

  it('answers only at its own address (DNS rebinding)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: web.port, path: '/', headers: { Host: `evil.example:${web.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
  });

  it('serves the renderer with a strict Content-Security-Policy', async () => {
    const res = await fetch(`${web.origin}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="root">');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${web.port}`);
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves a printed report PDF at the one-time address report.systemPrint gives, framable only by our page', async () => {
    const pdf = join(dir, 'data', 'reports', 'CASE-1-2026', 'report.pdf');
    await mkdir(join(pdf, '..'), { recursive: true });
    const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(300_000, 7)]);
    await writeFile(pdf, bytes);
    const r = await call('report.systemPrint', { pdf });
    expect(r.status).toBe(200);
    const { via, url } = r.body.value as { via: string; url: string };
    expect(via).toBe('browser');
    expect(url).toMatch(/^\/documents\/[0-9a-f]{32}\/report\.pdf$/);
    const res = await fetch(`${web.origin}${url}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'self'");
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    // An address it did not hand out, and any other file of the workstation, are refused.
    expect((await fetch(`${web.origin}/documents/${'0'.repeat(32)}/report.pdf`)).status).toBe(404);
    const other = join(dir, 'data', 'settings.json');
    const refused = await call('report.systemPrint', { pdf: other });
    expect(refused.body.error?.code).toBe('REPORT_UNKNOWN_PDF');
    // Everything else is still never framed.
    expect((await fetch(`${web.origin}/`)).headers.get('x-frame-options')).toBe('DENY');
  });

  it('stages an upload in the data folder, and refuses paths that leave the batch', async () => {
    const batch = 'b-0123456789';
    const up = (path: string, body: string, token = web.token) =>
      fetch(`${web.origin}/upload?batch=${batch}&path=${encodeURIComponent(path)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/octet-stream', Authorization: `Bearer ${token}` },
        body,
      });
    const ok = await up('案件/照片 1.jpg', 'hello');
    const okBody = (await ok.json()) as { ok: boolean; value: { path: string; batchDir: string; size: number } };
    expect(okBody.ok).toBe(true);
    expect(okBody.value.path).toBe(join(dir, 'data', 'staging', batch, '案件', '照片 1.jpg'));
    expect(okBody.value.size).toBe(5);
    expect(await readFile(okBody.value.path, 'utf8')).toBe('hello');
    for (const bad of ['../escape', 'a/../../b', '/abs', 'a//b', 'a\\b']) {
      const r = await up(bad, 'x');
      expect(r.status).toBe(400);
      expect(await r.json()).toMatchObject({ ok: false, error: { code: 'UPLOAD_INVALID' } });
    }
    expect((await up('x.txt', 'x', 'wrong')).status).toBe(401);
    expect(existsSync(join(dir, 'data', 'escape'))).toBe(false);
  });

  it('stages many files from one upload-many request, and keeps none of a refused or cut one', async () => {
    const frame = (path: string, text: string): Buffer => {
      const bytes = Buffer.from(text);
      const header = Buffer.from(JSON.stringify({ path, size: bytes.length }));
      const length = Buffer.alloc(4);
      length.writeUInt32BE(header.length);
      return Buffer.concat([length, header, bytes]);
    };
    const many = (batch: string, body: Buffer, token = web.token) =>
      fetch(`${web.origin}/upload-many?batch=${batch}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/octet-stream', Authorization: `Bearer ${token}` },
        body: new Uint8Array(body),
      });
    const ok = await many('m-0123456789', Buffer.concat([frame('手机/DCIM/1.jpg', 'one'), frame('手机/2.db', ''), frame('3.txt', 'three')]));
    const okBody = (await ok.json()) as { ok: boolean; value: Array<{ path: string; batchDir: string; size: number }> };
    expect(okBody.ok).toBe(true);
    const batchDir = join(dir, 'data', 'staging', 'm-0123456789');
    expect(okBody.value).toEqual([
      { path: join(batchDir, '手机', 'DCIM', '1.jpg'), batchDir, size: 3 },
      { path: join(batchDir, '手机', '2.db'), batchDir, size: 0 },
      { path: join(batchDir, '3.txt'), batchDir, size: 5 },
    ]);
    expect(await readFile(join(batchDir, '3.txt'), 'utf8')).toBe('three');
    // A path that leaves the batch is refused; a body cut inside a file leaves no partial file behind.
    const bad = await many('m-1123456789', Buffer.concat([frame('a.txt', 'a'), frame('../escape', 'x')]));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ ok: false, error: { code: 'UPLOAD_INVALID' } });
    const whole = frame('cut.bin', 'twelve bytes');
    const cut = await many('m-2123456789', whole.subarray(0, whole.length - 3));
    expect(await cut.json()).toMatchObject({ ok: false, error: { code: 'UPLOAD_INVALID' } });
    expect(readdirSync(join(dir, 'data', 'staging', 'm-2123456789'))).toEqual([]);
    expect((await many('m-3123456789', frame('x', 'x'), 'wrong')).status).toBe(401);
  });
});

describe('upload-many frames', () => {
  const frame = (path: string, bytes: Buffer): Buffer => {
    const header = Buffer.from(JSON.stringify({ path, size: bytes.length }));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(header.length);
    return Buffer.concat([length, header, bytes]);
  };
  const files: Array<[string, Buffer]> = [['a.txt', Buffer.from('alpha')], ['empty', Buffer.alloc(0)], ['dir/证据 2.bin', Buffer.from('b'.repeat(300))]];
  const body = Buffer.concat(files.map(([p, b]) => frame(p, b)));

  it('reads the same files whatever the chunk boundaries (property)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: body.length }), { maxLength: 12 }), (cuts) => {
      const points = [...new Set(cuts)].sort((a, b) => a - b);
      const reader = new FrameReader();
      const got: Array<[string, Buffer]> = [];
      let at = 0;
      for (const end of [...points, body.length]) {
        for (const e of reader.feed(body.subarray(at, end))) {
          if (e.kind === 'start') got.push([e.path, Buffer.alloc(0)]);
          else if (e.kind === 'data') got[got.length - 1]![1] = Buffer.concat([got[got.length - 1]![1], e.bytes]);
        }
        at = end;
      }
      expect(reader.between).toBe(true);
      expect(got).toEqual(files);
    }));
  });

  it('refuses a header that is too long, not JSON or without a size, and tells a body cut inside a file', () => {
    const huge = Buffer.alloc(4);
    huge.writeUInt32BE(1 << 30);
    expect(() => new FrameReader().feed(huge)).toThrow(FrameError);
    expect(() => new FrameReader().feed(Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from('{x}')]))).toThrow(/not JSON/);
    expect(() => new FrameReader().feed(Buffer.concat([Buffer.from([0, 0, 0, 12]), Buffer.from('{"path":"a"}')]))).toThrow(/a path and a size/);
    const cut = new FrameReader();
    cut.feed(body.subarray(0, body.length - 1));
    expect(cut.between).toBe(false);
  });
});

describe('tokenMatches', () => {
  it('accepts only the exact token', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abd', 'abc')).toBe(false);
    expect(tokenMatches('abcd', 'abc')).toBe(false);
    expect(tokenMatches(undefined, 'abc')).toBe(false);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_ENTRY, RENDERER_CSP, privilegedSchemes, serveAppRequest } from './protocol';

let root: string;
let outside: string;
beforeAll(async () => {
  const base = await mkdtemp(join(tmpdir(), 'proto-'));
  root = join(base, 'renderer');
  outside = join(base, 'secret.txt');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><div id="root"></div>');
  await writeFile(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  await writeFile(outside, 'secret');
});
afterAll(async () => {
  await rm(join(root, '..'), { recursive: true, force: true });
});

const get = (url: string, method = 'GET') => serveAppRequest(new Request(url, { method }), root);

describe('app:// protocol', () => {
  it('is registered as a standard, secure scheme', () => {
    expect(privilegedSchemes).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    expect(APP_ENTRY).toBe('app://workstation/index.html');
  });

  it('serves the entry and assets with their types and the CSP header', async () => {
    const page = await get(APP_ENTRY);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(RENDERER_CSP);
    expect(await page.text()).toContain('id="root"');
    const js = await get('app://workstation/assets/index-abc.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await get('app://workstation/')).status).toBe(200);
  });

  it('has a CSP without eval, inline scripts, remote hosts or framing', () => {
    expect(RENDERER_CSP).toContain("script-src 'self'");
    expect(RENDERER_CSP).not.toMatch(/unsafe-eval|https?:|\*/);
    expect(RENDERER_CSP).toContain("connect-src 'self'");
    expect(RENDERER_CSP).toContain("object-src 'none'");
    expect(RENDERER_CSP).toContain("frame-ancestors 'none'");
  });

  it.each([
    ['app://workstation/../secret.txt', 404], // URL parsing already folds the ..
    ['app://workstation/%2e%2e/secret.txt', 404], // so does %2e%2e
    ['app://workstation/assets/%2e%2e%2f%2e%2e%2fsecret.txt', 403],
    ['app://workstation/%00', 400],
    ['app://workstation/%E0%A4%A', 400],
    ['app://other/index.html', 404],
    ['app://workstation/missing.js', 404],
    ['app://workstation/assets', 404],
  ])('refuses %s with %i', async (url, status) => {
    const res = await get(url);
    expect(res.status).toBe(status);
    expect(await res.text()).not.toContain('secret');
  });

  it('refuses methods other than GET and HEAD', async () => {
    expect((await get(APP_ENTRY, 'POST')).status).toBe(405);
    const head = await get(APP_ENTRY, 'HEAD');
    expect(head.status).toBe(200);
  });
});

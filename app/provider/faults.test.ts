// Storage faults and stuck uploads at the provider: a full disk or EIO creating an upload, writing the nonce
// cache or receiving bytes answers the named 507 and leaves nothing partial in staging; the provider works again
// once the fault clears; uploads expire and release their quota; oversized Upload-Lengths are refused with 413.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateSigner } from '../crypto/signer';
import { injectFaults, type InjectedFaults } from '../testing/faulty-io';
import { mountTmpfs, resizeTmpfs, tmpfsUnavailable, unmountAll } from '../testing/tmpfs';
import { AUTH_HEADER, bodyDigestOf, signRequest } from './auth';
import { ProviderClient } from './client';
import { StaticMemberDirectory } from './members';
import { createProviderServer, TUS_PATH, type ProviderServer, type ProviderServerOptions } from './server';

const provider = generateSigner();
const alice = generateSigner();
const directory = new StaticMemberDirectory([
  { keyId: alice.keyId, publicKey: alice.publicKey, role: 'investigator', enrolled: true, revoked: false },
  { keyId: provider.keyId, publicKey: provider.publicKey, role: 'provider', enrolled: true, revoked: false },
]);

let dir: string;
let server: ProviderServer | undefined;
let url: string;
let faults: InjectedFaults | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'provider-faults-'));
});
afterEach(async () => {
  faults?.restore();
  faults = undefined;
  await server?.close();
  server = undefined;
  unmountAll();
  rmSync(dir, { recursive: true, force: true });
});

async function start(providerDir: string, opts: Partial<ProviderServerOptions> = {}): Promise<void> {
  server = await createProviderServer({ dir: providerDir, signer: provider, directory, ...opts });
  url = await server.listen(0);
}

/** POST /files creating an upload of `size` bytes (tus 1.0.0 creation); resolves to the response. */
async function create(size: number): Promise<Response> {
  const sha = createHash('sha256').update(String(size)).digest('hex');
  const metadata = `sha256 ${Buffer.from(sha).toString('base64')},size ${Buffer.from(String(size)).toString('base64')}`;
  const headers = { 'upload-length': String(size), 'upload-metadata': metadata };
  return fetch(url + TUS_PATH, {
    method: 'POST',
    headers: { ...headers, 'tus-resumable': '1.0.0', [AUTH_HEADER]: signRequest(alice, { method: 'POST', path: TUS_PATH, bodyDigest: bodyDigestOf(undefined), headers }) },
  });
}

const errorCode = async (res: Response) => ((JSON.parse(await res.text()) as { error?: { code?: string } }).error?.code);
const staging = (providerDir: string) => readdirSync(join(providerDir, 'staging'));

function file(name: string, bytes: Buffer) {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
}
const client = () => new ProviderClient({ baseUrl: url, signer: alice, urlStorageFile: join(dir, 'urls.json') });

describe('provider under storage faults (injected)', () => {
  it.each([
    ['ENOSPC', 'STORE_FULL'],
    ['EIO', 'STORE_IO'],
  ] as const)('%s creating an upload: 507 %s, no orphan in staging, creation works once it clears', async (errno, code) => {
    const p = join(dir, 'provider');
    await start(p);
    faults = injectFaults({ path: /staging/, failAllFrom: 1, errno });
    const res = await create(1000);
    expect(res.status).toBe(507);
    expect(await errorCode(res)).toBe(code);
    expect(staging(p)).toEqual([]);
    faults.heal();
    expect((await create(1000)).status).toBe(201);
  });

  it('EIO writing the nonce cache: 507 STORE_IO, then requests are served again', async () => {
    const p = join(dir, 'provider');
    faults = injectFaults({ path: /nonces\.log$/, failWriteAt: 1, errno: 'EIO' }); // faults files opened from now on
    await start(p);
    const res = await create(10);
    expect(res.status).toBe(507);
    expect(await errorCode(res)).toBe('STORE_IO');
    faults.heal();
    expect((await create(10)).status).toBe(201);
  });
});

describe('upload limits and expiry', () => {
  it('refuses an Upload-Length above the largest upload or the whole quota with 413', async () => {
    await start(join(dir, 'provider'), { maxUploadBytes: 1 << 20, quotaBytes: 1 << 16 });
    const over = await create(2 << 20);
    expect(over.status).toBe(413);
    expect(await errorCode(over)).toBe('UPLOAD_TOO_LARGE');
    const overQuota = await create((1 << 16) + 1);
    expect(overQuota.status).toBe(413);
  });

  it('refuses 1 PiB without any quota (default largest upload)', async () => {
    await start(join(dir, 'provider'));
    expect((await create(2 ** 50)).status).toBe(413);
  });

  it('an upload that never sends a byte expires and releases its quota, also across a restart', async () => {
    const p = join(dir, 'provider');
    await start(p, { quotaBytes: 1000, uploadExpiryMs: 60_000 });
    expect((await create(900)).status).toBe(201);
    const refused = await create(900);
    expect(refused.status).toBe(507);
    expect(await errorCode(refused)).toBe('QUOTA_EXCEEDED');
    await server!.close();
    // Restarted with uploads expiring after 50 ms of idling: the idle upload is gone, its 900 bytes free again.
    await new Promise((r) => setTimeout(r, 100));
    await start(p, { quotaBytes: 1000, uploadExpiryMs: 50 });
    expect(staging(p)).toEqual([]);
    expect((await create(900)).status).toBe(201);
    // … and while the provider runs, too.
    await new Promise((r) => setTimeout(r, 200));
    expect(staging(p)).toEqual([]);
    expect((await create(900)).status).toBe(201);
  });
});

describe.skipIf(tmpfsUnavailable !== undefined)(`provider on a full tmpfs${tmpfsUnavailable ? ` (skipped: ${tmpfsUnavailable})` : ''}`, () => {
  it('a full disk answers 507 STORE_FULL, leaves no partial object, and stores again once space is freed', async () => {
    const m = mountTmpfs('1m');
    await start(m);
    const big = file('big.bin', randomBytes(2 << 20));
    await expect(client().upload(big.path, big)).rejects.toMatchObject({ status: 507, code: 'STORE_FULL' });
    expect(readdirSync(join(m, 'store', 'objects')).flatMap((d) => readdirSync(join(m, 'store', 'objects', d)))).toEqual([]);
    resizeTmpfs(m, '8m');
    await client().upload(big.path, big);
    expect((await server!.store.stat(big.sha256))?.size).toBe(big.size);
  });
});

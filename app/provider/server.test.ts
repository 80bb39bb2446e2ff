// The provider service and its client over real HTTP on 127.0.0.1 (in-process; the cross-process crash tests
// are in provider.integration.test.ts).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signRecord, verifyEnvelope, type SignedRecord } from '../crypto/envelope';
import { generateSigner } from '../crypto/signer';
import { AUTH_HEADER, bodyDigestOf, signRequest } from './auth';
import { ProviderClient, ProviderRequestError } from './client';
import { StaticMemberDirectory, type Member } from './members';
import { createProviderServer, type ProviderServer } from './server';

const provider = generateSigner();
const alice = generateSigner();
const bob = generateSigner();
const mallory = generateSigner();
const revoked = generateSigner();
const asMember = (s: typeof alice, patch: Partial<Member> = {}): Member => ({
  keyId: s.keyId,
  publicKey: s.publicKey,
  role: 'investigator',
  enrolled: true,
  revoked: false,
  ...patch,
});
const directory = new StaticMemberDirectory([
  asMember(alice),
  asMember(bob, { role: 'custodian' }),
  asMember(revoked, { revoked: true }),
  asMember(provider, { role: 'provider' }),
]);
const ORIGIN = 'example.police/ledger-test';

let dir: string;
let server: ProviderServer;
let url: string;
async function start(opts: { quotaBytes?: number; port?: number } = {}) {
  const { port, ...rest } = opts;
  server = await createProviderServer({ dir: join(dir, 'provider'), signer: provider, directory, origin: ORIGIN, ...rest });
  url = await server.listen(port ?? 0);
}
const client = (s: typeof alice, name = s.keyId) => new ProviderClient({ baseUrl: url, signer: s, urlStorageFile: join(dir, `urls-${name}.json`) });

function makeFile(name: string, bytes: Buffer): { path: string; sha256: string; size: number } {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
}

function objectsOnDisk(): string[] {
  const root = join(dir, 'provider', 'store', 'objects');
  return readdirSync(root).flatMap((p) => readdirSync(join(root, p)).map((n) => p + n));
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'provider-'));
  await start();
});
afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function depositionRequest(objects: { sha256: string; size: number }[], id = randomUUID(), depositor = alice): SignedRecord {
  const requestedAt = new Date().toISOString();
  return signRecord(
    {
      type: 'deposition.request',
      v: 1,
      origin: ORIGIN,
      id,
      time: requestedAt,
      caseId: 'CASE-1',
      exhibitId: `EX-${id.slice(0, 8)}`,
      depositor: depositor.keyId,
      requestedAt,
      objects: objects.map((o, i) => ({ name: `file-${i}.bin`, size: o.size, sha256: o.sha256 })),
      kind: 'file',
      metadata: { description: 'test exhibit' },
    },
    'depositor',
    depositor,
  );
}

describe('provider service', () => {
  it('stores an upload under its hash and serves it back verified', async () => {
    const f = makeFile('a.bin', randomBytes(3 << 20));
    const progress: number[] = [];
    const r = await client(alice).upload(f.path, f, { onProgress: (sent) => progress.push(sent) });
    expect(r).toEqual({ sha256: f.sha256, size: f.size, alreadyStored: false });
    expect(progress.at(-1)).toBe(f.size);
    expect(objectsOnDisk()).toEqual([f.sha256]);
    expect(readdirSync(join(dir, 'provider', 'staging'))).toEqual([]);
    await client(alice).download(f.sha256, join(dir, 'back.bin'));
    expect(readFileSync(join(dir, 'back.bin')).equals(readFileSync(f.path))).toBe(true);
  });

  it('rejects bytes that do not match the declared hash, and stores and signs nothing', async () => {
    const f = makeFile('b.bin', randomBytes(100_000));
    const wrong = createHash('sha256').update('something else').digest('hex');
    const err = await client(alice).upload(f.path, { sha256: wrong, size: f.size }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderRequestError);
    expect((err as ProviderRequestError).code).toBe('INTEGRITY');
    expect((err as ProviderRequestError).message).toContain(f.sha256);
    expect(objectsOnDisk()).toEqual([]);
    expect(readdirSync(join(dir, 'provider', 'staging'))).toEqual([]);
    const refused = await client(alice)
      .countersign(depositionRequest([{ sha256: wrong, size: f.size }]))
      .catch((e: unknown) => e);
    expect((refused as ProviderRequestError).code).toBe('OBJECT_NOT_STORED');
    expect(readdirSync(join(dir, 'provider', 'receipts'))).toEqual([]);
  });

  it('keeps one object when two depositors upload identical content', async () => {
    const f = makeFile('c.bin', randomBytes(200_000));
    const [a, b] = await Promise.all([client(alice).upload(f.path, f), client(bob).upload(f.path, f)]);
    expect([a.sha256, b.sha256]).toEqual([f.sha256, f.sha256]);
    expect((await client(bob).upload(f.path, f)).alreadyStored).toBe(true);
    expect(objectsOnDisk()).toEqual([f.sha256]);
  });

  it('answers an unknown key 401, a revoked key 403 and a replayed request 401', async () => {
    const f = makeFile('d.bin', Buffer.from('hello'));
    const e1 = await client(mallory).storedSize(f.sha256).catch((e: unknown) => e);
    expect(e1).toMatchObject({ status: 401 });
    const e2 = await client(revoked).upload(f.path, f).catch((e: unknown) => e);
    expect(e2).toMatchObject({ status: 403, code: 'KEY_REVOKED' });
    const body = Buffer.from(JSON.stringify({}));
    const path = `/objects/${f.sha256}/verify`;
    const headers = {
      [AUTH_HEADER]: signRequest(alice, { method: 'POST', path, bodyDigest: bodyDigestOf(body) }),
      'content-type': 'application/json',
    };
    const first = await fetch(url + path, { method: 'POST', headers, body });
    expect(first.status).toBe(404);
    const replay = await fetch(url + path, { method: 'POST', headers, body });
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { error: { code: string } }).error.code).toBe('REPLAYED_NONCE');
  });

  it('countersigns a deposition request once, idempotently by its id', async () => {
    const f = makeFile('e.bin', randomBytes(50_000));
    await client(alice).upload(f.path, f);
    const request = depositionRequest([f]);
    const receipt = await client(alice).countersign(request);
    expect(receipt.record).toMatchObject({
      type: 'deposition',
      id: request.record.id,
      origin: ORIGIN,
      receipt: { provider: provider.keyId, objects: [{ sha256: f.sha256, size: f.size }] },
    });
    const report = verifyEnvelope(receipt, {
      requiredRoles: ['provider'],
      resolveKey: (k, role) => (role === 'provider' && k === provider.keyId ? provider.publicKey : undefined),
    });
    expect(report.ok).toBe(true);
    expect(await client(alice).countersign(request)).toEqual(receipt);
    // Restarted provider: the same receipt, from disk.
    await server.close();
    await start();
    expect(await client(alice).countersign(request)).toEqual(receipt);
    // The same id for a different request is a conflict; another depositor's request is refused.
    const altered = depositionRequest([f], String(request.record.id) as ReturnType<typeof randomUUID>);
    await expect(client(alice).countersign(altered)).rejects.toMatchObject({ status: 409, code: 'REQUEST_ID_REUSED' });
    await expect(client(bob).countersign(depositionRequest([f]))).rejects.toMatchObject({ status: 403, code: 'NOT_DEPOSITOR' });
    const forged = { ...request, record: { ...request.record, caseId: 'CASE-2' } };
    await expect(client(alice).countersign(forged)).rejects.toMatchObject({ status: 422, code: 'REQUEST_REJECTED' });
  });

  it('re-verifies a stored object and signs the result', async () => {
    const f = makeFile('g.bin', randomBytes(10_000));
    await client(alice).upload(f.path, f);
    const result = await client(alice).verifyObject(f.sha256);
    expect(result.record).toMatchObject({ type: 'provider.integrity', sha256: f.sha256, result: 'match', observed: { sha256: f.sha256, size: f.size } });
    expect(result.signatures[0]).toMatchObject({ role: 'provider', keyId: provider.keyId });
    // The workstation records it as an integrity.check of scope provider, which the provider co-signs.
    const check = (observed: unknown, who = alice) =>
      signRecord(
        { type: 'integrity.check', v: 1, origin: ORIGIN, id: randomUUID(), time: new Date().toISOString(), exhibitId: 'EX-1', checker: who.keyId, scope: 'provider', result: 'match', observed, providerResult: result },
        'checker',
        who,
      ) as unknown as SignedRecord;
    const cosigned = await client(alice).countersignIntegrity(check({ sha256: f.sha256, size: f.size }));
    expect(cosigned.signatures.map((sig) => sig.role)).toEqual(['checker', 'provider']);
    const report = verifyEnvelope(cosigned, {
      requiredRoles: ['checker', 'provider'],
      resolveKey: (k, role) => (role === 'provider' && k === provider.keyId ? provider.publicKey : role === 'checker' && k === alice.keyId ? alice.publicKey : undefined),
    });
    expect(report.ok).toBe(true);
    await expect(client(alice).countersignIntegrity(check({ sha256: f.sha256, size: f.size + 1 }))).rejects.toMatchObject({ status: 422, code: 'REQUEST_REJECTED' });
    // Bob cannot reuse a result the provider made for Alice.
    await expect(client(bob).countersignIntegrity(check({ sha256: f.sha256, size: f.size }, bob))).rejects.toMatchObject({ status: 422 });
  });

  it('resumes an interrupted upload across a restart of both sides', async () => {
    const f = makeFile('h.bin', randomBytes(6 << 20));
    const abort = new AbortController();
    const first = client(alice, 'resume')
      .upload(f.path, f, {
        chunkSize: 1 << 20,
        onProgress: (sent) => {
          if (sent >= 2 << 20) abort.abort();
        },
        signal: abort.signal,
      })
      .catch((e: unknown) => e);
    expect(await first).toMatchObject({ code: 'ABORTED' });
    expect(Object.keys(JSON.parse(readFileSync(join(dir, 'urls-resume.json'), 'utf8')) as object)).toHaveLength(1);
    await server.close();
    await start({ port: Number(new URL(url).port) });
    const starts: { resumed: boolean }[] = [];
    const seen: number[] = [];
    await client(alice, 'resume').upload(f.path, f, { chunkSize: 1 << 20, onStart: (s) => starts.push(s), onProgress: (s) => seen.push(s) });
    expect(starts).toEqual([{ url: expect.stringMatching(/\/files\/[0-9a-f]{32}$/), resumed: true }]);
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(1 << 20);
    expect(objectsOnDisk()).toEqual([f.sha256]);
    expect(existsSync(join(dir, 'urls-resume.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'urls-resume.json'), 'utf8'))).toEqual({});
  });

  it('refuses an upload beyond what is left of the quota with 507, and one beyond the whole quota with 413', async () => {
    await server.close();
    await start({ quotaBytes: 3000 });
    const first = makeFile('q1.bin', randomBytes(2000));
    await client(alice).upload(first.path, first);
    const f = makeFile('q.bin', randomBytes(2000));
    await expect(client(alice).upload(f.path, f)).rejects.toMatchObject({ status: 507, code: 'QUOTA_EXCEEDED' });
    const huge = makeFile('q2.bin', randomBytes(3001));
    await expect(client(alice).upload(huge.path, huge)).rejects.toMatchObject({ status: 413, code: 'UPLOAD_TOO_LARGE' });
    expect(objectsOnDisk()).toEqual([first.sha256]);
  });
});

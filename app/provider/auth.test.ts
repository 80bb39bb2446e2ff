import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateSigner } from '../crypto/signer';
import { authenticate, bodyDigestOf, signRequest, UNSIGNED_PAYLOAD, type AuthContext, type IncomingToCheck } from './auth';
import { ForbiddenError, UnauthenticatedError } from './errors';
import { StaticMemberDirectory, DEPOSITOR_ROLES, type Member } from './members';
import { NonceCache } from './nonces';

const alice = generateSigner();
const revoked = generateSigner();
const stranger = generateSigner();
const prov = generateSigner();
const member = (s: typeof alice, patch: Partial<Member> = {}): Member => ({
  keyId: s.keyId,
  publicKey: s.publicKey,
  role: 'investigator',
  enrolled: true,
  revoked: false,
  ...patch,
});
const directory = new StaticMemberDirectory([
  member(alice),
  member(revoked, { revoked: true }),
  member(prov, { role: 'provider' }),
]);

let dir: string;
let ctx: AuthContext;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'auth-'));
  ctx = { directory, nonces: await NonceCache.open(join(dir, 'nonces.log'), 300_000), windowMs: 300_000 };
});
afterEach(async () => {
  await ctx.nonces.close();
  rmSync(dir, { recursive: true, force: true });
});

const body = Buffer.from('{"a":1}');
function request(signer: typeof alice, patch: Partial<IncomingToCheck> = {}, time?: number): IncomingToCheck {
  const base = { method: 'POST', path: '/deposition/countersign', bodyDigest: bodyDigestOf(body) };
  return {
    ...base,
    authHeader: signRequest(signer, base, time),
    allowUnsignedPayload: false,
    roles: DEPOSITOR_ROLES,
    ...patch,
  };
}

async function failure(p: Promise<unknown>): Promise<{ status: number; code: string }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof UnauthenticatedError || err instanceof ForbiddenError)) throw new Error(`expected an auth error, got ${String(err)}`);
  return { status: err.status, code: err.code };
}

describe('request authentication', () => {
  it('accepts a request signed by an enrolled depositor, once', async () => {
    const req = request(alice);
    expect((await authenticate(req, ctx)).keyId).toBe(alice.keyId);
    expect(await failure(authenticate(req, ctx))).toEqual({ status: 401, code: 'REPLAYED_NONCE' });
  });

  it('refuses a replay after a restart (the nonce cache is persisted)', async () => {
    const req = request(alice);
    await authenticate(req, ctx);
    await ctx.nonces.close();
    ctx.nonces = await NonceCache.open(join(dir, 'nonces.log'), 300_000);
    expect(await failure(authenticate(req, ctx))).toEqual({ status: 401, code: 'REPLAYED_NONCE' });
  });

  it.each([
    ['no header', () => request(alice, { authHeader: undefined }), 401, 'AUTH_MISSING'],
    ['garbage', () => request(alice, { authHeader: 'Bearer x' }), 401, 'AUTH_MALFORMED'],
    ['an unknown key', () => request(stranger), 401, 'UNKNOWN_KEY'],
    ['a revoked key', () => request(revoked), 403, 'KEY_REVOKED'],
    ['the provider role', () => request(prov), 403, 'ROLE_NOT_ALLOWED'],
    ['another path', () => request(alice, { path: '/objects/x/verify' }), 401, 'BAD_SIGNATURE'],
    ['another method', () => request(alice, { method: 'PUT' }), 401, 'BAD_SIGNATURE'],
    ['another body', () => request(alice, { bodyDigest: bodyDigestOf('{"a":2}') }), 401, 'BODY_DIGEST_MISMATCH'],
    ['a tampered tus header', () => request(alice, { headers: { 'upload-length': '5' } }), 401, 'BAD_SIGNATURE'],
    ['a time too old', () => request(alice, {}, Date.now() - 301_000), 401, 'TIME_OUTSIDE_WINDOW'],
    ['a time in the future', () => request(alice, {}, Date.now() + 301_000), 401, 'TIME_OUTSIDE_WINDOW'],
  ])('rejects %s', async (_name, make, status, code) => {
    expect(await failure(authenticate(make(), ctx))).toEqual({ status, code });
  });

  it('allows an unsigned payload only where the route allows it', async () => {
    const base = { method: 'PATCH', path: '/files/abc', bodyDigest: UNSIGNED_PAYLOAD, headers: { 'upload-offset': '0' } };
    const header = () => signRequest(alice, base);
    const patch = { ...base, roles: DEPOSITOR_ROLES, bodyDigest: bodyDigestOf('chunk') };
    expect(await failure(authenticate({ ...patch, authHeader: header(), allowUnsignedPayload: false }, ctx))).toEqual({
      status: 401,
      code: 'AUTH_MALFORMED',
    });
    expect((await authenticate({ ...patch, authHeader: header(), allowUnsignedPayload: true }, ctx)).keyId).toBe(alice.keyId);
  });
});

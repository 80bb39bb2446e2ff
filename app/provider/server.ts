// The provider service: fastify with tus uploads (@tus/server + StagingStore) under /files, the write-once
// object store, countersigned deposition receipts and signed re-verification. Every route except GET /info
// requires a request signed by an enrolled member (auth.ts).
//
//   GET  /info                          provider key id, public key, tus endpoint (unauthenticated)
//   POST|HEAD|PATCH|DELETE /files[/:id] tus 1.0.0 (creation, termination); Upload-Metadata: sha256, size
//   HEAD /objects/:sha256               200 + Content-Length when stored, 404 when not
//   GET  /objects/:sha256               the object, re-hashed on the way out (aborted if it no longer matches)
//   POST /objects/:sha256/verify        re-hash now; a provider-signed integrity result
//   POST /deposition/countersign        the depositor's signed deposition.request → provider-signed deposition
//   POST /integrity/countersign         a checker-signed integrity.check (scope provider) → + provider signature
import { mkdir } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Server as TusServer } from '@tus/server';
import type { Upload } from '@tus/utils';
import type { Signer } from '../crypto/signer';
import { authenticate, AUTH_HEADER, bodyDigestOf, UNSIGNED_PAYLOAD, type AuthContext } from './auth';
import { Countersigner } from './countersign';
import { BadRequestError, ForbiddenError, IntegrityError, ProviderError, storeErrorFrom, UploadTooLargeError } from './errors';
import { DEPOSITOR_ROLES, type Member, type MemberDirectory } from './members';
import { NonceCache } from './nonces';
import { requestBodyStream } from './request-body';
import { StagingStore } from './staging';
import { assertSha256, ObjectStore } from './store';

export const TUS_PATH = '/files';
/** The member authenticated by the fastify route, for the tus hooks (keyed by the Node request). */
const authenticated = new WeakMap<IncomingMessage, Member>();
/** The Node request behind a srvx request (what @tus/server hands its hooks). */
const nodeRequestOf = (req: { runtime?: { node?: { req?: unknown } } }): IncomingMessage | undefined =>
  req.runtime?.node?.req as IncomingMessage | undefined;

export interface ProviderServerOptions {
  /** The provider's data folder: store/, staging/, receipts/, nonces.log. */
  dir: string;
  /** The provider's own secp256k1 identity (role "provider" in the ledger). */
  signer: Signer;
  /** Membership as the ledger the provider follows knows it. */
  directory: MemberDirectory;
  /** The ledger's origin line, written into signed results. */
  origin?: string;
  /** Allowed clock difference for signed requests, ms (default 300 000: the genesis default skew). */
  windowMs?: number;
  quotaBytes?: number;
  /** An upload not finished this long after its last byte (or its creation) expires, releasing its quota (default 24 h), ms. */
  uploadExpiryMs?: number;
  /** Largest Upload-Length accepted (default 16 TiB); a larger one is refused with 413. */
  maxUploadBytes?: number;
  /** How long after a request its receipt may still be issued (genesis maxUploadSeconds; default 7 days), ms. */
  maxUploadMs?: number;
  /** Largest request body for JSON routes (default 1 MiB). */
  bodyLimit?: number;
  now?: () => number;
}

export interface ProviderServer {
  app: FastifyInstance;
  store: ObjectStore;
  countersigner: Countersigner;
  /** Listens on host:port (port 0: any free port) and resolves to the base URL. */
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

type TusError = { status_code: number; body: string };
const tusError = (err: ProviderError): TusError => ({
  status_code: err.status,
  body: JSON.stringify({ error: { code: err.code, message: err.message } }) + '\n',
});

function sendError(reply: FastifyReply, err: ProviderError): FastifyReply {
  // The code also goes in a header, for HEAD requests whose answers have no body.
  return reply.code(err.status).header('evidence-error', err.code).send({ error: { code: err.code, message: err.message } });
}

export async function createProviderServer(options: ProviderServerOptions): Promise<ProviderServer> {
  const now = options.now ?? Date.now;
  const windowMs = options.windowMs ?? 300_000;
  const stagingDir = join(options.dir, 'staging');
  await mkdir(stagingDir, { recursive: true });
  const store = await ObjectStore.open(join(options.dir, 'store'), { quotaBytes: options.quotaBytes });
  const nonces = await NonceCache.open(join(options.dir, 'nonces.log'), windowMs, now());
  const auth: AuthContext = { directory: options.directory, nonces, windowMs, now };
  const countersigner = await Countersigner.open({
    dir: join(options.dir, 'receipts'),
    store,
    signer: options.signer,
    directory: options.directory,
    now,
    maxClockSkewMs: windowMs,
    maxUploadMs: options.maxUploadMs ?? 7 * 86_400_000,
    ...(options.origin !== undefined ? { origin: options.origin } : {}),
  });

  const staging = new StagingStore(stagingDir);
  const reservations = new Map<string, () => void>();
  const maxUploadBytes = options.maxUploadBytes ?? 16 * 2 ** 40;
  const uploadExpiryMs = options.uploadExpiryMs ?? 24 * 3_600_000;
  const release = (id: string) => {
    reservations.get(id)?.();
    reservations.delete(id);
  };
  /** Removes uploads idle for longer than uploadExpiryMs and releases their quota. */
  const expire = async () => {
    for (const id of await staging.expired(uploadExpiryMs, now())) release(id);
  };

  /** Moves a completely received upload into the object store, or discards it when its hash is wrong. */
  async function finishUpload(upload: Upload): Promise<{ sha256: string; deduplicated: boolean }> {
    const sha256 = upload.metadata?.sha256 ?? '';
    const size = upload.size ?? -1;
    const file = join(stagingDir, upload.id);
    const run = staging.running.get(upload.id);
    staging.running.delete(upload.id);
    const hashed = run && run.offset === size ? { sha256: run.hash.digest('hex'), size } : undefined;
    try {
      const r = await store.adoptFile(file, { sha256, size }, hashed);
      await staging.configstore.delete(upload.id);
      return { sha256, deduplicated: r.deduplicated };
    } catch (err) {
      if (err instanceof IntegrityError) {
        // The bytes are not what the depositor declared: discard them; nothing is stored or signed.
        await staging.remove(upload.id);
      }
      throw err;
    } finally {
      release(upload.id);
    }
  }

  const tus = new TusServer({
    path: TUS_PATH,
    datastore: staging,
    // Upload ids are 128-bit random hex (the default naming function), checked by AtomicKvStore.
    async onUploadCreate(req, upload) {
      const node = nodeRequestOf(req);
      const depositor = node ? authenticated.get(node)?.keyId : undefined;
      if (!depositor) throw tusError(new BadRequestError('upload creation reached the store without an authenticated member'));
      const md = upload.metadata ?? {};
      const bad = (msg: string) => tusError(new BadRequestError(msg));
      if (upload.size === undefined) throw bad('Upload-Length is required: deferred lengths are not accepted');
      if (!/^[0-9a-f]{64}$/.test(md.sha256 ?? '')) throw bad(`Upload-Metadata sha256 must be 64 lowercase hex digits, got ${JSON.stringify(md.sha256 ?? null)}`);
      if (md.size !== String(upload.size)) throw bad(`Upload-Metadata size ${JSON.stringify(md.size ?? null)} differs from Upload-Length ${upload.size}`);
      const limit = Math.min(maxUploadBytes, store.quotaBytes ?? Infinity);
      if (upload.size > limit) {
        throw tusError(new UploadTooLargeError(`Upload-Length ${upload.size} exceeds the ${limit === maxUploadBytes ? 'largest upload' : 'quota'} of ${limit} bytes this provider accepts`));
      }
      try {
        reservations.set(upload.id, store.reserve(upload.size));
      } catch (err) {
        if (err instanceof ProviderError) throw tusError(err);
        throw err;
      }
      return { metadata: { ...md, depositor } };
    },
    async onUploadFinish(_req, upload) {
      try {
        const r = await finishUpload(upload);
        return { headers: { 'Evidence-Object': r.sha256, 'Evidence-Deduplicated': String(r.deduplicated) } };
      } catch (err) {
        if (err instanceof ProviderError) throw tusError(err);
        throw err;
      }
    },
  });

  // PATCH bodies reach the store through requestBodyStream instead of srvx's Readable.toWeb, which copies
  // every chunk (request-body.ts). The body is set on the request before tus reads it.
  const patch = tus.handlers.PATCH;
  const send = patch.send.bind(patch);
  patch.send = (req, context, headers) => {
    const node = nodeRequestOf(req as { runtime?: { node?: { req?: unknown } } });
    if (node) Object.defineProperty(req, 'body', { value: requestBodyStream(node), configurable: true });
    return send(req, context, headers);
  };

  // Recovery: uploads received completely before a crash are finished now; the others keep their quota until
  // they expire.
  await staging.removeOrphans();
  for (const id of await staging.configstore.list!()) {
    let upload: Upload;
    try {
      upload = await staging.getUpload(id);
    } catch (err) {
      // The description exists but its data file is gone: the upload cannot resume; forget it.
      if ((err as TusError).status_code === 410) await staging.configstore.delete(id);
      else throw err;
      continue;
    }
    reservations.set(id, store.reserve(upload.size ?? 0));
    if (upload.size !== undefined && upload.offset === upload.size) {
      await finishUpload(upload).catch((err: unknown) => {
        if (!(err instanceof IntegrityError)) throw err;
      });
    }
  }

  await expire();
  const expiryTimer = setInterval(() => void expire().catch(() => undefined), Math.min(uploadExpiryMs / 4, 300_000));
  expiryTimer.unref();

  const app = Fastify({ logger: false, bodyLimit: options.bodyLimit ?? 1 << 20, forceCloseConnections: true });

  app.setErrorHandler((err: unknown, req, reply) => {
    // A full disk (the nonce cache, receipts, the store) is the named 507, never a bare 500.
    const named = storeErrorFrom(err, `${req.method} ${req.url.split('?')[0]}`);
    if (named) return sendError(reply, named);
    const status = (err as { statusCode?: number }).statusCode;
    const message = err instanceof Error ? err.message : String(err);
    if (status && status >= 400 && status < 500) {
      return reply.code(status).send({ error: { code: 'BAD_REQUEST', message } });
    }
    return reply.code(500).send({ error: { code: 'INTERNAL', message } });
  });

  // JSON bodies are kept raw too: the signed body digest is over the exact bytes.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body: Buffer, done) => {
    (req as FastifyRequest & { rawBody?: Buffer }).rawBody = body;
    if (body.length === 0) return done(null, {});
    try {
      done(null, JSON.parse(body.toString('utf8')));
    } catch (err) {
      done(new BadRequestError(`the body is not JSON: ${(err as Error).message}`), undefined);
    }
  });

  const signedHeaders = (req: FastifyRequest) => {
    const h = (name: string) => {
      const v = req.headers[name];
      return typeof v === 'string' ? v : undefined;
    };
    return { 'upload-length': h('upload-length'), 'upload-offset': h('upload-offset'), 'upload-metadata': h('upload-metadata') };
  };

  async function requireMember(req: FastifyRequest, allowUnsignedPayload = false): Promise<Member> {
    const raw = (req as FastifyRequest & { rawBody?: Buffer }).rawBody;
    const header = req.headers[AUTH_HEADER];
    return authenticate(
      {
        method: req.method,
        path: req.url,
        bodyDigest: bodyDigestOf(raw),
        headers: signedHeaders(req),
        authHeader: typeof header === 'string' ? header : undefined,
        allowUnsignedPayload,
        roles: DEPOSITOR_ROLES,
      },
      auth,
    );
  }

  app.get('/info', async () => ({
    service: 'evidence-provider',
    keyId: options.signer.keyId,
    publicKey: options.signer.publicKey,
    tus: TUS_PATH,
    origin: options.origin ?? null,
  }));

  // tus routes: their bodies are raw upload bytes, left unread for @tus/server.
  await app.register(async (tusScope) => {
    tusScope.removeAllContentTypeParsers();
    tusScope.addContentTypeParser('*', (_req, _payload, done) => done(null));
    const handler = async (req: FastifyRequest, reply: FastifyReply) => {
      const method = req.method;
      if (method === 'POST' && Number(req.headers['content-length'] ?? 0) > 0) {
        throw new BadRequestError('creation-with-upload is not accepted: create the upload empty, then PATCH the bytes');
      }
      const member = await requireMember(req, method === 'PATCH');
      const id = req.url.slice(TUS_PATH.length + 1).split('?')[0] ?? '';
      if (id !== '') {
        const described = /^[0-9a-f]{32}$/.test(id) ? await staging.configstore.get(id) : undefined;
        if (described && described.metadata?.depositor !== member.keyId) {
          throw new ForbiddenError('NOT_UPLOAD_OWNER', `upload ${id} was created by another key than ${member.keyId}`);
        }
      }
      authenticated.set(req.raw, member);
      reply.hijack();
      await tus.handle(req.raw, reply.raw);
    };
    tusScope.route({ method: ['POST', 'HEAD', 'PATCH', 'DELETE', 'OPTIONS'], url: TUS_PATH, handler });
    tusScope.route({ method: ['POST', 'HEAD', 'PATCH', 'DELETE', 'OPTIONS'], url: `${TUS_PATH}/*`, handler });
  });

  app.head('/objects/:sha256', async (req, reply) => {
    await requireMember(req);
    const { sha256 } = req.params as { sha256: string };
    assertSha256(sha256);
    const info = await store.stat(sha256);
    if (!info) return reply.code(404).send();
    return reply.header('content-length', info.size).header('evidence-object', sha256).code(200).send();
  });

  app.get('/objects/:sha256', async (req, reply) => {
    await requireMember(req);
    const { sha256 } = req.params as { sha256: string };
    const { size, stream } = await store.openVerified(sha256);
    return reply
      .header('content-type', 'application/octet-stream')
      .header('content-length', size)
      .header('evidence-object', sha256)
      .send(stream);
  });

  app.post('/objects/:sha256/verify', async (req) => {
    const member = await requireMember(req);
    const { sha256 } = req.params as { sha256: string };
    return countersigner.verifyObject(sha256, member, options.origin);
  });

  app.post('/integrity/countersign', async (req) => {
    const member = await requireMember(req);
    return countersigner.countersignIntegrity((req.body as { check?: unknown } | undefined)?.check, member);
  });

  app.post('/deposition/countersign', async (req) => {
    const member = await requireMember(req);
    return countersigner.countersign((req.body as { request?: unknown } | undefined)?.request, member);
  });

  return {
    app,
    store,
    countersigner,
    async listen(port: number, host = '127.0.0.1') {
      await app.listen({ port, host });
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error(`unexpected listen address ${String(address)}`);
      return `http://${host}:${address.port}`;
    },
    async close() {
      clearInterval(expiryTimer);
      await app.close();
      await nonces.close();
    },
  };
}

export { UNSIGNED_PAYLOAD };

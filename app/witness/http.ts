// Small HTTP helpers shared by the witness, the mirror and the node-side witness client: fastify servers with
// bounded request bodies on the server side and bounded responses on the client side, so no peer can make us
// buffer without limit.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { EvidenceError } from '../common/errors';

/** A peer response or request that breaks a size or protocol limit; `code` is stable. */
export class HttpLimitError extends EvidenceError<'NET_TOO_LARGE' | 'NET_BAD_STATUS' | 'NET_UNREACHABLE' | 'NET_TIMEOUT'> {
  override name = 'HttpLimitError';
  constructor(
    code: 'NET_TOO_LARGE' | 'NET_BAD_STATUS' | 'NET_UNREACHABLE' | 'NET_TIMEOUT',
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** A server app's request body, in bytes, as peerApp's parser keeps it (none for a bodiless request). */
export function rawBody(req: FastifyRequest): Uint8Array {
  const body = req.body;
  return Buffer.isBuffer(body) ? new Uint8Array(body.buffer, body.byteOffset, body.length) : new Uint8Array(0);
}

/** The fastify app behind each node Server that peerApp made, for listen/closeServer. */
const apps = new WeakMap<Server, FastifyInstance>();

/**
 * A fastify app for a peer-facing server (the witness, the mirror, a static tile server): bodies of any content
 * type kept as raw bytes up to `bodyLimit` (413 beyond it, the connection closed), plain-text 404 and 500 answers.
 * `serve` registers the routes; the node Server it returns is started and stopped with listen/closeServer.
 */
export function peerApp(bodyLimit: number, serve: (app: FastifyInstance) => void): Server {
  const app = Fastify({ logger: false, bodyLimit, exposeHeadRoutes: false });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.setNotFoundHandler((_req, reply) => text(reply, 404, 'not found\n'));
  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    if (err.statusCode === 413) {
      const declared = Number(req.headers['content-length'] ?? NaN);
      const message = Number.isFinite(declared) && declared > bodyLimit ? `request body of ${declared} bytes exceeds the ${bodyLimit}-byte limit` : `request body exceeds the ${bodyLimit}-byte limit`;
      return text(reply.header('connection', 'close'), 413, `${message}\n`, 'text/plain');
    }
    return text(reply, 500, `internal error: ${err.message}\n`);
  });
  app.addHook('onRequest', async (req, reply) => {
    // An unknown address is answered before its body is read.
    if (req.is404) return text(reply, 404, 'not found\n');
    // A body is bytes whatever type it declares (c2sp.org/tlog-witness names none): a malformed type is no 415.
    delete req.headers['content-type'];
    return undefined;
  });
  serve(app);
  apps.set(app.server, app);
  return app.server;
}

/** A route's onRequest hook refusing other methods with 405 before their body is read (`allow`: the first one). */
export function only(...methods: string[]): { onRequest: (req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined> } {
  return {
    onRequest: async (req, reply) => (methods.includes(req.method) ? undefined : text(reply.header('allow', methods[0]!), 405, `use ${methods[0]}\n`, 'text/plain')),
  };
}

/** Answers `status` with `body` as it is (no serialisation) and an explicit content type. */
export function text(reply: FastifyReply, status: number, body: string | Uint8Array, contentType = 'text/plain; charset=utf-8'): FastifyReply {
  // A Buffer, so fastify adds nothing to the content type.
  return reply.code(status).header('content-type', contentType).send(typeof body === 'string' ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.length));
}

export interface FetchOptions {
  /** Largest accepted response body in bytes. */
  limit: number;
  method?: 'GET' | 'POST';
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export interface FetchResult {
  status: number;
  contentType: string;
  body: Uint8Array;
}

/**
 * fetch() with a hard response size limit: the body is streamed and the request aborted as soon as it passes
 * `limit` bytes (a declared Content-Length above it fails before reading). Network errors and timeouts become
 * HttpLimitError with NET_UNREACHABLE / NET_TIMEOUT.
 */
export async function fetchLimited(url: string, opts: FetchOptions): Promise<FetchResult> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), opts.timeoutMs ?? 15_000);
  try {
    let res: Response;
    try {
      res = await fetch(url, {
        method: opts.method ?? 'GET',
        ...(opts.body !== undefined ? { body: typeof opts.body === 'string' ? opts.body : new Uint8Array(opts.body) } : {}),
        headers: opts.headers ?? {},
        signal: ctrl.signal,
      });
    } catch (err) {
      if (ctrl.signal.aborted) throw new HttpLimitError('NET_TIMEOUT', `${url}: no response within ${opts.timeoutMs ?? 15_000} ms`, undefined, { cause: err });
      throw new HttpLimitError('NET_UNREACHABLE', `${url}: ${(err as Error).message}`, undefined, { cause: err });
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > opts.limit) {
      ctrl.abort();
      throw new HttpLimitError('NET_TOO_LARGE', `${url}: response of ${declared} bytes exceeds the ${opts.limit}-byte limit`, res.status);
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    if (res.body) {
      const reader = res.body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          total += value.length;
          if (total > opts.limit) {
            ctrl.abort();
            throw new HttpLimitError('NET_TOO_LARGE', `${url}: response exceeds the ${opts.limit}-byte limit`, res.status);
          }
          chunks.push(value);
        }
      } catch (err) {
        if (err instanceof HttpLimitError) throw err;
        throw new HttpLimitError(ctrl.signal.aborted ? 'NET_TIMEOUT' : 'NET_UNREACHABLE', `${url}: ${(err as Error).message}`, res.status, { cause: err });
      }
    }
    const body = new Uint8Array(total);
    let p = 0;
    for (const c of chunks) {
      body.set(c, p);
      p += c.length;
    }
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body };
  } finally {
    clearTimeout(timer);
  }
}

/** Listens on host:port (0 = any free port) and resolves to the base URL. */
export async function listen(server: Server, port: number, host: string): Promise<string> {
  const app = apps.get(server);
  if (app) {
    await app.listen({ port, host });
    return baseUrl(server);
  }
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(baseUrl(server));
    });
  });
}

function baseUrl(server: Server): string {
  const a = server.address() as AddressInfo;
  return `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
}

/**
 * Closes a server, dropping idle keep-alive connections so close() does not wait for them (a request under way
 * is answered first).
 */
export async function closeServer(server: Server): Promise<void> {
  const app = apps.get(server);
  if (app) return app.close();
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeIdleConnections();
  });
}

/** Serialises async work per key (one chain per log origin). */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();
  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

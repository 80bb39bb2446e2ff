// The web host: the same API contract as Electron's IPC, over HTTP POST `/api/<method>` and a WebSocket at
// `/events`, bound to 127.0.0.1 and guarded by a per-launch random token. It also serves the built renderer, so
// the whole UI runs in an ordinary browser (this is how it is tested where Electron cannot run).
//
// Guards, in order: the Host header must name this loopback address and port (defeats DNS rebinding); API calls,
// uploads and the event socket need the token (a bearer header, or a WebSocket subprotocol `token.<hex>` since
// browsers cannot set headers on WebSockets), compared in constant time; the event socket also needs our own
// Origin. The token travels to the page in the URL's fragment, which browsers never send, so it is not logged.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import type { WebSocket } from 'ws';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AdapterErrorCode, type Envelope } from '../contract/api';
import type { WorkstationHost } from '../host/host';
import { fail } from '../host/dispatch';
import { StagingArea } from './staging';

export const EVENTS_SUBPROTOCOL = 'workstation.v1';
export const TOKEN_SUBPROTOCOL_PREFIX = 'token.';

export interface WebHostOptions {
  host: WorkstationHost;
  /** 0 picks a free port. */
  port?: number;
  /** The built renderer (`out/renderer`); when absent, `/` explains how to build it. */
  rendererDir?: string;
  /** Largest single upload to the staging folder, in bytes. */
  maxUploadBytes?: number;
}

export interface WebHost {
  /** The URL to open, with the token in the fragment. */
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** The page's Content-Security-Policy: our own scripts only, no eval, no plugins, no framing. */
export function contentSecurityPolicy(origin: string): string {
  const wsOrigin = origin.replace(/^http/, 'ws');
  return [
    "default-src 'self'",
    "script-src 'self'",
    // antd injects its CSS-in-JS as <style> elements.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${wsOrigin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Constant-time token comparison (both sides hashed first so lengths always match). */
export function tokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function statusOf(envelope: Envelope<unknown>): number {
  if (envelope.ok) return 200;
  switch (envelope.error.code) {
    case AdapterErrorCode.INVALID_ARGUMENT:
      return 400;
    case AdapterErrorCode.UNAUTHORIZED:
      return 401;
    case AdapterErrorCode.UNKNOWN_METHOD:
      return 404;
    case AdapterErrorCode.INTERNAL:
      return 500;
    default:
      // A service said no (wrong passphrase, locked, …): the call itself worked.
      return 200;
  }
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { host } = options;
  const token = randomBytes(32).toString('hex');
  let port = 0;
  const allowedHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];
  const origin = (): string => `http://127.0.0.1:${port}`;
  const sockets = new Set<WebSocket>();
  const staging = new StagingArea(join(host.dataDir, 'staging'), options.maxUploadBytes ?? 64 * 1024 ** 3);

  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 });

  app.addHook('onRequest', async (request, reply) => {
    if (!allowedHosts().includes(request.headers.host ?? '')) {
      host.log.warn(`web host: refused a request for host ${JSON.stringify(request.headers.host)}`);
      return reply.code(421).type('text/plain').send('This server answers only at its own loopback address.');
    }
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    // A printable document sets its own framing rules (our page frames it to print it); all else is never framed.
    if (!reply.hasHeader('Content-Security-Policy')) reply.header('Content-Security-Policy', contentSecurityPolicy(origin()));
    if (!reply.hasHeader('X-Frame-Options')) reply.header('X-Frame-Options', 'DENY');
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    reply.header('Cross-Origin-Resource-Policy', 'same-origin');
    return payload;
  });

  // Fastify's own refusals (bad JSON, wrong content type, body too large) also answer with an envelope.
  app.setErrorHandler(async (err: { statusCode?: number; message: string }, request, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) host.log.error(`web host: ${request.method} ${request.url} failed`, err);
    return reply
      .code(status)
      .send(
        status < 500
          ? fail(AdapterErrorCode.INVALID_ARGUMENT, `The request was refused: ${err.message}.`)
          : fail(AdapterErrorCode.INTERNAL, 'The web host failed to answer. The log file has details.'),
      );
  });

  const bearer = (request: FastifyRequest): string | undefined => {
    const h = request.headers.authorization;
    return h?.startsWith('Bearer ') ? h.slice(7) : undefined;
  };
  const refuse = (reply: FastifyReply) =>
    reply
      .code(401)
      .send(
        fail(
          AdapterErrorCode.UNAUTHORIZED,
          'This request lacks the workstation token. Open the exact address `evidence serve` printed, including the part after #.',
        ),
      );

  await app.register(fastifyWebsocket, {
    options: {
      maxPayload: 64 * 1024,
      handleProtocols: (protocols) => (protocols.has(EVENTS_SUBPROTOCOL) ? EVENTS_SUBPROTOCOL : false),
    },
  });

  // Uploads stream their bodies to the staging folder themselves.
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));

  app.post<{ Params: { method: string } }>('/api/:method', async (request, reply) => {
    if (!tokenMatches(bearer(request), token)) return refuse(reply);
    const envelope = await host.call(request.params.method, request.body);
    return reply.code(statusOf(envelope)).send(envelope);
  });

  app.post<{ Querystring: { batch?: string; path?: string } }>('/upload', async (request, reply) => {
    if (!tokenMatches(bearer(request), token)) return refuse(reply);
    const { batch, path } = request.query;
    const result = await staging.receive(batch, path, request.body as NodeJS.ReadableStream);
    if (!result.ok) host.log.warn(`web host: upload refused: ${result.error.message}`);
    return reply.code(result.ok ? 200 : 400).send(result);
  });

  // Many dropped files in one request (staging.ts FrameReader): small files one by one cost the browser more
  // than staging them.
  app.post<{ Querystring: { batch?: string } }>('/upload-many', async (request, reply) => {
    if (!tokenMatches(bearer(request), token)) return refuse(reply);
    const result = await staging.receiveMany(request.query.batch, request.body as AsyncIterable<Buffer>);
    if (!result.ok) host.log.warn(`web host: upload refused: ${result.error.message}`);
    return reply.code(result.ok ? 200 : 400).send(result);
  });

  // A report PDF for the page to print (report.systemPrint): the address is a random, one-time capability the
  // host handed to a token-holding caller, since a frame cannot send the bearer header. Only our own page may
  // frame it.
  app.get<{ Params: { id: string; name: string } }>('/documents/:id/:name', async (request, reply) => {
    const path = /^[0-9a-f]{32}$/.test(request.params.id) ? host.report.document(request.params.id) : undefined;
    if (path === undefined) {
      return reply.code(404).type('text/plain; charset=utf-8').send('No such document: print the report again from the Reports screen.');
    }
    return reply
      .header('Content-Security-Policy', "default-src 'none'; frame-ancestors 'self'")
      .header('X-Frame-Options', 'SAMEORIGIN')
      .header('Cache-Control', 'no-store')
      .header('Content-Disposition', `inline; filename="${basename(path).replace(/[^A-Za-z0-9._-]/g, '_')}"`)
      .type('application/pdf')
      .send(createReadStream(path));
  });

  app.get('/events', { websocket: true }, (socket, request) => {
    const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    const given = offered.find((p) => p.startsWith(TOKEN_SUBPROTOCOL_PREFIX))?.slice(TOKEN_SUBPROTOCOL_PREFIX.length);
    if (request.headers.origin !== origin() || !tokenMatches(given, token)) {
      host.log.warn(`web host: refused an event socket from origin ${JSON.stringify(request.headers.origin)}`);
      socket.close(4401, 'unauthorized');
      return;
    }
    sockets.add(socket);
    let seq = 0;
    const off = host.onEvent((event, payload) => {
      seq += 1;
      socket.send(JSON.stringify({ seq, event, payload }));
    });
    socket.on('close', () => {
      off();
      sockets.delete(socket);
    });
  });

  const rendererDir = options.rendererDir;
  if (rendererDir !== undefined && existsSync(join(rendererDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: rendererDir, index: 'index.html', dotfiles: 'deny' });
  } else {
    app.get('/', async (_request, reply) =>
      reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The user interface is not built. Run `npm run serve`, which builds it before starting the host.'),
    );
  }

  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the web host did not get a TCP port');
  port = address.port;

  let closing: Promise<void> | undefined;
  return {
    url: `${origin()}/#token=${token}`,
    origin: origin(),
    port,
    token,
    close: () =>
      (closing ??= (async () => {
        for (const s of sockets) s.close(1001, 'the workstation is shutting down');
        await app.close();
        await host.close();
      })()),
  };
}

// Serves a mirror to its peers, on fastify: each followed log's tlog-tiles resources under /<origin hash>/
// (checkpoint, tile/…, exactly the verified files on disk), POST /gossip for fork detection, GET /status for the
// sync states.
import type { Server } from 'node:http';
import type { FastifyReply } from 'fastify';
import { utf8Decode } from '../ledger/bytes';
import { peekCheckpoint } from '../ledger/checkpoint';
import { parseTilePath } from '../ledger/layout';
import { NotFoundError, type TileFetcher } from '../ledger/tiles';
import { only, peerApp, rawBody, text } from '../witness/http';
import type { Mirror } from './mirror';

const MAX_GOSSIP_BODY = 1 << 20;
const ORIGIN_HASH = /^[0-9a-f]{64}$/;

/** Answers GET of one tlog-tiles resource ('checkpoint' or a tile path) from a driver (c2sp.org/tlog-tiles caching). */
export async function serveResource(driver: TileFetcher, resource: string, reply: FastifyReply): Promise<FastifyReply> {
  if (resource !== 'checkpoint') {
    try {
      parseTilePath(resource);
    } catch (err) {
      return text(reply, 404, `${(err as Error).message}\n`);
    }
  }
  let bytes: Uint8Array;
  try {
    bytes = await driver.get(resource);
  } catch (err) {
    if (err instanceof NotFoundError) return text(reply, 404, 'not found\n');
    throw err;
  }
  const cache = resource === 'checkpoint' || resource.includes('.p/') ? 'no-cache' : 'public, max-age=31536000, immutable';
  return text(reply.header('cache-control', cache), 200, bytes, resource === 'checkpoint' ? 'text/plain; charset=utf-8' : 'application/octet-stream');
}

/** A static tlog-tiles server for one log stored on a driver, at the URL root (GET /checkpoint, /tile/…). */
export function createTileServer(driver: TileFetcher): Server {
  // GET and HEAD only: no request body is ever read.
  return peerApp(1, (app) => {
    app.all('/*', only('GET', 'HEAD'), async (req, reply) => serveResource(driver, pathOf(req.url).slice(1), reply));
  });
}

export function createMirrorServer(mirror: Mirror): Server {
  return peerApp(MAX_GOSSIP_BODY, (app) => {
    app.all('/gossip', only('POST'), async (req, reply) => {
      const body = utf8Decode(rawBody(req));
      let origin: string;
      try {
        origin = peekCheckpoint(body).origin;
      } catch (err) {
        return text(reply, 400, `bad gossip: ${(err as Error).message}\n`);
      }
      const log = mirror.logs.get(origin);
      if (!log) return text(reply, 404, `this mirror does not follow ${JSON.stringify(origin)}\n`);
      await log.observe(body, `gossip from ${req.socket.remoteAddress ?? '?'}`);
      const note = log.note;
      if (note === undefined) return text(reply, 404, `no trusted checkpoint yet for ${origin}\n`);
      return text(reply, 200, note);
    });
    app.get('/status', async (_req, reply) => text(reply, 200, `${JSON.stringify(mirror.states())}\n`, 'application/json'));
    app.route({
      method: ['GET', 'HEAD'],
      url: '/:hash/*',
      handler: async (req, reply) => {
        const { hash } = req.params as { hash: string };
        const resource = pathOf(req.url).slice(hash.length + 2);
        if (!ORIGIN_HASH.test(hash) || !(resource === 'checkpoint' || /^tile\/.+$/.test(resource))) return text(reply, 404, 'not found\n');
        const log = mirror.byHash(hash);
        if (!log) return text(reply, 404, 'unknown log\n');
        if (resource === 'checkpoint') {
          if (log.note === undefined) return text(reply, 404, 'no trusted checkpoint yet\n');
          return text(reply.header('cache-control', 'no-cache'), 200, log.note);
        }
        return serveResource(log.driver, resource, reply);
      },
    });
  });
}

/** The request's path as sent (percent-encoding kept, query dropped), as the tlog-tiles layout names resources. */
const pathOf = (url: string): string => new URL(url, 'http://peer').pathname;

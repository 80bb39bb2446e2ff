// Serves a mirror to its peers: each followed log's tlog-tiles resources under /<origin hash>/ (checkpoint,
// tile/…, exactly the verified files on disk), POST /gossip for fork detection, GET /status for the sync states.
import { createServer, type Server, type ServerResponse } from 'node:http';
import { utf8Decode } from '../ledger/bytes';
import { peekCheckpoint } from '../ledger/checkpoint';
import { parseTilePath } from '../ledger/layout';
import { NotFoundError, type TileFetcher } from '../ledger/tiles';
import { HttpLimitError, readBody, send } from '../witness/http';
import type { Mirror } from './mirror';

const MAX_GOSSIP_BODY = 1 << 20;

/** Answers GET of one tlog-tiles resource ('checkpoint' or a tile path) from a driver (c2sp.org/tlog-tiles caching). */
export async function serveResource(driver: TileFetcher, resource: string, res: ServerResponse): Promise<void> {
  if (resource !== 'checkpoint') {
    try {
      parseTilePath(resource);
    } catch (err) {
      return send(res, 404, `${(err as Error).message}\n`);
    }
  }
  let bytes: Uint8Array;
  try {
    bytes = await driver.get(resource);
  } catch (err) {
    if (err instanceof NotFoundError) return send(res, 404, 'not found\n');
    throw err;
  }
  const cache = resource === 'checkpoint' || resource.includes('.p/') ? 'no-cache' : 'public, max-age=31536000, immutable';
  return send(res, 200, bytes, resource === 'checkpoint' ? 'text/plain; charset=utf-8' : 'application/octet-stream', { 'cache-control': cache });
}

/** A static tlog-tiles server for one log stored on a driver, at the URL root (GET /checkpoint, /tile/…). */
export function createTileServer(driver: TileFetcher): Server {
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://log').pathname.slice(1);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'use GET\n', 'text/plain', { allow: 'GET' });
    serveResource(driver, path, res).catch((err: unknown) => {
      if (res.headersSent) res.destroy(err as Error);
      else send(res, 500, `internal error: ${(err as Error).message}\n`);
    });
  });
}

export function createMirrorServer(mirror: Mirror): Server {
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://mirror').pathname;
    const handle = async (): Promise<void> => {
      if (path === '/gossip') {
        if (req.method !== 'POST') return send(res, 405, 'use POST\n', 'text/plain', { allow: 'POST' });
        const body = utf8Decode(await readBody(req, MAX_GOSSIP_BODY));
        let origin: string;
        try {
          origin = peekCheckpoint(body).origin;
        } catch (err) {
          return send(res, 400, `bad gossip: ${(err as Error).message}\n`);
        }
        const log = mirror.logs.get(origin);
        if (!log) return send(res, 404, `this mirror does not follow ${JSON.stringify(origin)}\n`);
        await log.observe(body, `gossip from ${req.socket.remoteAddress ?? '?'}`);
        const note = log.note;
        if (note === undefined) return send(res, 404, `no trusted checkpoint yet for ${origin}\n`);
        return send(res, 200, note);
      }
      if (path === '/status' && req.method === 'GET') return send(res, 200, `${JSON.stringify(mirror.states())}\n`, 'application/json');
      const m = /^\/([0-9a-f]{64})\/(checkpoint|tile\/.+)$/.exec(path);
      if (!m || (req.method !== 'GET' && req.method !== 'HEAD')) return send(res, 404, 'not found\n');
      const log = mirror.byHash(m[1]!);
      if (!log) return send(res, 404, 'unknown log\n');
      const resource = m[2]!;
      if (resource === 'checkpoint') {
        if (log.note === undefined) return send(res, 404, 'no trusted checkpoint yet\n');
        return send(res, 200, log.note, 'text/plain; charset=utf-8', { 'cache-control': 'no-cache' });
      }
      return serveResource(log.driver, resource, res);
    };
    handle().catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy(err as Error);
        return;
      }
      if (err instanceof HttpLimitError && err.code === 'NET_TOO_LARGE') send(res, 413, `${err.message}\n`, 'text/plain', { connection: 'close' });
      else send(res, 500, `internal error: ${(err as Error).message}\n`);
    });
  });
}

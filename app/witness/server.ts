// The witness's HTTP face (c2sp.org/tlog-witness): POST /add-checkpoint, GET /<origin hash>/checkpoint (monitor
// retrieval) and POST /gossip (fork detection among our peers). Bodies are bounded; the core decides every answer.
import { createServer, type Server } from 'node:http';
import { HttpLimitError, readBody, send } from './http';
import { MAX_ADD_CHECKPOINT_BODY, type Witness } from './witness';

export function createWitnessServer(witness: Witness): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://witness');
    const path = url.pathname;
    const handle = async (): Promise<void> => {
      if (path === '/add-checkpoint' || path === '/gossip') {
        if (req.method !== 'POST') return send(res, 405, 'use POST\n', 'text/plain', { allow: 'POST' });
        const body = await readBody(req, MAX_ADD_CHECKPOINT_BODY);
        const reply = path === '/add-checkpoint' ? await witness.addCheckpoint(body) : await witness.gossip(body, `gossip from ${req.socket.remoteAddress ?? '?'}`);
        return send(res, reply.status, reply.body, reply.contentType);
      }
      const m = /^\/([0-9a-f]{64})\/checkpoint$/.exec(path);
      if (m && (req.method === 'GET' || req.method === 'HEAD')) {
        const note = witness.latestByHash(m[1]!);
        if (note === undefined) return send(res, 404, 'no cosigned checkpoint for that origin hash\n');
        return send(res, 200, note, 'text/plain; charset=utf-8', { 'cache-control': 'no-cache' });
      }
      return send(res, 404, 'not found\n');
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

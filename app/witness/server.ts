// The witness's HTTP face (c2sp.org/tlog-witness): POST /add-checkpoint, GET /<origin hash>/checkpoint (monitor
// retrieval) and POST /gossip (fork detection among our peers), on fastify. Bodies are bounded; the core decides
// every answer.
import type { Server } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { only, peerApp, rawBody, text } from './http';
import { MAX_ADD_CHECKPOINT_BODY, type Witness, type WitnessReply } from './witness';

const ORIGIN_HASH = /^[0-9a-f]{64}$/;

export function createWitnessServer(witness: Witness): Server {
  return peerApp(MAX_ADD_CHECKPOINT_BODY, (app) => {
    const post = (answer: (body: Uint8Array, req: FastifyRequest) => Promise<WitnessReply>) => async (req: FastifyRequest, reply: FastifyReply) => {
      const r = await answer(rawBody(req), req);
      return text(reply, r.status, r.body, r.contentType);
    };
    app.all('/add-checkpoint', only('POST'), post((body) => witness.addCheckpoint(body)));
    app.all('/gossip', only('POST'), post((body, req) => witness.gossip(body, `gossip from ${req.socket.remoteAddress ?? '?'}`)));
    app.route({
      method: ['GET', 'HEAD'],
      url: '/:hash/checkpoint',
      handler: async (req, reply) => {
        const { hash } = req.params as { hash: string };
        if (!ORIGIN_HASH.test(hash)) return text(reply, 404, 'not found\n');
        const note = witness.latestByHash(hash);
        if (note === undefined) return text(reply, 404, 'no cosigned checkpoint for that origin hash\n');
        return text(reply.header('cache-control', 'no-cache'), 200, note);
      },
    });
  });
}

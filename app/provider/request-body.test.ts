// requestBodyStream over a real HTTP server on 127.0.0.1.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { requestBodyStream } from './request-body';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** Starts a server that hands each request to `onRequest`; resolves to its port. */
async function serve(onRequest: (req: IncomingMessage) => void): Promise<number> {
  server = createServer((req, res) => {
    onRequest(req);
    req.once('end', () => res.end());
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return (server.address() as AddressInfo).port;
}

function post(port: number, body: Buffer) {
  const req = request({ host: '127.0.0.1', port, method: 'POST', headers: { 'content-length': body.length } });
  req.on('error', () => {});
  req.end(body);
  return req;
}

describe('requestBodyStream', () => {
  it('delivers the exact body as the request’s own buffers, not copies', async () => {
    const body = randomBytes(3 * (1 << 20) + 17);
    const got = new Promise<{ sha256: string; size: number; allBuffers: boolean }>((resolve, reject) => {
      void serve((req) => {
        void (async () => {
          const hash = createHash('sha256');
          let size = 0;
          let allBuffers = true;
          for await (const chunk of requestBodyStream(req)) {
            // Node's Readable.toWeb hands on plain Uint8Array copies; the request's chunks are Buffers.
            allBuffers &&= Buffer.isBuffer(chunk);
            hash.update(chunk);
            size += chunk.length;
          }
          resolve({ sha256: hash.digest('hex'), size, allBuffers });
        })().catch(reject);
      }).then((port) => post(port, body));
    });
    expect(await got).toEqual({ sha256: createHash('sha256').update(body).digest('hex'), size: body.length, allBuffers: true });
  });

  it('pauses the request while the reader does not read', async () => {
    const body = randomBytes(8 << 20);
    let req!: IncomingMessage;
    let stream!: ReadableStream<Uint8Array>;
    const arrived = new Promise<void>((resolve) => {
      void serve((r) => {
        req = r;
        stream = requestBodyStream(r);
        resolve();
      }).then((port) => post(port, body));
    });
    await arrived;
    // Nothing reads: the queue fills to its mark and the request stops flowing with most of the body unread.
    await new Promise((r) => setTimeout(r, 200));
    expect(req.readableFlowing).toBe(false);
    expect(req.readableEnded).toBe(false);
    let size = 0;
    for await (const chunk of stream) size += chunk.length;
    expect(size).toBe(body.length);
  });

  it('errors (as Node’s adapter does) when the client goes away mid-body', async () => {
    const failure = new Promise<unknown>((resolve) => {
      void serve((req) => {
        void (async () => {
          try {
            for await (const _ of requestBodyStream(req)) void _;
            resolve('ended cleanly');
          } catch (err) {
            resolve(err);
          }
        })();
      }).then((port) => {
        const req = request({ host: '127.0.0.1', port, method: 'POST', headers: { 'content-length': 1 << 20 } });
        req.on('error', () => {});
        req.write(randomBytes(1000), () => setTimeout(() => req.destroy(), 50));
      });
    });
    const err = await failure;
    expect(err).toBeInstanceOf(Error);
    // IncomingMessage reports the reset itself ("aborted", ECONNRESET); a bare premature close is an AbortError.
    expect([(err as NodeJS.ErrnoException).code, (err as Error).name]).toSatisfy(
      ([code, name]: string[]) => code === 'ECONNRESET' || name === 'AbortError',
    );
  });

  it('destroys the request when the reader cancels', async () => {
    const destroyed = new Promise<boolean>((resolve) => {
      void serve((req) => {
        const reader = requestBodyStream(req).getReader();
        void reader.read().then(() => reader.cancel(new Error('enough'))).then(() => resolve(req.destroyed));
      }).then((port) => post(port, randomBytes(4 << 20)));
    });
    expect(await destroyed).toBe(true);
  });
});

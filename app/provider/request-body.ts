// The body of an incoming upload request as a web ReadableStream, for @tus/server (it reads request bodies as
// web streams). Node's own adapter (`Readable.toWeb`, which srvx uses) copies every chunk into a fresh
// Uint8Array "to detach it from the pool": for a 512 MiB upload that is 512 MiB more copying and as much more
// garbage (measured: ~0.1 s of the provider's CPU and a third of its GC time on loopback). The chunks of an
// HTTP request body are views of the socket's own read buffers, never of Buffer's shared 8 KiB pool, and no
// consumer on the provider's path transfers (detaches) them, so they are handed on as they are.
import type { IncomingMessage } from 'node:http';
import { finished } from 'node:stream';

/**
 * Bytes queued in the web stream before the request is paused. Node's adapter uses the request's 16 KiB, less
 * than one 64 KiB socket read, so it pauses and resumes the socket on every read (measured).
 */
const HIGH_WATER_MARK = 1 << 20;

/**
 * A web ReadableStream of `req`'s body without copying its chunks. Backpressure pauses `req`; an aborted or
 * failed request errors the stream (an AbortError for a premature close, as Node's adapter does); cancelling
 * the stream destroys the request.
 */
export function requestBodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let settled = false;
  req.pause();
  const onData = (chunk: Buffer) => {
    controller.enqueue(chunk);
    if ((controller.desiredSize ?? 0) <= 0) req.pause();
  };
  const cleanup = finished(req, (err) => {
    cleanup();
    req.off('data', onData);
    // A legacy stream may emit 'error' again after finishing; it has nowhere left to go.
    req.on('error', () => {});
    if (settled) return;
    settled = true;
    if (err) {
      const premature = (err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE';
      controller.error(premature ? new DOMException(`the request body ended early: ${err.message}`, 'AbortError') : err);
    } else {
      controller.close();
    }
  });
  req.on('data', onData);
  return new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      pull() {
        req.resume();
      },
      cancel(reason) {
        settled = true;
        req.destroy(reason instanceof Error ? reason : undefined);
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: HIGH_WATER_MARK }),
  );
}

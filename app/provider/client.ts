// The workstation's side of the provider: signed requests (auth.ts), resumable uploads with tus-js-client
// from a Node file stream, countersigning, re-verification and verified download.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Upload, type DetailedError, type HttpRequest } from 'tus-js-client';
import type { SignedRecord } from '../crypto/envelope';
import type { Signer } from '../crypto/signer';
import { AUTH_HEADER, bodyDigestOf, signRequest, UNSIGNED_PAYLOAD } from './auth';
import { IntegrityError, ProviderError } from './errors';
import { FileRange, NodeFileHttpStack } from './http-stack';
import { FileUrlStorage } from './url-storage';

/** An error answered by the provider (or a failed connection to it), with the provider's stable code. */
export class ProviderRequestError extends ProviderError {
  constructor(code: string, status: number, message: string, options?: { cause?: unknown }) {
    super(code, status, message, options);
  }
}

export interface ProviderClientOptions {
  /** Base URL of the provider, e.g. http://127.0.0.1:7300 */
  baseUrl: string;
  /** The member's key: every request is signed with it. */
  signer: Signer;
  /** File that remembers upload URLs so interrupted uploads resume after a restart. */
  urlStorageFile: string;
}

export interface UploadOptions {
  /** Bytes sent so far (including what an earlier, interrupted run sent) and the total. */
  onProgress?: (sent: number, total: number) => void;
  /** Called once the upload URL is known (new or resumed); `resumedAt` is the offset the server had. */
  onStart?: (info: { url: string; resumed: boolean }) => void;
  /** tus PATCH size; default: the rest of the file in one request. */
  chunkSize?: number;
  /** Delays between automatic retries of a failed request (tus-js-client `retryDelays`). */
  retryDelays?: number[];
  signal?: AbortSignal;
}

export interface UploadResult {
  sha256: string;
  size: number;
  /** The provider already held the object (from any depositor): no bytes were sent. */
  alreadyStored: boolean;
}

/**
 * tus-js-client file source: a slice is a FileRange of the file, sent by NodeFileHttpStack through reused
 * buffers (http-stack.ts), so a resumed upload reads only the rest and nothing is read before it is sent.
 */
class FileSliceSource {
  constructor(
    private readonly path: string,
    readonly size: number,
  ) {}
  slice(start: number, end: number): Promise<{ value: FileRange; done: boolean }> {
    const stop = Math.max(start, Math.min(end, this.size));
    return Promise.resolve({ value: new FileRange(this.path, start, stop), done: stop >= this.size });
  }
  close(): void {}
}

async function errorFromResponse(res: Response, what: string): Promise<ProviderRequestError> {
  const text = await res.text().catch(() => '');
  return errorFromBody(res.status, text, what);
}

function errorFromBody(status: number, text: string, what: string): ProviderRequestError {
  try {
    const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (parsed.error?.code) return new ProviderRequestError(parsed.error.code, status, `${what}: ${parsed.error.message ?? ''} (${status})`);
  } catch {
    // Not a JSON error body (tus protocol errors are plain text): reported as text below.
  }
  return new ProviderRequestError(`HTTP_${status}`, status, `${what}: HTTP ${status} ${text.trim().slice(0, 300)}`);
}

export class ProviderClient {
  readonly baseUrl: string;
  private readonly signer: Signer;
  private readonly urlStorage: FileUrlStorage;
  /** One keep-alive connection for the creation, the PATCHes and the resume HEADs of uploads. */
  private readonly httpStack = new NodeFileHttpStack();

  constructor(options: ProviderClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.signer = options.signer;
    this.urlStorage = new FileUrlStorage(options.urlStorageFile);
  }

  private async fetchSigned(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    const bytes = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
    const headers: Record<string, string> = {
      [AUTH_HEADER]: signRequest(this.signer, { method, path, bodyDigest: bodyDigestOf(bytes) }),
    };
    if (bytes) headers['content-type'] = 'application/json';
    try {
      return await fetch(this.baseUrl + path, { method, headers, body: bytes, signal });
    } catch (err) {
      throw new ProviderRequestError('PROVIDER_UNREACHABLE', 0, `${method} ${this.baseUrl}${path}: ${(err as Error).message}`, { cause: err });
    }
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.fetchSigned(method, path, body);
    if (!res.ok) throw await errorFromResponse(res, `${method} ${path}`);
    return (await res.json()) as T;
  }

  /** The provider's identity (unauthenticated). */
  async info(): Promise<{ keyId: string; publicKey: string; origin: string | null }> {
    const res = await fetch(`${this.baseUrl}/info`).catch((err: unknown) => {
      throw new ProviderRequestError('PROVIDER_UNREACHABLE', 0, `GET ${this.baseUrl}/info: ${(err as Error).message}`, { cause: err });
    });
    if (!res.ok) throw await errorFromResponse(res, 'GET /info');
    return (await res.json()) as { keyId: string; publicKey: string; origin: string | null };
  }

  /** Size of the stored object, or undefined when the provider does not hold it. */
  async storedSize(sha256: string): Promise<number | undefined> {
    const res = await this.fetchSigned('HEAD', `/objects/${sha256}`);
    if (res.status === 404) return undefined;
    if (!res.ok) {
      const code = res.headers.get('evidence-error') ?? `HTTP_${res.status}`;
      throw new ProviderRequestError(code, res.status, `HEAD /objects/${sha256}: ${code} (${res.status})`);
    }
    return Number(res.headers.get('content-length'));
  }

  /**
   * Uploads `file`, declared to hash to `sha256` with `size` bytes, resuming an earlier interrupted upload of
   * the same content by this key. Resolves once the provider holds the object; rejects with the provider's
   * error (e.g. INTEGRITY when the bytes do not match the declaration: nothing is stored).
   */
  async upload(file: string, declared: { sha256: string; size: number }, options: UploadOptions = {}): Promise<UploadResult> {
    const already = await this.storedSize(declared.sha256);
    if (already === declared.size) {
      options.onProgress?.(declared.size, declared.size);
      return { sha256: declared.sha256, size: declared.size, alreadyStored: true };
    }
    await mkdir(dirname(this.urlStorage.file), { recursive: true });
    const endpoint = `${this.baseUrl}/files`;
    const signer = this.signer;
    // Resume by content and key, not by path and mtime: the same exhibit bytes resume wherever they are.
    const fingerprint = `evidence-v1:${signer.keyId}:${declared.sha256}:${declared.size}:${endpoint}`;
    await new Promise<void>((resolve, reject) => {
      let resumed = false;
      const upload: Upload = new Upload(file as unknown as Buffer, {
        endpoint,
        fileReader: { openFile: async () => new FileSliceSource(file, declared.size) },
        httpStack: this.httpStack,
        uploadSize: declared.size,
        metadata: { sha256: declared.sha256, size: String(declared.size), filename: basename(file) },
        chunkSize: options.chunkSize ?? Number.POSITIVE_INFINITY,
        // About two minutes of retries: long enough for a provider restart or a network blip.
        retryDelays: options.retryDelays ?? [0, 1000, 3000, 5000, 10_000, 20_000, 30_000, 60_000],
        urlStorage: this.urlStorage,
        storeFingerprintForResuming: true,
        removeFingerprintOnSuccess: true,
        fingerprint: async () => fingerprint,
        onBeforeRequest(req: HttpRequest) {
          const url = new URL(req.getURL());
          const method = req.getMethod();
          const h = (name: string) => req.getHeader(name);
          req.setHeader(
            AUTH_HEADER,
            signRequest(signer, {
              method,
              path: url.pathname + url.search,
              bodyDigest: method === 'PATCH' ? UNSIGNED_PAYLOAD : bodyDigestOf(undefined),
              headers: { 'upload-length': h('Upload-Length'), 'upload-offset': h('Upload-Offset'), 'upload-metadata': h('Upload-Metadata') },
            }),
          );
        },
        onUploadUrlAvailable() {
          options.onStart?.({ url: upload.url ?? '', resumed });
        },
        onProgress: (sent, total) => options.onProgress?.(sent, total),
        onShouldRetry(err: DetailedError) {
          const status = err.originalResponse?.getStatus() ?? 0;
          // Retry connection failures and server errors; never a refusal (4xx) or a full disk (507).
          return status === 0 || (status >= 500 && status !== 507) || status === 409 || status === 423;
        },
        onSuccess: () => resolve(),
        onError: (err: Error | DetailedError) => {
          const res = (err as DetailedError).originalResponse;
          if (res) reject(errorFromBody(res.getStatus(), res.getBody() ?? '', `uploading ${file}`));
          else reject(new ProviderRequestError('UPLOAD_FAILED', 0, `uploading ${file}: ${err.message}`, { cause: err }));
        },
      });
      options.signal?.addEventListener('abort', () => {
        void upload.abort().then(() => reject(new ProviderRequestError('ABORTED', 0, `upload of ${file} aborted`)));
      });
      upload
        .findPreviousUploads()
        .then((previous) => {
          const last = previous.at(-1);
          if (last) {
            resumed = true;
            upload.resumeFromPreviousUpload(last);
          }
          upload.start();
        })
        .catch(reject);
    });
    // Forget the finished upload's URL now (tus-js-client's own removal is not awaited).
    for (const prev of await this.urlStorage.findUploadsByFingerprint(fingerprint)) await this.urlStorage.removeUpload(prev.urlStorageKey);
    const stored = await this.storedSize(declared.sha256);
    if (stored !== declared.size) {
      throw new IntegrityError(`the upload of ${file} finished but the provider holds ${stored ?? 'no'} object ${declared.sha256} (expected ${declared.size} bytes)`);
    }
    return { sha256: declared.sha256, size: declared.size, alreadyStored: false };
  }

  /** Sends the depositor's signed deposition.request; resolves to the provider-signed `deposition` envelope. */
  async countersign(request: SignedRecord): Promise<SignedRecord> {
    return this.json<SignedRecord>('POST', '/deposition/countersign', { request });
  }

  /** Asks the provider to re-hash its copy; resolves to its signed `provider.integrity` record. */
  async verifyObject(sha256: string): Promise<SignedRecord> {
    return this.json<SignedRecord>('POST', `/objects/${sha256}/verify`, {});
  }

  /** Sends an integrity.check (scope provider, signed as checker, carrying the provider's result) for its signature. */
  async countersignIntegrity(check: SignedRecord): Promise<SignedRecord> {
    return this.json<SignedRecord>('POST', '/integrity/countersign', { check });
  }

  /** Downloads an object to `dest`, checking its SHA-256 on the way in (dest appears only when it matches). */
  async download(sha256: string, dest: string): Promise<{ size: number }> {
    const res = await this.fetchSigned('GET', `/objects/${sha256}`);
    if (!res.ok || !res.body) throw await errorFromResponse(res, `GET /objects/${sha256}`);
    const hash = createHash('sha256');
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback) {
        hash.update(chunk);
        size += chunk.length;
        cb(null, chunk);
      },
    });
    const tmp = `${dest}.partial`;
    try {
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), tap, createWriteStream(tmp, { flush: true }));
      const got = hash.digest('hex');
      if (got !== sha256) throw new IntegrityError(`downloaded bytes hash to ${got}, not ${sha256}`);
      await rename(tmp, dest);
    } catch (err) {
      await rm(tmp, { force: true });
      if (err instanceof ProviderError) throw err;
      throw new ProviderRequestError('DOWNLOAD_FAILED', 0, `downloading ${sha256}: ${(err as Error).message}`, { cause: err });
    }
    return { size };
  }

  /** Hash and size of a local file (what the depositor declares). */
  static async hashFile(file: string): Promise<{ sha256: string; size: number }> {
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      size += chunk.length;
    }
    return { sha256: hash.digest('hex'), size };
  }
}

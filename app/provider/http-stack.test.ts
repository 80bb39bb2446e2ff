// NodeFileHttpStack against a real HTTP server on 127.0.0.1.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileRange, NodeFileHttpStack, UploadBodyError } from './http-stack';

interface Received {
  method: string;
  contentLength: string | undefined;
  sha256: string;
  size: number;
  remotePort: number;
}

let dir: string;
let server: Server;
let base: string;
const received: Received[] = [];
let stack: NodeFileHttpStack;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'http-stack-'));
  received.length = 0;
  stack = new NodeFileHttpStack();
  server = createServer((req, res) => {
    const hash = createHash('sha256');
    let size = 0;
    req.on('data', (d: Buffer) => {
      hash.update(d);
      size += d.length;
    });
    req.on('end', () => {
      received.push({ method: req.method ?? '', contentLength: req.headers['content-length'], sha256: hash.digest('hex'), size, remotePort: req.socket.remotePort ?? 0 });
      res.setHeader('x-answer', 'yes');
      res.end(`got ${size}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  stack.destroy();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('NodeFileHttpStack', () => {
  it('sends exactly the bytes of a file range, reporting progress up to its size', async () => {
    const bytes = randomBytes(5 * (1 << 20) + 123);
    const path = join(dir, 'f.bin');
    writeFileSync(path, bytes);
    const start = 1_000_001;
    const req = stack.createRequest('PATCH', `${base}/files/x`);
    req.setHeader('Upload-Offset', String(start));
    const progress: number[] = [];
    req.setProgressHandler((n) => progress.push(n));
    const res = await req.send(new FileRange(path, start, bytes.length));
    expect(res.getStatus()).toBe(200);
    expect(res.getHeader('X-Answer')).toBe('yes');
    expect(res.getBody()).toBe(`got ${bytes.length - start}`);
    expect(received[0]).toMatchObject({ method: 'PATCH', contentLength: String(bytes.length - start), sha256: sha(bytes.subarray(start)), size: bytes.length - start });
    expect(progress.at(-1)).toBe(bytes.length - start);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('sends an empty range and a bodiless request with no body', async () => {
    const path = join(dir, 'f.bin');
    writeFileSync(path, randomBytes(10));
    await stack.createRequest('PATCH', `${base}/a`).send(new FileRange(path, 10, 10));
    await stack.createRequest('HEAD', `${base}/b`).send(null);
    expect(received.map((r) => [r.method, r.size])).toEqual([
      ['PATCH', 0],
      ['HEAD', 0],
    ]);
    expect(received[0]!.contentLength).toBe('0');
  });

  it('keeps one connection alive across requests', async () => {
    for (let i = 0; i < 3; i++) await stack.createRequest('POST', `${base}/files`).send(null);
    expect(new Set(received.map((r) => r.remotePort)).size).toBe(1);
  });

  it('fails the request when the file is shorter than the range, and refuses other bodies', async () => {
    const path = join(dir, 'f.bin');
    writeFileSync(path, randomBytes(3 << 20));
    const range = new FileRange(path, 0, 3 << 20);
    truncateSync(path, 1 << 20);
    await expect(stack.createRequest('PATCH', `${base}/files/x`).send(range)).rejects.toThrow(/ends at byte 1048576/);
    await expect(stack.createRequest('PATCH', `${base}/files/x`).send(Buffer.from('x'))).rejects.toBeInstanceOf(UploadBodyError);
    await expect(stack.createRequest('PATCH', `${base}/files/x`).send(new FileRange(join(dir, 'missing'), 0, 1))).rejects.toThrow(/cannot open/);
    expect(() => new FileRange(path, 5, 4)).toThrow(RangeError);
  });

  it('stops sending when aborted', async () => {
    const path = join(dir, 'f.bin');
    writeFileSync(path, randomBytes(16 << 20));
    const req = stack.createRequest('PATCH', `${base}/files/x`);
    const sent = req.send(new FileRange(path, 0, 16 << 20));
    await req.abort();
    await expect(sent).rejects.toThrow();
    expect(received.filter((r) => r.size === 16 << 20)).toHaveLength(0);
  });
});

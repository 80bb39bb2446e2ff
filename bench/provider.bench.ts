// `npm run bench -- provider`: upload + verify + store of one file over loopback (tus PATCH to a provider in
// its own process, which hashes what it receives, checks it against the declared SHA-256 and links it into
// the write-once store with fsync), as a ratio of `cp` of the same file on the same disk, measured in the same
// run (target ≥ 0.5). Also the peak RSS and CPU time of both sides, each in its own process
// (bench/provider-server.ts, bench/provider-client.ts). 512 MiB by default; BENCH_FULL=1 for 2 GiB.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { signerFromPrivateKey } from '../app/crypto/signer';

const MiB = 1 << 20;

async function makeFile(path: string, size: number): Promise<string> {
  const out = createWriteStream(path);
  const hash = createHash('sha256');
  const block = Buffer.alloc(MiB);
  for (let i = 0; i < size / MiB; i++) {
    // Incompressible, cheap: one SHA-256 of the block number tiled over the block.
    const seed = createHash('sha256').update(`block ${i}`).digest();
    for (let o = 0; o < MiB; o += 32) seed.copy(block, o);
    hash.update(block);
    if (!out.write(Buffer.from(block))) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
  return hash.digest('hex');
}

function time<T>(fn: () => T): [T, number] {
  const t = process.hrtime.bigint();
  const r = fn();
  return [r, Number(process.hrtime.bigint() - t) / 1e9];
}

interface Measured {
  cpSeconds: number;
  cpFsyncSeconds: number;
  oursSeconds: number;
  serverRss: number;
  clientRss: number;
  /** RSS of each side before the upload: what the peak is measured against. */
  serverStartRss: number;
  clientStartRss: number;
  /** CPU time (user + sys) each side spent: what the run costs independent of other load on the machine. */
  serverCpuSeconds: number;
  clientCpuSeconds: number;
}

/** cp, cp + fsync and our upload of the same file, all in `root`. */
async function measure(root: string, size: number): Promise<Measured> {
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  const file = join(root, 'exhibit.img');
  const sha256 = await makeFile(file, size);
  spawnSync('sync');

  // Baselines: cp of the same file on the same disk, and the same copy made durable (dd conv=fsync), each
  // followed by sync so its writeback does not land on the next measurement.
  const [cp, cpSeconds] = time(() => spawnSync('cp', [file, join(root, 'copy.img')]));
  if (cp.status !== 0) throw new Error(`cp failed: ${cp.stderr.toString()}`);
  await rm(join(root, 'copy.img'));
  spawnSync('sync');
  const [dd, cpFsyncSeconds] = time(() => spawnSync('dd', [`if=${file}`, `of=${join(root, 'copy.img')}`, 'bs=1M', 'conv=fsync']));
  if (dd.status !== 0) throw new Error(`dd failed: ${dd.stderr.toString()}`);
  await rm(join(root, 'copy.img'));
  spawnSync('sync');

  const privateKey = randomBytes(32);
  const depositor = signerFromPrivateKey(Uint8Array.from(privateKey));
  const server = spawn(process.execPath, ['bin/run-ts.mjs', 'bench/provider-server.ts', join(root, 'provider')], {
    env: { ...process.env, BENCH_DEPOSITOR_KEY_ID: depositor.keyId, BENCH_DEPOSITOR_PUBLIC_KEY: depositor.publicKey },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  server.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((ok, fail) => {
    server.stdout.on('data', () => {
      const m = /listening on (\S+)/.exec(out);
      if (m) ok(m[1]!);
    });
    server.once('exit', (code) => fail(new Error(`the provider exited (${code}) before listening`)));
  });
  const client = spawn(process.execPath, ['bin/run-ts.mjs', 'bench/provider-client.ts', url, file, sha256, String(size), join(root, 'uploads.json')], {
    env: { ...process.env, BENCH_DEPOSITOR_PRIVATE_KEY: privateKey.toString('hex') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let got = '';
  client.stdout.on('data', (d: Buffer) => (got += d.toString()));
  const status = await new Promise<number | null>((r) => client.once('exit', (code) => r(code)));
  if (status !== 0) throw new Error(`the upload failed (exit ${status})`);
  const field = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  const exited = new Promise<void>((r) => server.once('exit', () => r()));
  server.kill('SIGTERM');
  await exited;
  await rm(root, { recursive: true, force: true });
  return {
    cpSeconds,
    cpFsyncSeconds,
    oursSeconds: field(got, 'seconds'),
    serverRss: field(out, 'maxrss') * 1024,
    serverStartRss: field(out, 'startrss') * 1024,
    serverCpuSeconds: field(out, 'cpu') / 1e6,
    clientCpuSeconds: field(got, 'cpu') / 1e6,
    clientRss: field(got, 'maxrss') * 1024,
    clientStartRss: field(got, 'startrss') * 1024,
  };
}

export async function run(): Promise<void> {
  const size = (process.env.BENCH_FULL === '1' ? 2048 : 512) * MiB;
  const places: Array<[string, string]> = [['disk', resolve('.bench-tmp', 'provider')]];
  // tmpfs shows the protocol's own cost (its fsync is free, as cp's missing fsync is on a disk).
  if (existsSync('/dev/shm')) places.push(['tmpfs', join('/dev/shm', `provider-bench-${process.pid}`)]);
  for (const [label, root] of places) {
    console.log(`provider: ${size / MiB} MiB file on ${label} (${root})`);
    const m = await measure(root, size);
    const mibs = (s: number) => `${(size / MiB / s).toFixed(0)} MiB/s`;
    console.log(`  cp ${m.cpSeconds.toFixed(2)} s (${mibs(m.cpSeconds)}); cp + fsync ${m.cpFsyncSeconds.toFixed(2)} s (${mibs(m.cpFsyncSeconds)})`);
    console.log(`  upload + verify + store (fsynced) ${m.oursSeconds.toFixed(2)} s (${mibs(m.oursSeconds)})`);
    const ratio = m.cpSeconds / m.oursSeconds;
    console.log(`  ratio cp/ours = ${ratio.toFixed(2)} (target >= 0.5)${ratio >= 0.5 ? '' : '  BELOW TARGET'}; (cp + fsync)/ours = ${(m.cpFsyncSeconds / m.oursSeconds).toFixed(2)}`);
    console.log(`  CPU time: provider ${m.serverCpuSeconds.toFixed(2)} s, workstation client ${m.clientCpuSeconds.toFixed(2)} s; load average ${loadavg()[0]!.toFixed(1)}`);
    const rss = (peak: number, start: number) => `${(peak / MiB).toFixed(0)} MiB (${(start / MiB).toFixed(0)} MiB before the upload)`;
    console.log(`  peak RSS: provider ${rss(m.serverRss, m.serverStartRss)}, workstation client ${rss(m.clientRss, m.clientStartRss)}`);
  }
}

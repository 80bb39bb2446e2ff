// `npm run bench -- provider`: upload + verify + store of one file over loopback (tus PATCH to a provider in
// its own process, which hashes what it receives, checks it against the declared SHA-256 and links it into
// the write-once store with fsync), as a ratio of `cp` of the same file on the same disk, measured in the same
// run (target ≥ 0.5). Also the peak RSS of both sides. 512 MiB by default; BENCH_FULL=1 for 2 GiB.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { generateSigner } from '../app/crypto/signer';
import { ProviderClient } from '../app/provider/client';

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

  const depositor = generateSigner();
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
  const client = new ProviderClient({ baseUrl: url, signer: depositor, urlStorageFile: join(root, 'uploads.json') });
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const result = await client.upload(file, { sha256, size });
  const oursSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  if (result.alreadyStored) throw new Error('the object was already stored: the measurement is void');
  const exited = new Promise<void>((r) => server.once('exit', () => r()));
  server.kill('SIGTERM');
  await exited;
  await rm(root, { recursive: true, force: true });
  return {
    cpSeconds,
    cpFsyncSeconds,
    oursSeconds,
    serverRss: Number(/maxrss (\d+)/.exec(out)?.[1] ?? NaN) * 1024,
    serverCpuSeconds: Number(/cpu (\d+)/.exec(out)?.[1] ?? NaN) / 1e6,
    clientCpuSeconds: (cpu.user + cpu.system) / 1e6,
    clientRss: process.resourceUsage().maxRSS * 1024,
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
    console.log(`  peak RSS: provider ${(m.serverRss / MiB).toFixed(0)} MiB, workstation client ${(m.clientRss / MiB).toFixed(0)} MiB`);
  }
}

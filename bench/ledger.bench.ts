// `npm run bench -- ledger`: the ledger's throughput as ratios against node:crypto's raw secp256k1 verify rate
// measured in the same run.
//   1. full audit of a seeded log (tiles, rules, every signature on worker threads) in signatures/s, against the
//      raw single-thread verify rate × cores (target ≥ 0.8);
//   2. submissions/s end to end (HTTP POST /add → rules + signature checks → fsynced journal → signed promise),
//      against the raw verify rate divided by the signatures each submission carries.
// Sizes: BENCH_FULL=1 audits 100,000 entries and submits 5,000; the default is 5,000 and 1,000.
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeVerifier } from '../app/crypto/bulk-verify';
import { signRecord, type SignedRecord } from '../app/crypto/envelope';
import { recordMessage } from '../app/crypto/record-digest';
import { fromBase64 } from '../app/crypto/encoding';
import { parsePublicKey } from '../app/crypto/secp256k1';
import { auditLog, measureRawVerifyRate } from '../app/ledger/audit';
import { SampleNetwork } from '../app/node/sample-network';
import { entryBytes } from '../app/ledger/rules';
import { FsLogDriver } from '../app/ledger/storage/fs';
import { initNode } from '../app/node/init';
import { seedLog } from '../app/node/seed';
import { startNodeServer } from '../app/node/server';

const FULL = process.env.BENCH_FULL === '1';
const AUDIT_ENTRIES = Number(process.env.BENCH_AUDIT_ENTRIES ?? (FULL ? 100_000 : 5_000));
const SUBMISSIONS = Number(process.env.BENCH_SUBMISSIONS ?? (FULL ? 5_000 : 1_000));

function sample(): { sig: Uint8Array; bytes: Uint8Array; pub: Uint8Array; message: ReturnType<typeof recordMessage> } {
  const net = new SampleNetwork({ origin: 'bench.raw/ledger', seed: 3 });
  const env = signRecord({ type: 'case.open', v: 1, origin: 'x', id: 'x', time: '2026-11-27T10:00:00.000Z', caseId: 'c', title: 't', agency: 'a', description: 'd'.repeat(600) }, 'investigator', net.admins[0]!.signer);
  const message = recordMessage(env.record);
  const sig = fromBase64(env.signatures[0]!.sig);
  const pub = parsePublicKey(env.signatures[0]!.publicKey);
  return { sig, bytes: message.bytes, pub, message };
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * Raw node:crypto verifications on this thread over ~2 s: per second of wall time, and per second of CPU time
 * (the yardstick for the audit's CPU efficiency, which other processes on the cores disturb less).
 */
function rawVerifyRate(): { wall: number; cpu: number } {
  const { sig, message, pub } = sample();
  let n = 0;
  const t0 = performance.now();
  const c0 = cpuMs();
  while (performance.now() - t0 < 2000) {
    for (let i = 0; i < 50; i++) if (!nodeVerifier.verify(sig, message, pub).ok) throw new Error('raw verify failed');
    n += 50;
  }
  return { wall: (n / (performance.now() - t0)) * 1000, cpu: (n / (cpuMs() - c0)) * 1000 };
}

async function auditBench(dir: string, rawRates: { wall: number; cpu: number }, cores: number): Promise<void> {
  const raw = rawRates.wall;
  const t0 = performance.now();
  await seedLog({ dir, count: AUDIT_ENTRIES, batch: 2000 });
  const seedMs = performance.now() - t0;
  const { sig, bytes, pub } = sample();
  // The parallel baseline runs bare node:crypto workers (nothing shared with the audit: its worker bundle is
  // built, and its workers started, inside the measured audit).
  const rawParallelBefore = await measureRawVerifyRate(cores, { sig, bytes, pub });
  const load = loadavg()[0]!.toFixed(2);
  const c0 = cpuMs();
  const s = await auditLog(new FsLogDriver(join(dir, 'log')), { workers: cores });
  const auditCpuMs = cpuMs() - c0;
  const rawParallelAfter = await measureRawVerifyRate(cores, { sig, bytes, pub });
  const rawParallel = (rawParallelBefore + rawParallelAfter) / 2;
  const sigRate = (s.signatures / s.totalMs) * 1000;
  // Steady state: what the workers verified once all of them were ready, over the time they had for it.
  const sigRateSteady = ((s.signatures - s.signaturesOnMainThread) / (s.entriesMs - s.workersReadyMs)) * 1000;
  console.log(`audit: ${s.size} entries, ${s.signatures} signatures (seeded in ${(seedMs / 1000).toFixed(1)} s); load average ${load} before the audit`);
  console.log(`  raw node:crypto verify: ${raw.toFixed(0)}/s per thread × ${cores} cores = ${(raw * cores).toFixed(0)}/s`);
  console.log(`  raw node:crypto verify on ${cores} threads at once (before/after the audit): ${rawParallelBefore.toFixed(0)}/s, ${rawParallelAfter.toFixed(0)}/s`);
  console.log(
    `  audit, whole (read + tiles + rules + signatures, worker start-up included): ${s.totalMs.toFixed(0)} ms, ${sigRate.toFixed(0)} sig/s, ` +
      `${((s.size / s.totalMs) * 1000).toFixed(0)} entries/s`,
  );
  console.log(
    `    entries read by ${s.readMs.toFixed(0)} ms; workers ready at ${s.workersReadyMs.toFixed(0)} ms (${s.signaturesOnMainThread} signatures verified on the main thread meanwhile); ` +
      `entries done at ${s.entriesMs.toFixed(0)} ms; tiles + checkpoint ${(s.totalMs - s.entriesMs).toFixed(0)} ms`,
  );
  console.log(`  ratio audit / (raw × cores): ${(sigRate / (raw * cores)).toFixed(2)} (target ≥ 0.8); vs raw on ${cores} threads measured in parallel: ${(sigRate / rawParallel).toFixed(2)}`);
  console.log(`  steady state (all workers ready): ratio vs raw × cores ${(sigRateSteady / (raw * cores)).toFixed(2)}, vs parallel raw ${(sigRateSteady / rawParallel).toFixed(2)}`);
  // The ratio is CPU efficiency × core use: how much CPU a signature costs in the audit against a bare verify,
  // and how much of the cores the audit got (other processes on the machine take their share).
  const efficiency = ((s.signatures / auditCpuMs) * 1000) / rawRates.cpu;
  console.log(
    `  CPU: ${((auditCpuMs * 1000) / s.signatures).toFixed(0)} µs per signature in the audit (every thread), ${(1e6 / rawRates.cpu).toFixed(0)} µs per raw verify: ` +
      `efficiency ${efficiency.toFixed(2)}; core use ${(auditCpuMs / s.totalMs / cores).toFixed(2)} of ${cores}`,
  );
}

async function submitBench(dir: string, rawRates: { wall: number; cpu: number }): Promise<void> {
  const raw = rawRates.wall;
  const origin = 'bench.submit/ledger';
  const net = new SampleNetwork({ origin, seed: 4 });
  await initNode({ dir, origin, key: net.logKey, genesis: () => net.genesis() });
  const node = await startNodeServer({ dir, batchMs: 200 });
  const agents: Agent[] = [];
  try {
    // The clients share this process (and its main thread) with the node: they post with node:http over
    // keep-alive connections, which costs about half the CPU of fetch (undici) per request (measured), so the
    // figure is the node's more than the load generator's.
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    agents.push(agent);
    const add = new URL(`${node.url}/add`);
    const postBody = (body: Buffer) =>
      new Promise<void>((resolve, reject) => {
        const req = request(
          { host: add.hostname, port: add.port, path: add.pathname, method: 'POST', agent, headers: { 'content-type': 'application/octet-stream', 'content-length': body.length } },
          (res) => {
            const parts: Buffer[] = [];
            res.on('data', (d: Buffer) => parts.push(d));
            res.on('error', reject);
            res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`submission refused: ${res.statusCode} ${Buffer.concat(parts).toString()}`))));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const post = (env: SignedRecord) => postBody(Buffer.from(entryBytes(env)));
    for (let i = 0; i < 8; i++) await post(net.next()); // enrolments
    const invs = net.officers.filter((o) => o.role === 'investigator');
    for (const inv of invs) await post(net.caseOpen(inv));
    // Depositions (two signatures each, realistic size), independent of each other: submitted 16 at a time,
    // after a warm-up round of 200 untimed ones (the JIT compiling the HTTP and check paths).
    const deposition = (i: number) => Buffer.from(entryBytes(net.deposition(net.officers[i % net.officers.length]!))); // the clients' encoding, untimed
    const submitAll = async (bodies: Buffer[]) => {
      let next = 0;
      await Promise.all(Array.from({ length: 16 }, async () => {
        while (next < bodies.length) await postBody(bodies[next++]!);
      }));
    };
    await submitAll(Array.from({ length: 200 }, (_, i) => deposition(i)));
    await node.sequencer.integrate();
    const envs = Array.from({ length: SUBMISSIONS }, (_, i) => net.deposition(net.officers[i % net.officers.length]!));
    const sigs = envs.reduce((a, e) => a + e.signatures.length, 0);
    const bodies = envs.map((e) => Buffer.from(entryBytes(e)));
    const t0 = performance.now();
    const c0 = cpuMs();
    await submitAll(bodies);
    await node.sequencer.integrate();
    const ms = performance.now() - t0;
    const cpuPer = ((cpuMs() - c0) * 1000) / envs.length;
    const rate = (envs.length / ms) * 1000;
    const bound = raw / (sigs / envs.length);
    console.log(`submissions: ${envs.length} depositions (${(sigs / envs.length).toFixed(1)} signatures each) over HTTP (node:http keep-alive), 16 concurrent, integrated; load average ${loadavg()[0]!.toFixed(2)}`);
    console.log(`  ${rate.toFixed(0)} submissions/s; one thread's raw verify bound ${bound.toFixed(0)}/s; ratio ${(rate / bound).toFixed(2)}`);
    console.log(
      `  CPU: ${cpuPer.toFixed(0)} µs per submission (every thread, clients included), of which its signatures' raw verify ` +
        `${((sigs / envs.length) * (1e6 / rawRates.cpu)).toFixed(0)} µs; core use ${((cpuPer * envs.length) / 1000 / ms / availableParallelism()).toFixed(2)}`,
    );
  } finally {
    for (const a of agents) a.destroy();
    await node.close();
  }
}

export async function run(): Promise<void> {
  const cores = availableParallelism();
  const base = await mkdtemp(join(tmpdir(), 'ledger-bench-'));
  try {
    const raw = rawVerifyRate();
    await submitBench(join(base, 'submit'), raw);
    await auditBench(join(base, 'audit'), raw, cores);
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

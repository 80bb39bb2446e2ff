// `npm run bench -- sync` (issue 4): a fresh mirror syncing a cosigned log of N entries from a ledger node on
// loopback (`startNodeServer`, the same server as `evidence node serve`), beside the full audit of the same log
// over the same HTTP in the same run (app/ledger/audit.ts: every tile, every entry against the rules, every
// signature). The mirror does what the audit does plus quorum checks, chunked consistency proofs, and durable
// writes of every bundle and tile, so the ratio sync/audit should stay close to 1.
// Default N = 3,000 (about 2 minutes here); BENCH_FULL=1 uses 100,000; BENCH_SYNC_ENTRIES overrides.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditLog } from '../app/ledger/audit';
import { httpFetcher } from '../app/ledger/http-fetcher';
import { MirrorLog } from '../app/mirror/mirror';
import { createSampleLog } from '../app/testing/sample-log';
import { startNodeServer } from '../app/node/server';

async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

export async function run(): Promise<void> {
  const n = Number(process.env.BENCH_SYNC_ENTRIES ?? (process.env.BENCH_FULL ? 100_000 : 3_000));
  const root = await mkdtemp(join(tmpdir(), 'sync-bench-'));
  const origin = 'bench.example/ledger';
  try {
    process.stdout.write(`building a cosigned sample log of ${n} entries…\n`);
    const log = await createSampleLog(join(root, 'node'), { origin, entries: n, batch: 1000, node: true });
    await log.driver.close();
    const node = await startNodeServer({ dir: join(root, 'node') });
    try {
      const audit1 = await seconds(() => auditLog(httpFetcher(node.url), { workers: 0 }));
      const auditN = await seconds(() => auditLog(httpFetcher(node.url)));
      let size = 0;
      const sync = await seconds(async () => {
        const m = await MirrorLog.open(join(root, 'mirror'), { origin, logKey: log.net.logKey.vkey, peers: [node.url] });
        const s = await m.sync();
        if (s.state !== 'synced') throw new Error(`mirror ended ${s.state}: ${s.error ?? ''}`);
        size = s.size;
      });
      const reopen = await seconds(() => MirrorLog.open(join(root, 'mirror'), { origin, logKey: log.net.logKey.vkey, peers: [node.url] }));
      const rate = (s: number) => `${Math.round(size / s).toLocaleString('en')} entries/s`;
      process.stdout.write(
        `entries: ${size}\n` +
          `audit, one thread (baseline):      ${rate(audit1)}\n` +
          `audit, worker threads:             ${rate(auditN)}\n` +
          `mirror sync (verify + store):      ${rate(sync)}\n` +
          `mirror reopen (re-verify on disk): ${rate(reopen)}\n` +
          `ratio sync time / one-thread audit time:    ${(sync / audit1).toFixed(2)}\n` +
          `ratio sync time / worker-thread audit time: ${(sync / auditN).toFixed(2)}\n`,
      );
    } finally {
      await node.close();
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

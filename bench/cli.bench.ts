// `npm run bench -- cli` (issues 15 and 20): the `evidence` command as a user runs it — a whole process each
// time, start-up included — against a baseline measured in the same run, interleaved so a burst of load on the
// shared host hits both alike:
//   `evidence --help` vs bare `node -e 0`                      target time× ≤ 2 and ≤ 0.15 s (median of 9 each)
//   `evidence hash FILE` vs `openssl dgst -sha256 FILE`          target time× ≤ 1.0 (best of 3 each)
//   peak RSS of `evidence hash FILE`                             target < 150 MB
// FILE is 256 MiB of random bytes by default, 1 GiB with BENCH_FULL=1, page-cached before timing.
// BENCH_CLI_BIN=/other/checkout/bin/evidence.mjs measures another checkout's command (before/after a change).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const MiB = 1 << 20;
const BIN = resolve(process.env.BENCH_CLI_BIN ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'evidence.mjs'));

/** Wall-clock seconds of one process run to its end; throws if it fails. */
function timed(cmd: string, args: string[]): number {
  const t = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const s = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr.toString().trim()}`);
  return s;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function row(label: string, value: number, target: string, detail: string): void {
  const limit = Number(target.slice(1));
  const ok = target.startsWith('≤') ? value <= limit : value < limit;
  console.log(`${label.padEnd(44)} ${value.toFixed(2).padStart(7)}  (target ${target}) ${ok ? 'ok ' : 'MISS'}  ${detail}`);
}

function makeFile(path: string, size: number): void {
  const fd = openSync(path, 'w');
  const chunk = randomBytes(16 * MiB);
  for (let done = 0; done < size; done += chunk.length) writeSync(fd, chunk, 0, Math.min(chunk.length, size - done));
  closeSync(fd);
  const rd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(4 * MiB);
  while (readSync(rd, buf, 0, buf.length, null) > 0); // page-cache it
  closeSync(rd);
}

/** Peak RSS (bytes) of one `node BIN …` process: a preloaded module writes getrusage's maxRSS at exit. */
function peakRss(args: string[], dir: string): number {
  const out = join(dir, 'rss.txt');
  const hook = `import { writeFileSync } from 'node:fs'; process.on('exit', () => writeFileSync(${JSON.stringify(out)}, String(process.resourceUsage().maxRSS)));`;
  timed(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(hook)}`, BIN, ...args]);
  return Number(readFileSync(out, 'utf8')) * 1024;
}

export async function run(): Promise<void> {
  const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
  console.log(`load average at start: ${load()} on ${availableParallelism()} CPUs (ratios are only meaningful on an idle machine)`);
  console.log(`command: ${BIN}`);

  const ours: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < 9; i++) {
    bare.push(timed(process.execPath, ['-e', '0']));
    ours.push(timed(process.execPath, [BIN, '--help']));
  }
  const [h, n] = [median(ours), median(bare)];
  row('evidence --help vs node -e 0 (time×)', h / n, '≤2', `${h.toFixed(3)} s vs ${n.toFixed(3)} s, median of 9 each`);
  row('evidence --help, seconds', h, '≤0.15', 'the same median (an absolute target)');

  const size = (process.env.BENCH_FULL === '1' ? 1024 : 256) * MiB;
  const dir = mkdtempSync(join(tmpdir(), 'cli-bench-'));
  try {
    const file = join(dir, 'big.bin');
    makeFile(file, size);
    let hash = Infinity;
    let dgst = Infinity;
    for (let i = 0; i < 3; i++) {
      dgst = Math.min(dgst, timed('openssl', ['dgst', '-sha256', file]));
      hash = Math.min(hash, timed(process.execPath, [BIN, 'hash', file]));
    }
    const mbs = (s: number) => `${(size / s / 1e6).toFixed(0)} MB/s`;
    row(`evidence hash ${size / MiB} MiB vs openssl dgst (time×)`, hash / dgst, '≤1.0', `${hash.toFixed(2)} s vs ${dgst.toFixed(2)} s (${mbs(hash)} vs ${mbs(dgst)}), best of 3 each, whole processes`);
    const rss = peakRss(['hash', file], dir) / 1e6;
    row(`peak RSS of evidence hash ${size / MiB} MiB (MB)`, rss, '<150', 'getrusage maxRSS of the whole process');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`load average at end: ${load()}`);
}

// `evidence witness …` (a C2SP tlog-witness), `evidence mirror …` (verified peer sync, gossip, fork alarms),
// `evidence log proof` (tlog-proof + evidence receipt) and `evidence verify-receipt` (offline receipt checks).
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../fs/atomic';
import { utf8ToBytes } from '../ledger/bytes';
import { FsLogDriver } from '../ledger/storage/fs';
import type { TileFetcher } from '../ledger/tiles';
import { Mirror, type PeerErrorEvent, type SyncState, addMirrorLog, readMirrorConfig } from '../mirror/mirror';
import { PeerFetcher } from '../mirror/peer';
import { createMirrorServer } from '../mirror/server';
import { buildProof, loadVerifiedLog } from '../proof/build';
import { verifyReceipt } from '../proof/receipt';
import type { ForkEvidence } from '../witness/fork';
import { closeServer, listen } from '../witness/http';
import { createWitnessServer } from '../witness/server';
import { Witness, addWitnessLog, initWitness } from '../witness/witness';
import { parseVerifierKey } from '../ledger/note';
import { exitForOutcome, formatReceiptReport, hashFileSha256 } from './verify';
import { type TrustOptions, trustAnchorFrom, trustOptions } from './trust';
import { EvidenceError } from '../common/errors';

export class CliArgumentError extends EvidenceError<'CLI_BAD_ARGUMENT'> {
  override name = 'CliArgumentError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('CLI_BAD_ARGUMENT', message, options);
  }
}

/** A check the command ran did not pass (main() prints it and exits 1). */
export class CheckFailedError extends EvidenceError<'RECEIPT_INVALID' | 'MIRROR_FORKED' | 'MIRROR_NO_PEER'> {
  override name = 'CheckFailedError';
  constructor(code: 'RECEIPT_INVALID' | 'MIRROR_FORKED' | 'MIRROR_NO_PEER', message: string) {
    super(code, message);
  }
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliArgumentError(`--port ${JSON.stringify(value)} is not a TCP port: give a number from 0 to 65535`);
  return port;
}

/** Runs `server` on host:port, prints `<what> listening on <url>`, and resolves once SIGINT/SIGTERM closed it. */
export async function serveUntilSignal(server: Server, what: string, port: number, host: string, onClose?: () => Promise<void>): Promise<void> {
  const url = await listen(server, port, host);
  process.stdout.write(`${what} listening on ${url}\n`);
  await new Promise<void>((done, fail) => {
    const stop = (): void => {
      closeServer(server)
        .then(() => onClose?.())
        .then(done, (err: unknown) => fail(new Error(`${what} did not stop cleanly: ${(err as Error).message}`, { cause: err })));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export function register(program: Command): void {
  registerWitness(program);
  registerMirror(program);
}

function registerWitness(program: Command): void {
  const witness = program.command('witness').description('a C2SP tlog-witness: verifies and cosigns the checkpoints of the logs it follows');
  witness
    .command('init')
    .description('create a witness folder with a fresh Ed25519 cosignature/v1 key; prints its vkey')
    .requiredOption('--dir <dir>', 'witness folder')
    .requiredOption('--name <name>', 'witness key name (a schema-less URL, e.g. witness.agency.example/w1)')
    .action(async (opts: { dir: string; name: string }) => {
      const cfg = await initWitness(resolve(opts.dir), opts.name);
      process.stdout.write(`${cfg.vkey}\n`);
    });
  witness
    .command('add-log')
    .description('follow a log: its origin line and its Ed25519 signed-note vkey')
    .requiredOption('--dir <dir>', 'witness folder')
    .requiredOption('--vkey <vkey>', 'the log verifier key (name+id+key)')
    .option('--origin <origin>', 'the log origin line (default: the vkey name)')
    .action(async (opts: { dir: string; vkey: string; origin?: string }) => {
      const origin = opts.origin ?? parseVerifierKey(opts.vkey).name;
      await addWitnessLog(resolve(opts.dir), { origin, vkey: opts.vkey });
      process.stdout.write(`following ${origin}\n`);
    });
  witness
    .command('serve')
    .description('serve POST /add-checkpoint, GET /<origin hash>/checkpoint and POST /gossip')
    .requiredOption('--dir <dir>', 'witness folder')
    .option('--port <port>', 'TCP port (0 picks a free one)', '0')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(async (opts: { dir: string; port: string; host: string }) => {
      const w = await Witness.open(resolve(opts.dir));
      await serveUntilSignal(createWitnessServer(w), `witness ${w.config.name}`, parsePort(opts.port), opts.host);
    });
}

const collect = (v: string, list: string[]): string[] => [...list, v];

/** A tlog-tiles source: an http(s) log prefix, a node folder (DIR/log), a mirror folder following one log, or a tiles folder. */
export async function openLogSource(source: string): Promise<TileFetcher> {
  if (/^https?:\/\//.test(source)) return new PeerFetcher(source);
  if (existsSync(join(source, 'checkpoint'))) return new FsLogDriver(source);
  if (existsSync(join(source, 'log', 'checkpoint'))) return new FsLogDriver(join(source, 'log'));
  if (existsSync(join(source, 'logs'))) {
    const logs = (await readdir(join(source, 'logs'))).filter((n) => existsSync(join(source, 'logs', n, 'checkpoint')));
    if (logs.length === 1) return new FsLogDriver(join(source, 'logs', logs[0]!));
    throw new CliArgumentError(`${source} mirrors ${logs.length} logs: give the folder of one, ${join(source, 'logs', '<origin hash>')}`);
  }
  throw new CliArgumentError(`${source} is not a log: expected a URL, a node folder, a mirror folder or a folder with a checkpoint file`);
}

function describeState(s: SyncState): string {
  return `${s.origin}: ${s.state} at size ${s.size}${s.target !== undefined && s.state === 'syncing' ? ` → ${s.target}` : ''}${s.forks ? `, ${s.forks} fork proof(s)` : ''}${s.error ? ` (${s.error})` : ''}`;
}

export function registerMirror(program: Command): void {
  const mirror = program.command('mirror').description('keep verified copies of ledgers from peers, serve them, and raise fork alarms');
  mirror
    .command('add-log')
    .description('follow a log: its log vkey (trust root; the witness policy comes from its genesis) and peer URLs')
    .requiredOption('--dir <dir>', 'mirror folder')
    .requiredOption('--vkey <vkey>', 'the log verifier key')
    .option('--origin <origin>', 'the log origin (default: the vkey name)')
    .option('--peer <url>', 'log prefix URL serving checkpoint and tile/… (repeatable, tried in order)', collect, [])
    .option('--gossip <url>', 'gossip endpoint of a node, witness or mirror (repeatable)', collect, [])
    .action(async (o: { dir: string; vkey: string; origin?: string; peer: string[]; gossip: string[] }) => {
      const origin = o.origin ?? parseVerifierKey(o.vkey).name;
      await addMirrorLog(resolve(o.dir), { origin, logKey: o.vkey, peers: o.peer, gossip: o.gossip });
      process.stdout.write(`following ${origin} from ${o.peer.length} peer(s)\n`);
    });
  mirror
    .command('sync')
    .description('one sync and gossip round; exit 1 if a log is forked or halted, or no peer of a log served anything verifiable')
    .requiredOption('--dir <dir>', 'mirror folder')
    .action(async (o: { dir: string }) => {
      const m = await Mirror.open(resolve(o.dir));
      const failing = new Map<string, Set<string>>(); // origin → peers that served nothing verifiable this round
      m.on('peer-error', (e: PeerErrorEvent) => {
        process.stderr.write(`peer ${e.peer}: ${e.error}\n`);
        failing.set(e.origin, (failing.get(e.origin) ?? new Set()).add(e.peer));
      });
      await m.syncAll();
      const unserved = (await readMirrorConfig(resolve(o.dir))).logs.filter((l) => (failing.get(l.origin)?.size ?? 0) >= l.peers.length).map((l) => l.origin);
      await m.gossipAll();
      for (const s of m.states()) process.stdout.write(`${describeState(s)}\n`);
      const bad = m.states().filter((s) => s.state === 'fork' || s.state === 'halted');
      if (bad.length > 0) throw new CheckFailedError('MIRROR_FORKED', `${bad.map((s) => `${s.origin} is ${s.state}`).join('; ')}`);
      if (unserved.length > 0) throw new CheckFailedError('MIRROR_NO_PEER', `no peer served anything verifiable for ${unserved.join(', ')}; check the peer URLs and that the peers run`);
    });
  mirror
    .command('serve')
    .description('sync and gossip every --interval-ms, and serve the verified logs at /<origin hash>/, POST /gossip, GET /status')
    .requiredOption('--dir <dir>', 'mirror folder')
    .option('--port <port>', 'TCP port (0 picks a free one)', '0')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--interval-ms <ms>', 'time between sync rounds', '1000')
    .action(async (o: { dir: string; port: string; host: string; intervalMs: string }) => {
      const m = await Mirror.open(resolve(o.dir));
      const interval = Number(o.intervalMs);
      if (!Number.isInteger(interval) || interval < 10) throw new CliArgumentError(`--interval-ms ${JSON.stringify(o.intervalMs)} must be an integer ≥ 10`);
      let last = '';
      m.on('state', (s: SyncState) => {
        const line = describeState(s);
        if (line !== last) process.stderr.write(`${line}\n`);
        last = line;
      });
      m.on('fork', (f: ForkEvidence) => process.stderr.write(`FORK ${f.origin}: ${f.reason} (source ${f.source}); both checkpoints kept\n`));
      m.on('peer-error', (e: PeerErrorEvent) => process.stderr.write(`peer ${e.peer}: ${e.error}\n`));
      m.start(interval);
      await serveUntilSignal(createMirrorServer(m), 'mirror', parsePort(o.port), o.host, async () => m.stop());
    });

  const log = program.commands.find((c) => c.name() === 'log') ?? program.command('log').description('create, audit and prove entries of transparency logs');
  log
    .command('proof')
    .description('the C2SP tlog-proof and evidence receipt of entry N under the latest final checkpoint')
    .requiredOption('--dir <dir|url>', 'node folder, mirror folder, tiles folder or log URL prefix')
    .requiredOption('--index <n>', 'entry index')
    .option('--out <prefix>', 'write <prefix>.tlog-proof and <prefix>.evidence-receipt.json (default: print the tlog-proof)')
    .option('--vkey <vkey>', 'pin the log key (otherwise the genesis names it)')
    .action(async (o: { dir: string; index: string; out?: string; vkey?: string }) => {
      const index = Number(o.index);
      if (!/^[0-9]+$/.test(o.index) || !Number.isSafeInteger(index)) throw new CliArgumentError(`--index ${JSON.stringify(o.index)} must be a non-negative integer`);
      const source = await openLogSource(o.dir);
      const loaded = await loadVerifiedLog(source, o.vkey ? { logKey: o.vkey } : {});
      const built = buildProof(loaded, index);
      if (!o.out) {
        process.stdout.write(built.tlogProof);
        return;
      }
      const base = resolve(o.out.replace(/\.(tlog-proof|evidence-receipt\.json)$/, ''));
      await mkdir(dirname(base), { recursive: true });
      await writeFileAtomic(`${base}.tlog-proof`, utf8ToBytes(built.tlogProof), { mode: 0o644, overwrite: true });
      await writeFileAtomic(`${base}.evidence-receipt.json`, utf8ToBytes(`${JSON.stringify(built.receipt, null, 2)}\n`), { mode: 0o644, overwrite: true });
      process.stdout.write(`entry ${index} under checkpoint size ${built.size}\n  ${base}.tlog-proof\n  ${base}.evidence-receipt.json\n`);
    });

  trustOptions(
    program
      .command('verify-receipt')
      .description('check an evidence receipt offline against the trust root you hold (✓/✗ per check); exit 0 verified, 1 failed, 3 unanchored')
      .argument('<receipt>', 'the .evidence-receipt.json file')
      .option('--file <file>', 'the exhibit file: its SHA-256 and size must match the deposition'),
  ).action(async (path: string, o: TrustOptions & { file?: string }) => {
    const trust = await trustAnchorFrom(o);
    let receipt: unknown;
    try {
      receipt = JSON.parse(await readFile(path, 'utf8'));
    } catch (err) {
      throw new CliArgumentError(`${path} is not a readable JSON receipt: ${(err as Error).message}`);
    }
    const file = o.file ? await hashFileSha256(o.file) : undefined;
    const r = verifyReceipt(receipt, trust, file ? { file } : {});
    process.stdout.write(formatReceiptReport(r, file && o.file ? { path: o.file, ...file } : undefined));
    exitForOutcome(r, `receipt ${path}`);
  });
}

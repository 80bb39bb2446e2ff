// `evidence node …` (the ledger node: init, serve) and `evidence log …` (seed, verify).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { signRecord, addSignature, type SignedRecord } from '../crypto/envelope';
import { unlockKeystore } from '../crypto/keystore';
import { auditLog, type AuditSummary } from '../ledger/audit';
import { httpFetcher } from '../ledger/http-fetcher';
import { LogVerifyError } from '../ledger/log';
import { adminRole } from '../ledger/rules';
import { FsLogDriver } from '../ledger/storage/fs';
import { initNode } from '../node/init';
import { seedLog } from '../node/seed';
import { startNodeServer } from '../node/server';
import { nodeWitnessHook } from '../node/witness-hook';
import { readWitnessEndpoints } from '../witness/pusher';
import { TRUST_BUNDLE_FILE, formatFingerprint } from '../trust/bundle';

const int = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!/^[0-9]+$/.test(v) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return n;
};
const collect = (v: string, prev: string[]): string[] => [...prev, v];

interface GenesisConfig {
  network?: string;
  admins?: Array<{ keyId: string; publicKey: string; name: string }>;
  adminQuorum?: number;
  witnessPolicy?: { quorum: number; witnesses: Array<{ name: string; vkey: string }> };
  maxClockSkewSeconds?: number;
  maxUploadSeconds?: number;
  /** The provider keys of the trust bundle (also given with --provider). */
  providers?: Array<{ keyId: string; publicKey: string; name: string }>;
}

/** `--provider KEYID:PUBLICKEY[:NAME]` (what `evidence provider init` prints). */
export function parseProviderArg(v: string, prev: Array<{ keyId: string; publicKey: string; name: string }>): Array<{ keyId: string; publicKey: string; name: string }> {
  const m = /^([0-9a-f]{32}):(0[23][0-9a-f]{64})(?::(.+))?$/.exec(v.trim());
  if (!m) throw new InvalidArgumentError(`--provider ${JSON.stringify(v)} must be KEYID:PUBLICKEY[:NAME] (32 and 66 lowercase hex characters, as \`evidence provider init\` prints them)`);
  return [...prev, { keyId: m[1]!, publicKey: m[2]!, name: m[3] ?? `provider ${prev.length + 1}` }];
}

/** Builds and signs the genesis from a config and the admins' keystores (every admin signs the genesis). */
async function genesisFrom(origin: string, configPath: string | undefined, adminKeys: string[], providerArgs: GenesisConfig['providers'], logVkey: string): Promise<SignedRecord> {
  const config: GenesisConfig = configPath ? (JSON.parse(await readFile(configPath, 'utf8')) as GenesisConfig) : {};
  const passphrase = process.env.EVIDENCE_PASSPHRASE;
  if (adminKeys.length > 0 && passphrase === undefined) throw new Error('set EVIDENCE_PASSPHRASE to unlock the --admin-key keystores');
  const unlocked: Awaited<ReturnType<typeof unlockKeystore>>[] = [];
  for (const k of adminKeys) unlocked.push(await unlockKeystore(k, passphrase!));
  try {
    const admins = [...(config.admins ?? [])];
    for (const u of unlocked) {
      if (!admins.some((a) => a.keyId === u.keyId)) admins.push({ keyId: u.keyId, publicKey: u.publicKey, name: u.meta.name ?? u.keyId });
    }
    const missing = admins.filter((a) => !unlocked.some((u) => u.keyId === a.keyId));
    if (missing.length > 0) throw new Error(`every admin signs the genesis: pass --admin-key for ${missing.map((m) => m.keyId).join(', ')}`);
    if (admins.length === 0) throw new Error('the genesis needs at least one admin: pass --admin-key KEYSTORE (or list admins in --config)');
    const record = {
      type: 'genesis', v: 1, origin, id: `genesis-${crypto.randomUUID()}`, time: new Date().toISOString(),
      network: config.network ?? origin,
      admins,
      adminQuorum: config.adminQuorum ?? 1,
      witnessPolicy: config.witnessPolicy ?? { quorum: 0, witnesses: [] },
      logKey: logVkey,
      maxClockSkewSeconds: config.maxClockSkewSeconds ?? 300,
      ...(config.maxUploadSeconds !== undefined ? { maxUploadSeconds: config.maxUploadSeconds } : {}),
      // The trust bundle's provider keys: a depositor with this bundle refuses any other provider.
      trust: { providers: [...(config.providers ?? []), ...(providerArgs ?? [])], selfWitnessed: false },
    };
    const signerOf = (keyId: string) => unlocked.find((u) => u.keyId === keyId)!.signer;
    let env = signRecord(record as never, adminRole(0), signerOf(admins[0]!.keyId)) as SignedRecord;
    for (let i = 1; i < admins.length; i++) env = addSignature(env, adminRole(i), signerOf(admins[i]!.keyId));
    return env;
  } finally {
    for (const u of unlocked) u.signer.dispose();
  }
}

function printSummary(s: AuditSummary): void {
  const rate = s.totalMs > 0 ? Math.round((s.size / s.totalMs) * 1000) : 0;
  process.stdout.write(
    [
      `ok: ${s.origin} verified`,
      `  size ${s.size}, root ${s.root}`,
      `  log key ${s.logKey}${s.logKeyPinned ? ' (pinned)' : ' (from the genesis; pin it with --vkey)'}`,
      `  entries: ${Object.entries(s.types).map(([t, n]) => `${t} ${n}`).join(', ')}`,
      `  signatures verified: ${s.signatures}`,
      `  members ${s.members} (${s.activeMembers} active), cases ${s.cases}, exhibits ${s.exhibits} (${s.disposed} disposed)`,
      `  cosignatures: ${s.cosignatures.length} of quorum ${s.witnessQuorum}${s.final ? ' (final)' : ' (not yet final)'}${s.cosignatures.map((c) => `\n    ${c.witness} at ${c.time}`).join('')}`,
      `  time: ${Math.round(s.totalMs)} ms (${rate} entries/s): entries read by ${Math.round(s.readMs)} ms, verified and applied by ${Math.round(s.entriesMs)} ms, then tiles and checkpoint`,
      '',
    ].join('\n'),
  );
}

export function register(program: Command): void {
  const node = program.command('node').description('run a ledger node (the sequencer of a transparency log)');
  node
    .command('init')
    .description('create a ledger node folder: the log key, the genesis entry and trust.bundle')
    .requiredOption('--dir <dir>', 'the node folder to create')
    .requiredOption('--name <origin>', 'the log origin (e.g. ledger.agency.example/main)')
    .option('--config <genesis.json>', 'genesis settings: network, admins, adminQuorum, witnessPolicy, maxClockSkewSeconds')
    .option('--admin-key <keystore>', 'an admin keystore that signs the genesis (repeatable; passphrase from EVIDENCE_PASSPHRASE)', collect, [])
    .option('--provider <keyId:publicKey[:name]>', "a provider's key for the trust bundle, as `evidence provider init` prints it (repeatable)", parseProviderArg, [])
    .action(async (o: { dir: string; name: string; config?: string; adminKey: string[]; provider: Array<{ keyId: string; publicKey: string; name: string }> }) => {
      const { config, bundle } = await initNode({ dir: o.dir, origin: o.name, genesis: (vkey) => genesisFrom(o.name, o.config, o.adminKey, o.provider, vkey) });
      process.stdout.write(
        `initialised ${o.dir}\n  origin ${config.origin}\n  vkey ${config.vkey}\n` +
          `wrote the trust bundle ${join(o.dir, TRUST_BUNDLE_FILE)}\n  fingerprint ${formatFingerprint(bundle.fingerprint)}\n` +
          `  Publish this fingerprint and give the file to every workstation, mirror and court that checks this ledger (\`evidence trust show\`).\n`,
      );
    });
  node
    .command('serve')
    .description('serve the log (tiles, checkpoint, /trust.bundle) and accept signed submissions on POST /add')
    .requiredOption('--dir <dir>', 'the node folder')
    .option('--port <port>', 'TCP port (0: any free port)', int('port'), 0)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--batch-ms <ms>', 'longest delay before a new checkpoint integrates accepted entries', int('batch-ms'), 1000)
    .option('--witnesses <file>', 'witness endpoints, JSON [{ vkey, url }] (default: DIR/witnesses.json if present)')
    .action(async (o: { dir: string; port: number; host: string; batchMs: number; witnesses?: string }) => {
      const log = (l: string) => process.stderr.write(`${l}\n`);
      const endpoints = await readWitnessEndpoints(o.witnesses ?? join(o.dir, 'witnesses.json'));
      if (o.witnesses && !endpoints) throw new InvalidArgumentError(`--witnesses ${o.witnesses} does not exist`);
      const witnesses = endpoints ? nodeWitnessHook(endpoints, { log }) : undefined;
      const n = await startNodeServer({ dir: o.dir, host: o.host, port: o.port, batchMs: o.batchMs, log, ...(witnesses ? { onCheckpoint: witnesses.hook } : {}) });
      process.stdout.write(`listening on ${n.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          witnesses?.close();
          void n.close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });

  const log = program.command('log').description('create and audit transparency logs');
  log
    .command('seed')
    .description('create a standalone log (fresh keys) with COUNT valid signed sample records of every type')
    .requiredOption('--dir <dir>', 'the node folder to create')
    .requiredOption('--count <n>', 'number of entries (genesis included)', int('count'))
    .option('--name <origin>', 'the log origin', 'seed.evidence.example/ledger')
    .option('--seed <n>', 'content seed (keys are always fresh)', int('seed'), 1)
    .action(async (o: { dir: string; count: number; name: string; seed: number }) => {
      const r = await seedLog({ dir: o.dir, count: o.count, origin: o.name, seed: o.seed });
      process.stdout.write(`seeded ${o.dir}: ${r.size} entries\n  origin ${r.origin}\n  vkey ${r.vkey}\n`);
    });
  log
    .command('verify')
    .description('audit a whole log: every tile against the checkpoint, every entry against the rules, every signature')
    .argument('<source>', 'a node folder, a tlog-tiles folder, or an http(s) URL prefix')
    .option('--vkey <vkey>', 'pin the log key (otherwise the genesis entry names it)')
    .option('--workers <n>', 'signature verification threads (default: all cores)', int('workers'))
    .action(async (source: string, o: { vkey?: string; workers?: number }) => {
      const fetcher = /^https?:\/\//.test(source)
        ? httpFetcher(source)
        : new FsLogDriver(existsSync(join(source, 'log', 'checkpoint')) ? join(source, 'log') : source);
      try {
        const s = await auditLog(fetcher, { ...(o.vkey ? { logKey: o.vkey } : {}), ...(o.workers !== undefined ? { workers: o.workers } : {}) });
        printSummary(s);
      } catch (err) {
        if (err instanceof LogVerifyError) {
          const where = [err.where.index !== undefined ? `entry ${err.where.index}` : '', err.where.path ?? ''].filter(Boolean).join(', ');
          process.stderr.write(`FAILED (${err.code}${where ? `; ${where}` : ''}): ${err.message}\n`);
          process.exitCode = 1;
          return;
        }
        throw err;
      }
    });
}

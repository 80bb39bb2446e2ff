// `evidence witness …`: run a C2SP tlog-witness (init a key, follow logs, serve add-checkpoint).
import type { Command } from 'commander';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { closeServer, listen } from '../witness/http';
import { createWitnessServer } from '../witness/server';
import { Witness, addWitnessLog, initWitness } from '../witness/witness';
import { parseVerifierKey } from '../ledger/note';

export class CliArgumentError extends Error {
  override name = 'CliArgumentError';
  readonly code = 'CLI_BAD_ARGUMENT';
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
  await new Promise<void>((done) => {
    const stop = (): void => {
      closeServer(server)
        .then(() => onClose?.())
        .then(done, (err: unknown) => {
          process.stderr.write(`${what}: did not stop cleanly: ${(err as Error).message}\n`);
          process.exitCode = 1;
          done();
        });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export function register(program: Command): void {
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

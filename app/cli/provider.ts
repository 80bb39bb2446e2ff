// `evidence provider …`: the cloud provider service (app/provider): create its folder and keys, serve it.
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { initProvider, unlockProvider } from '../provider/identity';
import { LedgerMemberDirectory } from '../provider/ledger-members';
import { createProviderServer } from '../provider/server';
import { EvidenceError } from '../common/errors';

/** A CLI argument is missing or malformed. */
export class ProviderCliError extends EvidenceError<'CLI_BAD_ARGUMENT'> {
  override name = 'ProviderCliError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('CLI_BAD_ARGUMENT', message, options);
  }
}

/** The passphrase from --passphrase-file (first line), else $EVIDENCE_PASSPHRASE. */
export async function readPassphrase(file: string | undefined, what: string): Promise<string> {
  if (file !== undefined) {
    const text = await readFile(file, 'utf8');
    return text.split(/\r?\n/)[0] ?? '';
  }
  const env = process.env.EVIDENCE_PASSPHRASE;
  if (env !== undefined && env !== '') return env;
  throw new ProviderCliError(`${what} needs a passphrase: give --passphrase-file FILE or set EVIDENCE_PASSPHRASE`);
}

export function parsePortArg(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ProviderCliError(`--port ${JSON.stringify(value)} is not a TCP port: give a number from 0 to 65535`);
  return port;
}

function parseBytes(value: string, flag = '--quota'): number {
  const m = /^(\d+)\s*([KMGT]i?B?)?$/i.exec(value.trim());
  if (!m) throw new ProviderCliError(`${flag} ${JSON.stringify(value)}: give bytes, optionally with KiB/MiB/GiB/TiB`);
  const unit = (m[2] ?? '').toUpperCase().replace(/I?B$/, '');
  const mult = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 }[unit] ?? 1;
  return Number(m[1]) * mult;
}

export function register(program: Command): void {
  const provider = program.command('provider').description('the cloud provider: resumable uploads, write-once store, countersigned receipts');

  provider
    .command('init')
    .description("create a provider folder: its secp256k1 keystore and Ed25519 witness key; prints the key to enrol (role provider)")
    .requiredOption('--dir <dir>', 'provider data folder')
    .option('--name <name>', 'provider name (keystore meta, witness key name)', 'evidence-provider')
    .option('--witness-name <name>', 'name of its witness key (default <name>.witness)')
    .option('--passphrase-file <file>', 'file whose first line is the keystore passphrase (default: $EVIDENCE_PASSPHRASE)')
    .action(async (opts: { dir: string; name: string; witnessName?: string; passphraseFile?: string }) => {
      const passphrase = await readPassphrase(opts.passphraseFile, 'provider init');
      const c = await initProvider(resolve(opts.dir), passphrase, { name: opts.name, ...(opts.witnessName ? { witnessName: opts.witnessName } : {}) });
      process.stdout.write(
        `provider folder ${resolve(opts.dir)} created\n` +
          `keyId       ${c.keyId}\n` +
          `publicKey   ${c.publicKey}\n` +
          `witness     ${c.witness.vkey}\n` +
          `Enrol the key in the ledger with role "provider" before depositors use it.\n`,
      );
    });

  provider
    .command('serve')
    .description('serve tus uploads, objects, receipts and re-verification to the members of a ledger')
    .requiredOption('--dir <dir>', 'provider data folder (from `evidence provider init`)')
    .requiredOption('--ledger <dirOrUrl>', "the ledger to follow for membership: a ledger node's folder or its URL")
    .option('--port <port>', 'TCP port (0 picks a free one)', '0')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--quota <bytes>', 'maximum bytes of stored objects (e.g. 500GiB)')
    .option('--max-upload <bytes>', 'largest Upload-Length accepted; larger ones are refused with 413 (default 16TiB)')
    .option('--upload-expiry-hours <hours>', 'an upload idle this long expires and releases its quota', '24')
    .option('--passphrase-file <file>', 'file whose first line is the keystore passphrase (default: $EVIDENCE_PASSPHRASE)')
    .action(async (opts: { dir: string; ledger: string; port: string; host: string; quota?: string; maxUpload?: string; uploadExpiryHours: string; passphraseFile?: string }) => {
      const port = parsePortArg(opts.port);
      const dir = resolve(opts.dir);
      const quotaBytes = opts.quota !== undefined ? parseBytes(opts.quota) : undefined;
      const maxUploadBytes = opts.maxUpload !== undefined ? parseBytes(opts.maxUpload, '--max-upload') : undefined;
      const expiryHours = Number(opts.uploadExpiryHours);
      if (!(expiryHours > 0)) throw new ProviderCliError(`--upload-expiry-hours ${JSON.stringify(opts.uploadExpiryHours)}: give a positive number of hours`);
      const passphrase = await readPassphrase(opts.passphraseFile, 'provider serve');
      const { config, keystore } = await unlockProvider(dir, passphrase);
      const ledger = /^https?:\/\//.test(opts.ledger) ? opts.ledger : resolve(opts.ledger);
      const members = await LedgerMemberDirectory.open(ledger, {
        onRefreshError: (err) => process.stderr.write(`provider: reading the ledger failed (keeping the last good state): ${(err as Error).message}\n`),
      });
      const self = await members.lookup(config.keyId);
      if (!self || self.role !== 'provider' || self.revoked) {
        process.stderr.write(`provider: warning: key ${config.keyId} is not an active provider member of ${members.origin}; the ledger will refuse its receipts until it is enrolled\n`);
      }
      const server = await createProviderServer({
        dir,
        signer: keystore.signer,
        directory: members,
        ...(members.origin !== undefined ? { origin: members.origin } : {}),
        windowMs: (members.maxClockSkewSeconds ?? 300) * 1000,
        ...(members.maxUploadSeconds !== undefined ? { maxUploadMs: members.maxUploadSeconds * 1000 } : {}),
        ...(quotaBytes !== undefined ? { quotaBytes } : {}),
        ...(maxUploadBytes !== undefined ? { maxUploadBytes } : {}),
        uploadExpiryMs: expiryHours * 3_600_000,
      });
      const url = await server.listen(port, opts.host);
      process.stdout.write(`provider ${config.keyId} listening on ${url}\nfollowing ledger ${members.origin} (${members.size} entries) from ${ledger}\n`);
      await new Promise<void>((done) => {
        const stop = (signal: string) => {
          process.stdout.write(`${signal}: stopping the provider\n`);
          members.close();
          server.close().then(
            () => {
              keystore.signer.dispose();
              done();
            },
            (err: unknown) => {
              process.stderr.write(`provider: did not stop cleanly: ${(err as Error).message}\n`);
              process.exitCode = 1;
              done();
            },
          );
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
    });
}

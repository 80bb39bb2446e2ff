// `evidence key …`: create and inspect a person's encrypted keystore (app/crypto/keystore.ts).
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { PassphraseError } from '../crypto/errors';
import { createKeystore, readKeystoreInfo, type KeystoreInfo } from '../crypto/keystore';
import { publicKeyToPem } from '../crypto/secp256k1';
import { writeFileAtomic } from '../fs/atomic';

/** Environment variable a script sets instead of typing the passphrase. */
export const PASSPHRASE_ENV = 'EVIDENCE_PASSPHRASE';

export function register(program: Command): void {
  const key = program.command('key').description("Create and inspect a person's encrypted signing key (secp256k1).");

  key
    .command('new')
    .description(`Create a keystore with a new key. Asks for the passphrase twice on a terminal, or reads $${PASSPHRASE_ENV}.`)
    .requiredOption('--out <file>', 'where to write the keystore (never overwritten)')
    .option('--name <name>', "the officer's name")
    .option('--badge <badge>', 'badge or staff number')
    .option('--role <role>', 'role (investigator, custodian, supervisor, admin, …)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { out: string; name?: string; badge?: string; role?: string; json?: boolean }) => {
      const path = resolve(opts.out);
      const passphrase = await newPassphrase();
      const info = await createKeystore(path, passphrase, { meta: { name: opts.name, badge: opts.badge, role: opts.role } });
      if (opts.json) process.stdout.write(JSON.stringify(info, null, 2) + '\n');
      else process.stdout.write(`Created keystore ${path}\n${describeInfo(info)}`);
    });

  key
    .command('show')
    .description('Show the key id, public key (hex and PEM) and owner of a keystore. Needs no passphrase.')
    .argument('<file>', 'keystore file')
    .option('--json', 'print as JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const info = await readKeystoreInfo(resolve(file));
      const pem = publicKeyToPem(info.publicKey);
      if (opts.json) process.stdout.write(JSON.stringify({ ...info, publicKeyPem: pem }, null, 2) + '\n');
      else process.stdout.write(`${describeInfo(info)}${pem}`);
    });

  key
    .command('export-pem')
    .description('Print (or write) the public key as PEM, for `openssl dgst -sha256 -verify`.')
    .argument('<file>', 'keystore file')
    .option('--out <pem>', 'write the PEM to this file instead of standard output')
    .action(async (file: string, opts: { out?: string }) => {
      const pem = publicKeyToPem((await readKeystoreInfo(resolve(file))).publicKey);
      if (opts.out) await writeFileAtomic(resolve(opts.out), new TextEncoder().encode(pem), { mode: 0o644, overwrite: true });
      else process.stdout.write(pem);
    });
}

function describeInfo(info: KeystoreInfo): string {
  const lines = [`  key id:     ${info.keyId}`, `  public key: ${info.publicKey}`];
  if (info.meta.name !== undefined) lines.push(`  name:       ${info.meta.name}`);
  if (info.meta.badge !== undefined) lines.push(`  badge:      ${info.meta.badge}`);
  if (info.meta.role !== undefined) lines.push(`  role:       ${info.meta.role}`);
  lines.push(`  created:    ${info.createdAt}`, `  scrypt:     N=${info.kdf.N} r=${info.kdf.r} p=${info.kdf.p}`);
  return lines.join('\n') + '\n';
}

/** The passphrase for a new keystore: $EVIDENCE_PASSPHRASE, else asked twice on the terminal. */
async function newPassphrase(): Promise<string> {
  const fromEnv = process.env[PASSPHRASE_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!process.stdin.isTTY) {
    throw new PassphraseError(`no passphrase: run on a terminal to be asked for one, or set ${PASSPHRASE_ENV} for scripts`);
  }
  const first = await promptHidden('New passphrase: ');
  if (first === '') throw new PassphraseError('the passphrase is empty');
  const second = await promptHidden('Repeat passphrase: ');
  if (first !== second) throw new PassphraseError('the two passphrases differ; nothing was written');
  return first;
}

/** Reads one line from the terminal without echoing it (raw mode); Backspace edits, Ctrl+C aborts. */
export function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolvePromise, reject) => {
    let text = '';
    const finish = (err?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (err) reject(err);
      else resolvePromise(text);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(new PassphraseError('cancelled'));
        if (ch === '\u007f' || ch === '\b') text = [...text].slice(0, -1).join('');
        else text += ch;
      }
    };
    // Echo goes off before the prompt appears, so nothing typed in answer to it is echoed.
    stdin.setEncoding('utf8');
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
    process.stderr.write(question);
  });
}


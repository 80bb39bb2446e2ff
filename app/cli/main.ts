// The `evidence` command line: one entry point, one sub-command per capability. A sub-command's module (and
// what it imports: servers, fastify, the PDF printer…) is loaded only when that command runs, so `evidence
// --help` or `evidence hash` start without the rest (the built CLI keeps each in a chunk of its own).
import { Command, CommanderError } from 'commander';

/** A module that adds its command(s) to the program. */
type Registrar = () => Promise<{ register(program: Command): void }>;

/**
 * Every top-level command: its name, the one line `evidence --help` shows, and the module(s) that register it,
 * in order (`log` is completed by witness.ts after ledger.ts). Adding a command is adding a line.
 */
const COMMANDS: ReadonlyArray<readonly [name: string, summary: string, ...modules: Registrar[]]> = [
  ['serve', 'run the workstation in a browser (the web host on 127.0.0.1)', () => import('./serve')],
  ['key', 'create and inspect encrypted signing keys', () => import('./key')],
  ['hash', 'hash files and folders (output checkable with sha256sum -c)', () => import('./hash')],
  ['node', 'run a ledger node (the sequencer of a transparency log)', () => import('./ledger')],
  ['log', 'create, audit and prove entries of transparency logs', () => import('./ledger'), () => import('./witness')],
  ['witness', 'run a C2SP tlog-witness that cosigns checkpoints', () => import('./witness')],
  ['mirror', 'keep verified copies of ledgers, serve them, raise fork alarms', () => import('./witness')],
  ['provider', 'run the cloud provider (uploads, write-once store, receipts)', () => import('./provider')],
  ['deposit', 'deposit files with a provider and record them in the ledger', () => import('./deposit')],
  ['report', 'print the chain-of-custody report of a case to PDF', () => import('./report')],
  ['verify', 'verify an evidence file against its evidence receipt, offline', () => import('./verify')],
  ['verify-receipt', 'check an evidence receipt offline, check by check', () => import('./witness')],
  ['member', "manage a network ledger's members", () => import('./member')],
  ['trust', "show or fetch a ledger's trust bundle and its fingerprint", () => import('./trust')],
  ['verifier', "build an agency's offline HTML verifier with its trust bundle inside", () => import('./trust')],
];

/** The names of every top-level command (for tests and completion). */
export const COMMAND_NAMES: readonly string[] = COMMANDS.map(([name]) => name);

function baseProgram(): Command {
  return new Command()
    .name('evidence')
    .description('Evidence-ledger workstation: sign, deposit, record and verify digital evidence.')
    .version('0.1.0')
    .exitOverride()
    // An unknown command is refused in one line (no "Did you mean …?" guess).
    .showSuggestionAfterError(false)
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
}

/**
 * The program for `args` (the arguments after the script): the command they name, fully registered from its
 * module(s); with no known command (`--help`, `--version`, a typo) every command as a one-line entry, so help
 * lists them all and a typo is refused with commander's "unknown command" error.
 */
export async function buildProgram(args: readonly string[] = []): Promise<Command> {
  const program = baseProgram();
  const operands = args.filter((a) => !a.startsWith('-'));
  // `evidence help CMD` shows CMD's own help: load CMD.
  const name = operands[0] === 'help' ? operands[1] : operands[0];
  const entry = COMMANDS.find(([n]) => n === name);
  if (entry) {
    const [, , ...modules] = entry;
    for (const mod of await Promise.all(modules.map((load) => load()))) mod.register(program);
  } else {
    for (const [n, summary] of COMMANDS) program.command(n).description(summary);
  }
  return program;
}

/** Runs the CLI with `argv` (as in `process.argv`) and resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    const program = await buildProgram(argv.slice(2));
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`evidence: ${message}\n`);
    // An error may carry its own exit code (`evidence verify`: 3 when unanchored).
    const exitCode = (err as { exitCode?: unknown }).exitCode;
    return typeof exitCode === 'number' && exitCode > 0 ? exitCode : 1;
  }
}

// The `evidence` command line: one entry point, one sub-command per capability.
import { Command, CommanderError } from 'commander';
import { register as registerServe } from './serve';
import { register as registerKey } from './key';
import { register as registerHash } from './hash';
import { register as registerLedger } from './ledger';
import { register as registerWitness } from './witness';
import { register as registerProvider } from './provider';
import { register as registerDeposit } from './deposit';
import { register as registerReport } from './report';
import { register as registerVerify } from './verify';
import { register as registerMember } from './member';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('evidence')
    .description('Evidence-ledger workstation: sign, deposit, record and verify digital evidence.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  registerServe(program);
  registerKey(program);
  registerHash(program);
  registerLedger(program);
  registerWitness(program);
  registerProvider(program);
  registerDeposit(program);
  registerReport(program);
  registerVerify(program);
  registerMember(program);
  return program;
}

/** Runs the CLI with `argv` (as in `process.argv`) and resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`evidence: ${message}\n`);
    return 1;
  }
}

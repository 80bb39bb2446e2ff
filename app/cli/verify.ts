// `evidence verify FILE RECEIPT`: recomputes the file's SHA-256 and size, then runs every receipt check with
// app/proof's verifier (the one `evidence verify-receipt` and the offline HTML verifier use), printing each with
// ✓/✗ (– when skipped) and its reason. Exit 0 only when every check passes.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import type { Command } from 'commander';
import { type ReceiptReport, verifyReceipt } from '../proof/receipt';

export class VerifyArgumentError extends Error {
  override name = 'VerifyArgumentError';
  readonly code = 'VERIFY_BAD_ARGUMENT';
}

/** At least one check failed (the checks are printed first); the CLI exits 1. */
export class VerifyFailedError extends Error {
  override name = 'VerifyFailedError';
  readonly code = 'VERIFY_FAILED';
}

/** SHA-256 (hex) and size of a file, streamed. */
export async function hashFileSha256(path: string): Promise<{ sha256: string; size: number }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    h.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: h.digest('hex'), size };
}

const MARK = { pass: '✓', fail: '✗', skip: '–' } as const;

/** The lines `evidence verify` prints for a report. */
export function formatReceiptReport(r: ReceiptReport, file?: { path: string; sha256: string; size: number }): string {
  const lines: string[] = [];
  if (file) lines.push(`file ${file.path}: sha256 ${file.sha256}, ${file.size} bytes`);
  if (r.entry) lines.push(`entry ${r.entry.index} (${r.entry.type} ${r.entry.id})`);
  for (const c of r.checks) lines.push(`${MARK[c.status]} ${c.id}: ${c.title}`, `    ${c.detail}`);
  lines.push(`note: ${r.limit}`);
  const failed = r.checks.filter((c) => c.status === 'fail').map((c) => c.id);
  lines.push(failed.length > 0 ? `FAILED: ${failed.join(', ')}` : 'verified: every check passed');
  return `${lines.join('\n')}\n`;
}

export function register(program: Command): void {
  program
    .command('verify')
    .description('verify an evidence file against its evidence receipt, offline: file hash, signatures, inclusion, log signature, witness quorum')
    .argument('<file>', 'the evidence file')
    .argument('<receipt>', 'its .evidence-receipt.json')
    .action(async (path: string, receiptPath: string) => {
      let receipt: unknown;
      try {
        receipt = JSON.parse(await readFile(receiptPath, 'utf8'));
      } catch (err) {
        throw new VerifyArgumentError(`${receiptPath} is not a readable JSON receipt: ${(err as Error).message}`, { cause: err });
      }
      let file: { sha256: string; size: number };
      try {
        file = await hashFileSha256(path);
      } catch (err) {
        throw new VerifyArgumentError(`${path} cannot be read: ${(err as Error).message}`, { cause: err });
      }
      const r = verifyReceipt(receipt, { file });
      process.stdout.write(formatReceiptReport(r, { path, ...file }));
      if (!r.ok) throw new VerifyFailedError(`${path} does not verify against ${receiptPath}: ${r.checks.filter((c) => c.status === 'fail').map((c) => c.id).join(', ')} failed`);
    });
}

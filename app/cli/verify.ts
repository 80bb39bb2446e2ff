// `evidence verify FILE RECEIPT [--trust BUNDLE | --trust-fingerprint HEX]`: recomputes the file's SHA-256 and
// size, then runs every receipt check with app/proof's verifier (the one `evidence verify-receipt` and the
// offline HTML verifier use) against the trust root given, printing each with ✓/✗ (– when skipped) and its
// reason. Exit 0: anchored and every check passed; 1: a check failed; 3: unanchored (no trust root given —
// the receipt's claimed fingerprint is printed, to be compared with the one the agency publishes).
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import type { Command } from 'commander';
import { type ReceiptReport, SELF_WITNESSED, verifyReceipt } from '../proof/receipt';
import { formatFingerprint } from '../trust/bundle';
import { trustAnchorFrom, trustOptions, type TrustOptions } from './trust';
import { EvidenceError } from '../common/errors';

export class VerifyArgumentError extends EvidenceError<'VERIFY_BAD_ARGUMENT'> {
  override name = 'VerifyArgumentError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('VERIFY_BAD_ARGUMENT', message, options);
  }
}

/** At least one check failed (the checks are printed first); the CLI exits 1. */
export class VerifyFailedError extends EvidenceError<'VERIFY_FAILED'> {
  override name = 'VerifyFailedError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('VERIFY_FAILED', message, options);
  }
}

/** Nothing failed but no trust root was given: the receipt is not verified; the CLI exits 3. */
export class VerifyUnanchoredError extends EvidenceError<'VERIFY_UNANCHORED'> {
  override name = 'VerifyUnanchoredError';
  readonly exitCode = 3;
  constructor(message: string, options?: { cause?: unknown }) {
    super('VERIFY_UNANCHORED', message, options);
  }
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
  if (r.claimed) lines.push(`the receipt's ledger: ${r.claimed.origin} (${r.claimed.network}), trust bundle fingerprint ${formatFingerprint(r.claimed.fingerprint)}`);
  if (r.trust) lines.push(`checked against the trust root with fingerprint ${formatFingerprint(r.trust.fingerprint)}`);
  if (r.selfWitnessed) lines.push(`${SELF_WITNESSED.en} (standalone ledger: its witness is the depositor's own computer)`);
  const failed = r.checks.filter((c) => c.status === 'fail').map((c) => c.id);
  if (r.outcome === 'failed') lines.push(`FAILED: ${failed.join(', ')}`);
  else if (r.outcome === 'unanchored') {
    lines.push(
      'UNANCHORED: every check passed against the keys the receipt itself names, which proves nothing on its own.',
      r.claimed
        ? `  The receipt claims trust bundle fingerprint ${formatFingerprint(r.claimed.fingerprint)}: compare it with the fingerprint the agency publishes,`
        : '  The receipt names no readable trust bundle.',
      "  or run again with --trust BUNDLE (the agency's trust.bundle) or --trust-fingerprint HEX.",
    );
  } else lines.push(`verified: every check passed against the trust root${r.selfWitnessed ? ` (${SELF_WITNESSED.en})` : ''}`);
  return `${lines.join('\n')}\n`;
}

/** Throws the error the outcome exits with (1 failed, 3 unanchored); nothing when verified. */
export function exitForOutcome(r: ReceiptReport, what: string): void {
  if (r.outcome === 'failed') throw new VerifyFailedError(`${what} does not verify: ${r.checks.filter((c) => c.status === 'fail').map((c) => c.id).join(', ')} failed`);
  if (r.outcome === 'unanchored') throw new VerifyUnanchoredError(`${what}: unanchored (no trust root given); compare the receipt's fingerprint with the agency's, or pass --trust / --trust-fingerprint`);
}

export function register(program: Command): void {
  trustOptions(
    program
      .command('verify')
      .description('verify an evidence file against its evidence receipt, offline, with the trust root you hold: file hash, signatures, inclusion, log key, witness quorum (exit 0 verified, 1 failed, 3 unanchored)')
      .argument('<file>', 'the evidence file')
      .argument('<receipt>', 'its .evidence-receipt.json'),
  ).action(async (path: string, receiptPath: string, o: TrustOptions) => {
    const trust = await trustAnchorFrom(o);
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
    const r = verifyReceipt(receipt, trust, { file });
    process.stdout.write(formatReceiptReport(r, { path, ...file }));
    exitForOutcome(r, `${path} with ${receiptPath}`);
  });
}

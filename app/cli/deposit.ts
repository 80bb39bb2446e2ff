// `evidence deposit`: the deposition flow (app/deposit/flow.ts) for labs that deposit in batches — one exhibit
// per file, each stage printed, one evidence receipt per file. Re-running the same command resumes: each
// exhibit's journal says which stages are done. A trust root is required (--trust or --trust-fingerprint): the
// node, its trust bundle and the provider are checked against it before anything is sent.
import type { Command } from 'commander';
import { basename, join, resolve } from 'node:path';
import { safeFileName } from '../common/file-name';
import { unlockKeystore } from '../crypto/keystore';
import { runDeposition, type DepositEvent } from '../deposit/flow';
import { ProviderClient } from '../provider/client';
import { LedgerMemberDirectory } from '../provider/ledger-members';
import { ProviderCliError, readPassphrase } from './provider';
import { checkParties, fetchBytes, requireTrustBundle, trustOptions, type TrustOptions } from './trust';
import { TRUST_BUNDLE_FILE, assertBundleOfGenesis } from '../trust/bundle';

/**
 * The exhibit id of a file in a batch: prefix + its name, Unicode kept (NFC), only characters unsafe in a file
 * name replaced, with a stable suffix then (app/common/file-name.ts), so `现场照片.jpg` stays itself. White space
 * becomes `_`: an exhibit id is an identifier, printed whole and typed on command lines.
 */
export function exhibitIdFor(prefix: string, file: string): string {
  const id = safeFileName(`${prefix}${basename(file)}`.replace(/\s/gu, '_')).slice(0, 128);
  if (!/^[\p{L}\p{N}]/u.test(id)) throw new ProviderCliError(`exhibit id ${JSON.stringify(id)} must start with a letter or digit: choose another --exhibit-prefix`);
  return id;
}

function formatEvent(e: DepositEvent): string {
  const mark = e.status === 'resumed' ? ' (done earlier)' : '';
  return `[${e.exhibitId}] ${e.stage}: ${e.message}${mark}\n`;
}

export function register(program: Command): void {
  const cmd = program
    .command('deposit')
    .description('deposit files with a provider and record each as a co-signed deposition in the ledger (one exhibit per file)')
    .requiredOption('--provider <url>', 'the provider service URL')
    .requiredOption('--node <url>', 'the ledger node (sequencer) URL')
    .requiredOption('--key <keystore>', "the depositor's keystore file")
    .requiredOption('--case <id>', 'the case the exhibits belong to (opened in the ledger)')
    .option('--exhibit-prefix <prefix>', 'exhibit id prefix; the id is prefix + file name (default "<case>-")')
    .option('--receipts <dir>', 'where evidence receipts are written', '.')
    .option('--journal <dir>', 'where the flow journals are kept (default <receipts>/.deposit-journal)')
    .option('--description <text>', 'description recorded with each exhibit', '')
    .option('--passphrase-file <file>', 'file whose first line is the keystore passphrase (default: $EVIDENCE_PASSPHRASE)')
    .argument('<files...>', 'files to deposit');
  trustOptions(cmd).action(
    async (files: string[], opts: TrustOptions & { provider: string; node: string; key: string; case: string; exhibitPrefix?: string; receipts: string; journal?: string; description: string; passphraseFile?: string }) => {
      // Fail closed, before a byte is sent: the node, its bundle and the provider must be the trust root's.
      const trust = await requireTrustBundle(opts, 'deposit', () => fetchBytes(`${opts.node.replace(/\/+$/, '')}/${TRUST_BUNDLE_FILE}`));
      await checkParties(trust, { node: opts.node, provider: opts.provider }, 'deposit');
      const passphrase = await readPassphrase(opts.passphraseFile, 'deposit');
      const { signer } = await unlockKeystore(resolve(opts.key), passphrase);
      const receiptsDir = resolve(opts.receipts);
      const journalDir = resolve(opts.journal ?? join(receiptsDir, '.deposit-journal'));
      const prefix = opts.exhibitPrefix ?? `${opts.case}-`;
      const ledger = await LedgerMemberDirectory.open(opts.node, { refreshMs: 0 });
      try {
        assertBundleOfGenesis(trust, ledger.genesis!);
      } catch (err) {
        ledger.close();
        signer.dispose();
        throw err;
      }
      const provider = new ProviderClient({ baseUrl: opts.provider, signer, urlStorageFile: join(journalDir, 'uploads.json') });
      const failed: string[] = [];
      try {
        for (const file of files) {
          const exhibitId = exhibitIdFor(prefix, file);
          try {
            const r = await runDeposition(
              { caseId: opts.case, exhibitId, files: [{ path: file }], metadata: { description: opts.description } },
              { signer, provider, nodeUrl: opts.node, ledger, journalDir, receiptsDir, trust, onEvent: (e) => process.stdout.write(formatEvent(e)) },
            );
            process.stdout.write(`[${exhibitId}] ${r.final ? 'final' : 'recorded'}: entry ${r.index} of ${r.receipt.origin}; receipt ${r.receiptFile}\n`);
          } catch (err) {
            failed.push(exhibitId);
            process.stderr.write(`[${exhibitId}] failed: ${(err as Error).message}\n  (run the same command again to retry from this stage)\n`);
          }
        }
      } finally {
        ledger.close();
        signer.dispose();
      }
      if (failed.length > 0) {
        process.exitCode = 1;
        process.stderr.write(`deposit: ${failed.length} of ${files.length} exhibit(s) not recorded: ${failed.join(', ')}\n`);
      }
    },
  );
}

// `evidence report --data DIR --case ID --out FILE.pdf [--lang zh-CN|en|both]`: the chain-of-custody report of
// one case, generated from a ledger folder alone and printed by headless Chromium. Beside the PDF it writes
// CASE.report.json (what the footer's SHA-256 covers), each exhibit's evidence receipt and the offline verifier
// (when built). `--hash-only` prints that SHA-256 without printing.
import { assertBundleOfGenesis, bundleFromGenesis, checkTrustBundle, formatFingerprint } from '../trust/bundle';
import { type TrustOptions, trustAnchorFrom, trustOptions } from './trust';
import type { Command } from 'commander';
import { REPORT_LANGS, type ReportLang } from '../report/labels';
import { buildReportData, loadLedgerFolder, reportHash } from '../report/model';
import { exportReport } from '../report/export';
import { launchChromiumPrinter } from '../report/pdf';
import { proofReceipt } from '../report/receipts';
import { checkoutReportResources, readBuiltVerifier } from '../report/resources';
import { EvidenceError } from '../common/errors';

export class ReportArgumentError extends EvidenceError<'REPORT_BAD_ARGUMENT'> {
  override name = 'ReportArgumentError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('REPORT_BAD_ARGUMENT', message, options);
  }
}

export function parseLang(value: string): ReportLang {
  if (!(REPORT_LANGS as readonly string[]).includes(value)) throw new ReportArgumentError(`--lang ${JSON.stringify(value)}: use one of ${REPORT_LANGS.join(', ')}`);
  return value as ReportLang;
}

export function register(program: Command): void {
  const cmd = program
    .command('report')
    .description('print the chain-of-custody report of a case to PDF, from a ledger folder alone')
    .requiredOption('--data <dir>', 'ledger folder: a node, mirror or standalone folder, or a C2SP tlog-tiles folder')
    .requiredOption('--case <id>', 'case number (the caseId of its case.open record)')
    .option('--out <file>', 'PDF to write (the report JSON and receipts go beside it)')
    .option('--lang <lang>', `language: ${REPORT_LANGS.join(', ')}`, 'both')
    .option('--hash-only', "print the report's SHA-256 (over its canonical JSON data) and exit");
  trustOptions(cmd).action(async (opts: TrustOptions & { data: string; case: string; out?: string; lang: string; hashOnly?: boolean }) => {
      const lang = parseLang(opts.lang);
      // With a trust root, the ledger folder must be the ledger it describes (its genesis), else nothing is printed.
      const trust = await trustAnchorFrom(opts);
      if (trust) {
        const { genesis } = await loadLedgerFolder(opts.data);
        const mine = checkTrustBundle(bundleFromGenesis(genesis));
        if ('bundle' in trust) assertBundleOfGenesis(trust.bundle, genesis);
        else if (mine.fingerprint !== trust.fingerprint) throw new ReportArgumentError(`the ledger in ${opts.data} has trust bundle ${formatFingerprint(mine.fingerprint)}, not the trusted ${formatFingerprint(trust.fingerprint)}: no report printed`);
      }
      if (opts.hashOnly) {
        const data = buildReportData(await loadLedgerFolder(opts.data), opts.case);
        process.stdout.write(`${reportHash(data)}\n`);
        return;
      }
      if (!opts.out) throw new ReportArgumentError('--out FILE.pdf is required unless --hash-only is given');
      const resources = checkoutReportResources();
      const verifier = await readBuiltVerifier(resources.verifier);
      if (!verifier) process.stderr.write(`warning: the offline verifier ${resources.verifier} is not built (npm run build:verifier); the report is written without it\n`);
      const printer = await launchChromiumPrinter();
      try {
        const r = await exportReport({ dataDir: opts.data, caseId: opts.case, out: opts.out, lang, printer: printer.print, receipts: proofReceipt, extras: verifier ? [verifier] : [], resources });
        process.stdout.write(
          `report ${r.pdf}: case ${r.data.case.caseId}, ${r.data.exhibits.length} exhibit(s), ${r.pages} page(s), checkpoint ${r.data.checkpoint.size}\n` +
            `sha256 ${r.hash} (of ${r.json})\n` +
            r.receipts.map((p) => `receipt ${p}\n`).join('') +
            r.extras.map((p) => `file ${p}\n`).join('') +
            r.warnings.map((w) => `warning: ${w}\n`).join(''),
        );
      } finally {
        await printer.close();
      }
    });
}

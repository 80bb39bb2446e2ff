// The chain-of-custody report through the contract (`report.print`): generated from the ledger folder alone —
// the standalone stack's log in standalone mode — never from the UI's workspace, printed by an injected printer
// (Electron's webContents.printToPDF in the desktop app, headless Chromium in the web host), and written with the
// report's JSON and, where available, the evidence receipts and the offline verifier beside it.
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ParsedArgs, Service } from '../../contract/api';
import { exportReport, type ExportResult } from '../../report/export';
import type { ClosablePrinter } from '../../report/pdf';
import { proofReceipt } from '../../report/receipts';
import type { ReportResources } from '../../report/resources';
import type { HostLogger } from '../dispatch';
import { HostError } from '../errors';

/** Opens a printer for one job; the host closes it afterwards. */
export type PrinterFactory = () => Promise<ClosablePrinter>;

export const REPORTS_DIR = 'reports';

export type ReportMethods = Pick<Service, 'report.print'>;

export class ReportService {
  constructor(
    private readonly dataDir: string,
    /** The verified ledger's tile folder: the standalone log, or the network mode's verified mirror. */
    private readonly ledgerFolder: () => Promise<string>,
    private readonly printer: PrinterFactory,
    private readonly log: HostLogger,
    /** Template, font and the built offline verifier (copied beside each report when present); this checkout's when absent. */
    private readonly resources?: ReportResources,
  ) {}

  methods(): ReportMethods {
    return { 'report.print': (a) => this.print(a) };
  }

  private async extras(): Promise<Array<{ name: string; bytes: Uint8Array }>> {
    if (!this.resources) return [];
    const path = this.resources.verifier;
    try {
      await access(path);
    } catch {
      this.log.warn(`report: the offline verifier ${path} is not built (npm run build:verifier); the report is exported without it`);
      return [];
    }
    return [{ name: 'verifier.html', bytes: new Uint8Array(await readFile(path)) }];
  }

  async print(a: ParsedArgs<'report.print'>): Promise<{ pdf: string; json: string; sha256: string; pages: number; receipts: string[]; files: string[] }> {
    let ledgerDir: string;
    try {
      ledgerDir = await this.ledgerFolder();
    } catch (err) {
      throw new HostError('REPORT_NOT_AVAILABLE', `Reports are printed from the ledger this workstation has verified, and there is none yet: ${(err as Error).message}`, { cause: err });
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const folder = a.folder ?? join(this.dataDir, REPORTS_DIR, `${a.caseId.replace(/[^A-Za-z0-9._-]/g, '_')}-${stamp}`);
    const printer = await this.printer();
    let r: ExportResult;
    try {
      r = await exportReport({ dataDir: ledgerDir, caseId: a.caseId, out: join(folder, 'report.pdf'), lang: a.lang, printer: printer.print, receipts: proofReceipt, extras: await this.extras(), ...(this.resources ? { resources: this.resources } : {}) });
      for (const w of r.warnings) this.log.warn(`report: ${w}`);
    } finally {
      await printer.close();
    }
    this.log.info(`report: ${a.caseId} printed to ${r.pdf} (${r.pages} pages, sha256 ${r.hash})`);
    return { pdf: r.pdf, json: r.json, sha256: r.hash, pages: r.pages, receipts: r.receipts, files: r.extras };
  }
}

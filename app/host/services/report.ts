// The chain-of-custody report through the contract (`report.print`): generated from the ledger folder alone —
// the standalone stack's log in standalone mode — never from the UI's workspace, printed by an injected printer
// (Electron's webContents.printToPDF in the desktop app, headless Chromium in the web host), and written with the
// report's JSON and, where available, the evidence receipts and the offline verifier beside it.
import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { ParsedArgs, ReportSystemPrint, Service } from '../../contract/api';
import { exportReport, type ExportResult } from '../../report/export';
import type { ClosablePrinter } from '../../report/pdf';
import { proofReceipt } from '../../report/receipts';
import { readBuiltVerifier, type ReportResources } from '../../report/resources';
import type { HostLogger } from '../dispatch';
import { HostError } from '../errors';

/** Opens a printer for one job; the host closes it afterwards. */
export type PrinterFactory = () => Promise<ClosablePrinter>;

/**
 * Shows a printed PDF and the system print dialog for it (the desktop app); resolves with what the user did.
 * Absent in the web host, which serves the PDF for the page to print instead.
 */
export type PrintDialog = (pdf: string) => Promise<'printed' | 'cancelled'>;

export const REPORTS_DIR = 'reports';

/** How many PDFs the web host keeps an address for at once (the oldest is forgotten first). */
export const MAX_DOCUMENTS = 32;

export type ReportMethods = Pick<Service, 'report.print' | 'report.systemPrint'>;

export interface ReportServiceOptions {
  /** Template, font and the built offline verifier (copied beside each report when present). */
  resources?: ReportResources;
  printDialog?: PrintDialog;
}

export class ReportService {
  /** One-time addresses of PDFs for the web host's page to print: random id → file. */
  private readonly documents = new Map<string, string>();

  constructor(
    private readonly dataDir: string,
    /** The verified ledger's tile folder: the standalone log, or the network mode's verified mirror. */
    private readonly ledgerFolder: () => Promise<string>,
    private readonly printer: PrinterFactory,
    private readonly log: HostLogger,
    private readonly options: ReportServiceOptions = {},
  ) {}

  methods(): ReportMethods {
    return { 'report.print': (a) => this.print(a), 'report.systemPrint': (a) => this.systemPrint(a) };
  }

  /**
   * The system print dialog for a PDF this host printed: only a report.pdf in a folder of the data folder's
   * reports/ (where report.print writes), and only a file that still starts as a PDF does, so the call cannot be
   * used to print or serve any other file of the workstation.
   */
  async systemPrint(a: ParsedArgs<'report.systemPrint'>): Promise<ReportSystemPrint> {
    const pdf = resolve(a.pdf);
    const inReports = dirname(dirname(pdf)) === resolve(this.dataDir, REPORTS_DIR) && basename(pdf) === 'report.pdf';
    if (!inReports) {
      throw new HostError('REPORT_UNKNOWN_PDF', `${pdf} is not a report this workstation printed; print the case's report first, then print that PDF.`);
    }
    await assertPdf(pdf);
    if (this.options.printDialog) {
      const outcome = await this.options.printDialog(pdf);
      this.log.info(`report: ${pdf} sent to the system print dialog (${outcome})`);
      return { via: 'dialog', outcome };
    }
    const id = randomBytes(16).toString('hex');
    this.documents.set(id, pdf);
    while (this.documents.size > MAX_DOCUMENTS) this.documents.delete(this.documents.keys().next().value as string);
    return { via: 'browser', url: `/documents/${id}/${encodeURIComponent(basename(pdf))}` };
  }

  /** The PDF behind a `/documents/<id>/` address handed out by systemPrint, or undefined. */
  document(id: string): string | undefined {
    return this.documents.get(id);
  }

  private async extras(): Promise<Array<{ name: string; bytes: Uint8Array }>> {
    const resources = this.options.resources;
    if (!resources) return [];
    const verifier = await readBuiltVerifier(resources.verifier);
    if (!verifier) this.log.warn(`report: the offline verifier ${resources.verifier} is not built (npm run build:verifier); the report is exported without it`);
    return verifier ? [verifier] : [];
  }

  async print(a: ParsedArgs<'report.print'>): Promise<{ pdf: string; json: string; sha256: string; pages: number; receipts: string[]; files: string[] }> {
    let ledgerDir: string;
    try {
      ledgerDir = await this.ledgerFolder();
    } catch (err) {
      throw new HostError('REPORT_NOT_AVAILABLE', `Reports are printed from the ledger this workstation has verified, and there is none yet: ${(err as Error).message}`, { cause: err });
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const folder = join(this.dataDir, REPORTS_DIR, `${a.caseId.replace(/[^A-Za-z0-9._-]/g, '_')}-${stamp}`);
    const printer = await this.printer();
    let r: ExportResult;
    try {
      r = await exportReport({ dataDir: ledgerDir, caseId: a.caseId, out: join(folder, 'report.pdf'), lang: a.lang, printer: printer.print, receipts: proofReceipt, extras: await this.extras(), ...(this.options.resources ? { resources: this.options.resources } : {}) });
      for (const w of r.warnings) this.log.warn(`report: ${w}`);
    } finally {
      await printer.close();
    }
    this.log.info(`report: ${a.caseId} printed to ${r.pdf} (${r.pages} pages, sha256 ${r.hash})`);
    return { pdf: r.pdf, json: r.json, sha256: r.hash, pages: r.pages, receipts: r.receipts, files: r.extras };
  }
}

/** Refuses a path that is not a readable PDF file (it may have been moved or replaced since it was printed). */
async function assertPdf(path: string): Promise<void> {
  let head: Buffer;
  try {
    const f = await open(path, 'r');
    try {
      head = Buffer.alloc(5);
      await f.read(head, 0, 5, 0);
    } finally {
      await f.close();
    }
  } catch (err) {
    throw new HostError('REPORT_PDF_MISSING', `The report ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); print the report again.`, { cause: err });
  }
  if (head.toString('latin1') !== '%PDF-') throw new HostError('REPORT_PDF_MISSING', `${path} is no longer a PDF; print the report again.`);
}

// Printing the report to PDF. The host and CLI take a `ReportPrinter`: Chromium's own PDF printing, driven here
// through playwright-core (CLI, web host, tests), or Electron's webContents.printToPDF (electron/ adapter). The
// page is loaded with JavaScript disabled and every network request refused: the report is static by design.
import { chromium, type Browser } from 'playwright-core';
import { EvidenceError } from '../common/errors';

/** A self-contained page; its header and footer are CSS page-margin boxes, so printers add nothing. */
export interface PrintJob {
  html: string;
}

/** Renders a print job to PDF bytes. */
export type ReportPrinter = (job: PrintJob) => Promise<Uint8Array>;

export interface ClosablePrinter {
  print: ReportPrinter;
  close(): Promise<void>;
}

export class PrintError extends EvidenceError<'REPORT_NO_CHROMIUM' | 'REPORT_PRINT_FAILED'> {
  override name = 'PrintError';
  constructor(
    code: 'REPORT_NO_CHROMIUM' | 'REPORT_PRINT_FAILED',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/** Chromium PDF options shared by every printer: A4 portrait, the @page margins and margin boxes of the style sheet. */
export const PDF_OPTIONS = { format: 'A4', printBackground: true, preferCSSPageSize: true, displayHeaderFooter: false } as const;

/** How long loading a report page may take: 2 minutes plus 10 s per MB of HTML. */
export const printTimeoutMs = (htmlLength: number): number => 120_000 + Math.ceil(htmlLength / 1e6) * 10_000;

/** Starts one headless Chromium and prints jobs in fresh, offline, script-less contexts. */
export async function launchChromiumPrinter(executablePath = chromiumPath()): Promise<ClosablePrinter> {
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  } catch (err) {
    throw new PrintError('REPORT_NO_CHROMIUM', `cannot start Chromium at ${executablePath}: ${(err as Error).message.split('\n')[0]} (set CHROMIUM_PATH to a Chromium or Chrome binary)`, { cause: err });
  }
  return {
    async print(job) {
      const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
      try {
        await context.route('**/*', (route) => route.abort('blockedbyclient'));
        const page = await context.newPage();
        // A 1,000-exhibit report is tens of MB of HTML: allow 2 minutes plus 10 s per MB (Playwright's default
        // 30 s fails such a report on a busy machine), so only a hung Chromium times out.
        await page.setContent(job.html, { waitUntil: 'load', timeout: printTimeoutMs(job.html.length) });
        const pdf = await page.pdf(PDF_OPTIONS);
        return new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength);
      } catch (err) {
        throw new PrintError('REPORT_PRINT_FAILED', `Chromium could not print the report: ${(err as Error).message.split('\n')[0]}`, { cause: err });
      } finally {
        await context.close();
      }
    },
    close: () => browser.close(),
  };
}

// The desktop app's report printer for report.print: Chromium's own PDF printing through an offscreen, hidden
// window with JavaScript disabled. The page is loaded as a data: URL, the only kind besides app: that the hardened
// session lets through (window.ts), so the report cannot fetch anything. Also the system print dialog for a
// printed PDF (report.systemPrint).
import { basename, dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserWindow, BrowserWindowConstructorOptions, Session } from 'electron';
// Type-only: app/report/pdf.ts also holds the playwright printer, which must not be bundled into main.
import type { ClosablePrinter } from '../app/report/pdf';

export const PRINTER_WINDOW: BrowserWindowConstructorOptions = {
  show: false,
  width: 794, // A4 at 96 dpi
  height: 1123,
  webPreferences: {
    javascript: false,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    webSecurity: true,
    offscreen: true,
  },
};

export function electronPrinter(create: (options: BrowserWindowConstructorOptions) => BrowserWindow): ClosablePrinter {
  return {
    async print(job) {
      const win = create(PRINTER_WINDOW);
      try {
        await win.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(job.html)}`);
        // As app/report/pdf.ts PDF_OPTIONS: A4, the style sheet's @page margins and margin boxes.
        const pdf = await win.webContents.printToPDF({ pageSize: 'A4', printBackground: true, preferCSSPageSize: true, displayHeaderFooter: false });
        return new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength);
      } finally {
        win.destroy();
      }
    },
    close: async () => undefined,
  };
}

/** The session of the windows that show a report PDF for the print dialog, kept apart from the app's own. */
export const PAPER_PARTITION = 'report-paper';

/** A visible window showing a report PDF in Chromium's PDF viewer (a plugin), in its own locked-down session. */
export function paperWindowOptions(title: string): BrowserWindowConstructorOptions {
  return {
    show: true,
    width: 900,
    height: 1000,
    title,
    autoHideMenuBar: true,
    webPreferences: {
      plugins: true, // Chromium's PDF viewer
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      partition: PAPER_PARTITION,
    },
  };
}

/** Chromium's own PDF viewer (an extension with its resources and stream), which a report window needs. */
const PDF_VIEWER_PREFIXES = ['chrome-extension://', 'blob:chrome-extension://', 'chrome://resources/', 'chrome-untrusted://'];

/**
 * The paper session loads only the PDFs handed to it and Chromium's own PDF viewer; it grants no permission.
 * Returns the function that adds a PDF's file: URL to what it loads.
 */
export function hardenPaperSession(
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'webRequest'>,
  warn: (message: string) => void,
): (fileUrl: string) => void {
  const allowed = new Set<string>();
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    warn(`denied permission ${permission} to a report window`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onBeforeRequest((details, callback) => {
    const ok = allowed.has(details.url) || PDF_VIEWER_PREFIXES.some((p) => details.url.startsWith(p));
    if (!ok) warn(`a report window was refused ${JSON.stringify(details.url)}`);
    callback({ cancel: !ok });
  });
  return (fileUrl) => void allowed.add(fileUrl);
}

export class PaperPrintError extends Error {
  override name = 'PaperPrintError';
  readonly code = 'REPORT_PAPER_FAILED';
}

/**
 * report.systemPrint in the desktop app: shows the exact PDF report.print wrote in a window of its own and opens
 * the system print dialog for it (Electron ≥ 32 prints a PDF document's own pages, electron/electron#43309). The
 * window stays open as a viewer; the promise settles when the dialog closes.
 */
export function electronPrintDialog(
  create: (options: BrowserWindowConstructorOptions) => BrowserWindow,
  allow: (fileUrl: string) => void,
): (pdf: string) => Promise<'printed' | 'cancelled'> {
  return async (pdf) => {
    const url = pathToFileURL(pdf).href;
    allow(url);
    const win = create(paperWindowOptions(`${basename(pdf)} — ${basename(dirname(pdf))}`));
    await win.loadURL(url);
    return new Promise((resolve, reject) => {
      win.webContents.print({ silent: false, printBackground: true }, (success, failureReason) => {
        if (success) resolve('printed');
        else if (failureReason === 'cancelled') resolve('cancelled');
        else reject(new PaperPrintError(`The system could not print ${pdf}: ${failureReason}. Check the printer, or open the PDF and print it from there.`));
      });
    });
  };
}

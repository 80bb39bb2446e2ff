// The desktop app's report printer for report.print: Chromium's own PDF printing through an offscreen, hidden
// window with JavaScript disabled. The page is loaded as a data: URL, the only kind besides app: that the hardened
// session lets through (window.ts), so the report cannot fetch anything.
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
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

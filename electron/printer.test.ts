import { describe, expect, it } from 'vitest';
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { electronPrintDialog, electronPrinter, hardenPaperSession, PAPER_PARTITION, PRINTER_WINDOW } from './printer';

describe('electronPrinter', () => {
  it('prints in a hidden, script-less window from a data: URL, A4, and always destroys the window', async () => {
    const made: { options: BrowserWindowConstructorOptions; url?: string; destroyed: boolean; pdfOptions?: unknown }[] = [];
    const create = (options: BrowserWindowConstructorOptions) => {
      const rec: (typeof made)[number] = { options, destroyed: false };
      made.push(rec);
      return {
        loadURL: async (url: string) => void (rec.url = url),
        webContents: {
          printToPDF: async (o: unknown) => {
            rec.pdfOptions = o;
            if (made.length > 1) throw new Error('printer on fire');
            return Buffer.from('%PDF-1.7 test');
          },
        },
        destroy: () => void (rec.destroyed = true),
      } as unknown as BrowserWindow;
    };
    const printer = electronPrinter(create);
    const pdf = await printer.print({ html: '<h1>报告 Report</h1>' });
    expect(Buffer.from(pdf).toString()).toBe('%PDF-1.7 test');
    expect(made[0]!.options).toBe(PRINTER_WINDOW);
    expect(PRINTER_WINDOW.show).toBe(false);
    expect(PRINTER_WINDOW.webPreferences).toMatchObject({ javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false });
    expect(decodeURIComponent(made[0]!.url!.replace(/^data:text\/html;charset=utf-8,/, ''))).toBe('<h1>报告 Report</h1>');
    expect(made[0]!.pdfOptions).toMatchObject({ pageSize: 'A4', printBackground: true, preferCSSPageSize: true });
    expect(made[0]!.destroyed).toBe(true);
    await expect(printer.print({ html: 'x' })).rejects.toThrow('printer on fire');
    expect(made[1]!.destroyed).toBe(true);
  });
});

describe('electronPrintDialog', () => {
  it('shows the exact PDF in a plugin window of its own session and opens the system dialog for it', async () => {
    const made: { options: BrowserWindowConstructorOptions; url?: string; printOptions?: unknown }[] = [];
    const allowed: string[] = [];
    const outcomes: Array<[boolean, string]> = [
      [true, ''],
      [false, 'cancelled'],
      [false, 'Invalid deviceName provided'],
    ];
    const create = (options: BrowserWindowConstructorOptions) => {
      const rec: (typeof made)[number] = { options };
      made.push(rec);
      return {
        loadURL: async (url: string) => void (rec.url = url),
        webContents: {
          print: (o: unknown, cb: (success: boolean, reason: string) => void) => {
            rec.printOptions = o;
            const [ok, reason] = outcomes[made.length - 1]!;
            setTimeout(() => cb(ok, reason), 0);
          },
        },
      } as unknown as BrowserWindow;
    };
    const dialog = electronPrintDialog(create, (u) => allowed.push(u));
    const pdf = '/data/reports/CASE 1-2026/report.pdf';
    expect(await dialog(pdf)).toBe('printed');
    expect(made[0]!.url).toBe('file:///data/reports/CASE%201-2026/report.pdf');
    expect(allowed).toEqual([made[0]!.url]);
    expect(made[0]!.options.webPreferences).toMatchObject({ plugins: true, sandbox: true, contextIsolation: true, nodeIntegration: false, partition: PAPER_PARTITION });
    expect(made[0]!.options.title).toBe('report.pdf — CASE 1-2026');
    expect(made[0]!.printOptions).toMatchObject({ silent: false });
    expect(await dialog(pdf)).toBe('cancelled');
    await expect(dialog(pdf)).rejects.toThrow(/could not print .*Invalid deviceName/);
  });

  it('the paper session loads only the PDFs handed to it and the PDF viewer, and grants nothing', () => {
    let before: ((d: { url: string }, cb: (r: { cancel: boolean }) => void) => void) | undefined;
    let permission: ((c: unknown, p: string, cb: (ok: boolean) => void) => void) | undefined;
    let check: (() => boolean) | undefined;
    const warnings: string[] = [];
    const allow = hardenPaperSession(
      {
        setPermissionRequestHandler: (h: typeof permission) => void (permission = h),
        setPermissionCheckHandler: (h: typeof check) => void (check = h),
        webRequest: { onBeforeRequest: (h: typeof before) => void (before = h) },
      } as unknown as Parameters<typeof hardenPaperSession>[0],
      (m) => warnings.push(m),
    );
    const cancelled = (url: string) => {
      let c: boolean | undefined;
      before!({ url }, (r) => (c = r.cancel));
      return c;
    };
    expect(cancelled('file:///data/reports/a/report.pdf')).toBe(true);
    allow('file:///data/reports/a/report.pdf');
    expect(cancelled('file:///data/reports/a/report.pdf')).toBe(false);
    expect(cancelled('file:///etc/passwd')).toBe(true);
    expect(cancelled('https://example.org/x')).toBe(true);
    expect(cancelled('chrome-extension://mhjfbmdgcfjbbpaeojofohoefgiehjai/index.html')).toBe(false);
    expect(cancelled('chrome://resources/css/text_defaults_md.css')).toBe(false);
    expect(cancelled('chrome://settings/')).toBe(true);
    let granted: boolean | undefined;
    permission!({}, 'media', (ok) => (granted = ok));
    expect(granted).toBe(false);
    expect(check!()).toBe(false);
    expect(warnings.length).toBeGreaterThanOrEqual(3);
  });
});

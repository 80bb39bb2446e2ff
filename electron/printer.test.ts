import { describe, expect, it } from 'vitest';
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { electronPrinter, PRINTER_WINDOW } from './printer';

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

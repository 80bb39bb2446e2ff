// `npm run bench -- report`: the chain-of-custody report of one case — 1,000 exhibits and 5,000 custody events
// with BENCH_FULL=1 (default 100 and 500) — from a real ledger folder to PDF, in seconds and pages, beside the
// floor: Chromium printing the very same HTML with no ledger reading and no data binding. Prints the ratio.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pdfPageCount } from '../app/report/export';
import { buildReportData, loadLedgerFolder } from '../app/report/model';
import { launchChromiumPrinter } from '../app/report/pdf';
import { renderReport } from '../app/report/render';
import { buildCaseLedger } from '../app/testing/case-ledger';

const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

export async function run(): Promise<void> {
  const full = process.env.BENCH_FULL === '1';
  const exhibits = full ? 1000 : 100;
  // Five custody events per exhibit: three transfers, one integrity check, one access.
  const perExhibit = { transfers: 3, checks: 1, accesses: 1 };
  const dir = await mkdtemp(join(tmpdir(), 'bench-report-'));
  const printer = await launchChromiumPrinter();
  try {
    let t = performance.now();
    const built = await buildCaseLedger({ dir, exhibits, ...perExhibit });
    console.log(`ledger: ${built.entries} entries (${exhibits} exhibits, ${exhibits * 5} custody events) built in ${secs(performance.now() - t)} (setup, not timed below)`);

    // Warm Chromium and the font cache once so neither side pays first-use costs.
    const warm = buildReportData(await loadLedgerFolder(dir), built.caseId);
    await printer.print(await renderReport({ ...warm, exhibits: warm.exhibits.slice(0, 1) }, { lang: 'both', generatedAt: new Date() }));

    t = performance.now();
    const ledger = await loadLedgerFolder(dir);
    const tLoad = performance.now() - t;
    t = performance.now();
    const data = buildReportData(ledger, built.caseId);
    const rendered = await renderReport(data, { lang: 'both', generatedAt: new Date() });
    const tBind = performance.now() - t;
    t = performance.now();
    const pdf = await printer.print(rendered);
    const tPrint = performance.now() - t;
    const total = tLoad + tBind + tPrint;
    const pages = pdfPageCount(pdf);

    // The floor: the same HTML (header and footer included), printed again with nothing else to do.
    t = performance.now();
    const floorPdf = await printer.print({ html: rendered.html });
    const floor = performance.now() - t;

    console.log(`report: ${pages} pages, ${(pdf.length / 1e6).toFixed(1)} MB PDF, ${(rendered.html.length / 1e6).toFixed(1)} MB HTML`);
    console.log(`  read + verify ledger ${secs(tLoad)} · bind + render HTML ${secs(tBind)} · print ${secs(tPrint)} · total ${secs(total)}`);
    console.log(`  floor (print the same HTML, no data binding): ${secs(floor)}, ${pdfPageCount(floorPdf)} pages`);
    console.log(`  ratio report / floor: ${(total / floor).toFixed(2)}x  (${(total / pages).toFixed(0)} ms per page)`);
  } finally {
    await printer.close();
    await rm(dir, { recursive: true, force: true });
  }
}

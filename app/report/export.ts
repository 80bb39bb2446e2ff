// Producing a case's report as files: FILE.pdf, beside it CASE.report.json (the exact bytes the report's SHA-256
// covers) and, for each exhibit, its evidence receipt when a receipt builder is given. One function for the CLI
// and the workstation host; the printer is injected (Chromium here, Electron's printToPDF in the app).
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic';
import type { ReportLang } from './labels';
import { buildReportData, loadLedgerFolder, type ReportData, reportJson, type VerifiedLedger } from './model';
import type { ReportPrinter } from './pdf';
import { receiptFileNameFor, renderReport } from './render';
import type { ReportResources } from './resources';

/** Builds the evidence receipt (JSON text) for one exhibit's deposition entry of a verified ledger. */
export type ReceiptBuilder = (ledger: VerifiedLedger, entryIndex: number) => Promise<string> | string;

export interface ExportOptions {
  dataDir: string;
  caseId: string;
  /** Output PDF path; the other files go beside it. */
  out: string;
  lang: ReportLang;
  printer: ReportPrinter;
  generatedAt?: Date;
  receipts?: ReceiptBuilder;
  /** Extra files to place beside the PDF (e.g. the offline verifier): name → bytes. */
  extras?: ReadonlyArray<{ name: string; bytes: Uint8Array }>;
  /** Template and font folders (render.ts); this checkout's when absent. */
  resources?: Pick<ReportResources, 'templateDir' | 'fontDir'>;
}

export interface ExportResult {
  pdf: string;
  json: string;
  hash: string;
  pages: number;
  bytes: number;
  receipts: string[];
  extras: string[];
  warnings: string[];
  data: ReportData;
}

/** Number of pages of a PDF Chromium wrote (each page object is `/Type /Page`). */
export function pdfPageCount(pdf: Uint8Array): number {
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1');
  return (text.match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
}

export const reportJsonName = (caseId: string): string => `${caseId.replace(/[^A-Za-z0-9._-]/g, '_')}.report.json`;

export async function exportReport(o: ExportOptions): Promise<ExportResult> {
  const ledger = await loadLedgerFolder(o.dataDir);
  const data = buildReportData(ledger, o.caseId);
  const receipts = new Map<string, string>();
  const warnings: string[] = [];
  if (o.receipts && !data.checkpoint.final) {
    // A receipt needs a checkpoint the witness quorum cosigned (app/proof refuses otherwise); the report says so.
    warnings.push(`no evidence receipts: checkpoint ${data.checkpoint.size} is not final yet (${data.checkpoint.cosignatures.length} of ${data.ledger.witnessPolicy.quorum} witness cosignatures); print again once the witnesses have cosigned`);
  } else if (o.receipts) {
    for (const ex of data.exhibits) receipts.set(ex.exhibitId, await o.receipts(ledger, ex.deposition.index));
  }
  const rendered = await renderReport(data, { lang: o.lang, generatedAt: o.generatedAt ?? new Date(), receipts, ...(o.resources ? { resources: o.resources } : {}) });
  const pdf = await o.printer(rendered);
  const dir = dirname(o.out);
  await mkdir(dir, { recursive: true });
  const write = (path: string, bytes: Uint8Array) => writeFileAtomic(path, bytes, { mode: 0o644, overwrite: true });
  const json = join(dir, reportJsonName(data.case.caseId));
  await write(json, reportJson(data));
  const receiptPaths: string[] = [];
  for (const [exhibitId, text] of receipts) {
    const path = join(dir, receiptFileNameFor(exhibitId));
    await write(path, new TextEncoder().encode(text.endsWith('\n') ? text : `${text}\n`));
    receiptPaths.push(path);
  }
  const extras: string[] = [];
  for (const e of o.extras ?? []) {
    const path = join(dir, basename(e.name));
    await write(path, e.bytes);
    extras.push(path);
  }
  await write(o.out, pdf);
  return { pdf: o.out, json, hash: rendered.hash, pages: pdfPageCount(pdf), bytes: pdf.length, receipts: receiptPaths, extras, warnings, data };
}

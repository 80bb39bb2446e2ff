// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./qrcode-core.d.ts" />
// (The reference gives every project that reaches this file, e2e included, the QR encoder's types.)
// Report data → one self-contained HTML page (template and style sheet from assets/report/, the font embedded,
// one QR code per exhibit as inline SVG, the header and footer as CSS page-margin boxes). Everything
// that comes from a record goes through the escaping template; the page's CSP forbids every script.
import { SELF_WITNESSED } from '../proof/receipt';
import { formatFingerprint } from '../trust/bundle';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as QRCode from 'qrcode/lib/core/qrcode.js';
import { formatAnchor } from '../proof/anchor';
import { embeddedFontCss } from './fonts';
import { LABELS, PHRASES, type ReportLang, label, labels, plain } from './labels';
import { type ExhibitData, type Person, type ReportData, reportHash } from './model';
import { checkoutReportResources, type ReportResources } from './resources';
import { compileTemplate, html, joinHtml, type SafeHtml, trustedHtml } from './template';

export interface RenderOptions {
  lang: ReportLang;
  generatedAt: Date;
  /** Receipt JSON per exhibit id: put into the exhibit's QR code when it fits, else the compact anchor is. */
  receipts?: ReadonlyMap<string, string>;
  /** File name of an exhibit's receipt beside the PDF (printed in the compact QR form). */
  receiptFileName?: (exhibitId: string) => string;
  /** Template and font folders; this checkout's when absent (the desktop app passes its built copies). */
  resources?: Pick<ReportResources, 'templateDir' | 'fontDir'>;
}

export interface RenderedReport {
  /** The whole report: one page with its style sheet, font, QR codes and page-margin boxes (header, footer). */
  html: string;
  /** Hex SHA-256 of the canonical report data (printed in the footer). */
  hash: string;
  title: string;
}

export const receiptFileNameFor = (exhibitId: string): string => `${exhibitId.replace(/[^A-Za-z0-9._-]/g, '_')}.evidence-receipt.json`;

const FONT_MARKER = '<!--embedded-font-faces-->';

/** Margin boxes do not inherit the body's font: each names it. */
const MARGIN_FONT = `'Noto Sans SC',sans-serif`;

/** A CSS string literal (CSS Syntax 3 §4.3.5): everything but plain ASCII letters, digits and a few marks as a hex escape. */
export function cssString(text: string): string {
  let out = '"';
  for (const ch of text) out += /^[A-Za-z0-9 .,:_#/()+=-]$/.test(ch) ? ch : `\\${ch.codePointAt(0)!.toString(16)} `;
  return `${out}"`;
}

const compiled = new Map<string, { page: (view: unknown) => string; css: string }>();

async function assets(dir: string): Promise<{ page: (view: unknown) => string; css: string }> {
  let a = compiled.get(dir);
  if (!a) {
    const [tpl, css] = await Promise.all([readFile(join(dir, 'report.html'), 'utf8'), readFile(join(dir, 'report.css'), 'utf8')]);
    a = { page: compileTemplate(tpl, 'report.html'), css };
    compiled.set(dir, a);
  }
  return a;
}

/** "2026-11-27T08:33:00.000Z" → "2026-11-27 08:33:00 UTC". Anything else is printed as written. */
export function displayTime(t: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(t);
  return m ? `${m[1]} ${m[2]} UTC` : t;
}

const group = (n: number): string => n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');

export function sizeText(bytes: number, lang: ReportLang): string {
  const unit = lang === 'zh-CN' ? '字节' : lang === 'en' ? 'bytes' : '字节 bytes';
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u < 0 ? `${group(bytes)} ${unit}` : `${group(bytes)} ${unit} (${v.toFixed(1)} ${units[u]})`;
}

function personHtml(p: Person | undefined, lang: ReportLang): SafeHtml {
  if (!p) return html`—`;
  const id = p.badge ? html` <span class="id">${plain(LABELS.badge, lang)} ${p.badge}</span>` : html``;
  return html`<span class="person"><b>${p.name || '?'}</b>${id}<br><span class="key">key ${p.keyId}</span></span>`;
}

/**
 * The text an exhibit's QR code carries: the whole receipt when it fits a QR code, else a compact anchor —
 * entry index and leaf hash, the checkpoint size and root, the file's SHA-256 and where to get the receipt
 * (the format is app/proof/anchor.ts's, which the offline verifier parses).
 */
export function compactAnchor(data: ReportData, ex: ExhibitData, receiptFile: string): string {
  return formatAnchor({
    origin: data.ledger.origin,
    caseId: data.case.caseId,
    exhibitId: ex.exhibitId,
    entry: { index: ex.deposition.index, leafHash: ex.deposition.leafHash },
    checkpoint: { size: data.checkpoint.size, root: data.checkpoint.rootBase64 },
    objects: ex.objects.map((o) => ({ sha256: o.sha256, size: o.size })),
    receipt: receiptFile,
    trust: data.ledger.trust.fingerprint,
  });
}

/**
 * A QR code (ISO/IEC 18004, encoded by `qrcode`) as an SVG: one path of unit squares for the dark modules and a
 * 4-module quiet zone. The text is encoded into modules; it never appears in the markup.
 */
export function qrSvg(text: string): SafeHtml {
  const { size, data } = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
  const q = 4;
  // One rectangle per horizontal run of dark modules (not one per module): a third of the path data, and of
  // the PDF's size, for the same modules.
  let d = '';
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; ) {
      if (!data[y * size + x]) {
        x++;
        continue;
      }
      let run = 1;
      while (x + run < size && data[y * size + x + run]) run++;
      d += `M${x + q} ${y + q}h${run}v1h-${run}z`;
      x += run;
    }
  }
  const n = size + 2 * q;
  return trustedHtml(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${n} ${n}" shape-rendering="crispEdges"><rect width="${n}" height="${n}" fill="#fff"/><path fill="#000" d="${d}"/></svg>`);
}

/** The QR payload for one exhibit and what the caption says about it. */
export async function exhibitQr(data: ReportData, ex: ExhibitData, receipt: string | undefined, receiptFile: string): Promise<{ svg: SafeHtml; full: boolean }> {
  if (receipt !== undefined) {
    try {
      return { svg: qrSvg(receipt), full: true };
    } catch (err) {
      // qrcode throws when the data exceed version 40's capacity: fall back to the compact anchor below.
      if (!/too big|amount of data/i.test((err as Error).message)) throw err;
    }
  }
  return { svg: qrSvg(compactAnchor(data, ex, receiptFile)), full: false };
}

function howTo(data: ReportData, lang: ReportLang): SafeHtml[] {
  const both = (zh: SafeHtml, en: SafeHtml): SafeHtml =>
    lang === 'zh-CN' ? zh : lang === 'en' ? en : html`<span lang="zh-CN" class="zh">${zh}</span><br><span lang="en" class="en">${en}</span>`;
  const q = data.ledger.witnessPolicy.quorum;
  const size = data.checkpoint.size;
  const fp = formatFingerprint(data.ledger.trust.fingerprint);
  return [
    both(
      html`每件证物的核验凭证（本 PDF 旁的 <b>证物编号.evidence-receipt.json</b>）可离线核验：在断网的浏览器中打开 <b>verifier.html</b>，放入证据文件及其凭证；或运行 <b>evidence verify 文件 凭证</b>。每项检查都显示通过（✓）或未通过。`,
      html`Each exhibit's evidence receipt (<b>EXHIBIT-ID.evidence-receipt.json</b>, beside this PDF) verifies offline: open <b>verifier.html</b> in a browser with the network off and drop the evidence file and its receipt, or run <b>evidence verify FILE RECEIPT</b>. Every check is shown as passed (✓) or failed.`,
    ),
    both(
      html`信任包指纹（应与办案单位公布的指纹一致）：<b class="fp">${fp}</b>。核验须以该信任包或指纹为信任根（<b>evidence verify 文件 凭证 --trust-fingerprint 指纹</b>，或在离线核验页输入指纹、扫描二维码）；未提供信任根的结果为"未锚定"，本身不能证明任何事项。`,
      html`Trust bundle fingerprint (compare it with the one the agency publishes): <b class="fp">${fp}</b>. Verify against that bundle or fingerprint (<b>evidence verify FILE RECEIPT --trust-fingerprint FINGERPRINT</b>, or type it into the offline verifier, or scan the QR code); a result without a trust root is "unanchored" and proves nothing by itself.`,
    ),
    ...(data.ledger.trust.selfWitnessed
      ? [both(html`<b>${SELF_WITNESSED['zh-CN']}</b>（单机模式：账本、存储方与见证方均在同一台电脑上）。`, html`<b>Self-witnessed: no independent party has checked this record</b> (standalone mode: ledger, provider and witness run on one computer).`)]
      : []),
    both(
      html`只信任下列公钥（应与办案单位公布的公钥一致）：账本公钥签署检查点，且至少 ${q} 个见证方联署，凭证方为有效。`,
      html`Trust only the keys below (compare them with the keys the agency publishes): a receipt is valid when the log key signed its checkpoint and at least ${q} of the listed witnesses cosigned it.`,
    ),
    both(
      html`报告 SHA-256 = 报告数据的 RFC 8785 规范 JSON 的 SHA-256，涵盖本报告所印的全部账本内容，不含生成时间、语言和版式。该 JSON 与 PDF 一同导出（案件编号.report.json，其 sha256sum 即此值），也可由 <b>evidence report --data 目录 --case ${data.case.caseId} --hash-only</b> 在检查点 ${size} 处从账本重算。`,
      html`Report SHA-256 = SHA-256 of the RFC 8785 canonical JSON of the report data: all the ledger content printed here, not the generation time, language or layout. That JSON is exported beside the PDF (CASE.report.json; its sha256sum is this value) and is recomputed from the ledger at checkpoint ${size} by <b>evidence report --data DIR --case ${data.case.caseId} --hash-only</b>.`,
    ),
    both(
      html`凭证证明签名人在签名时已登记，但不能证明其后未被撤销；对完整账本运行 <b>evidence log verify</b> 可证明这一点。`,
      html`A receipt proves that each signer was enrolled when it signed, not that the key was never revoked later; verifying the full ledger (<b>evidence log verify</b>) proves that.`,
    ),
  ];
}

export async function renderReport(data: ReportData, opts: RenderOptions): Promise<RenderedReport> {
  const { lang } = opts;
  const L = labels(lang);
  const hash = reportHash(data);
  const resources = opts.resources ?? checkoutReportResources();
  const tpl = await assets(resources.templateDir);
  const receiptName = opts.receiptFileName ?? receiptFileNameFor;
  const phrase = (p: readonly [string, string]): SafeHtml => label(p, lang);

  const exhibits = [];
  for (const ex of data.exhibits) {
    const qr = await exhibitQr(data, ex, opts.receipts?.get(ex.exhibitId), receiptName(ex.exhibitId));
    const mismatch = ex.integrity.some((c) => c.result === 'mismatch');
    exhibits.push({
      ...ex,
      seizedAt: ex.seizedAt ? displayTime(ex.seizedAt) : undefined,
      requestedAt: displayTime(ex.requestedAt),
      storedAt: displayTime(ex.storedAt),
      firstName: ex.objects.map((o) => o.name).join(', '),
      kindText: phrase(PHRASES[ex.kind]),
      statusShort: joinHtml([
        ex.disposed ? html`${L.disposed}` : html`✓ ${ex.holder?.name ?? ''}`,
        mismatch ? html` <span class="bad">${phrase(PHRASES.mismatch)}</span>` : html``,
      ]),
      depositorHtml: personHtml(ex.depositor, lang),
      providerHtml: personHtml(ex.provider, lang),
      holderHtml: ex.disposed ? L.disposed : personHtml(ex.holder, lang),
      qrSvg: qr.svg,
      qrNote: qr.full ? receiptName(ex.exhibitId) : `${ex.exhibitId} #${ex.deposition.index} → ${receiptName(ex.exhibitId)}`,
      objects: ex.objects.map((o) => ({ ...o, sizeText: sizeText(o.size, lang) })),
      custody: ex.custody.map((c, i) => ({
        ...c,
        n: i + 1,
        time: displayTime(c.time),
        released: c.kind === 'deposition' ? (ex.seizedBy ? html`${L.seizedBy}: ${ex.seizedBy}` : html`—`) : personHtml(c.releasedBy, lang),
        received:
          c.kind === 'disposition'
            ? html`${phrase(PHRASES.disposition)}: ${c.method}<br>${L.checkedBy}: ${personHtml(c.authorisedBy, lang)}<br>${personHtml(c.witnessOfficer, lang)}`
            : personHtml(c.receivedBy, lang),
        purposeHtml:
          c.kind === 'deposition'
            ? phrase(PHRASES.depositionPurpose)
            : c.kind === 'disposition'
              ? html`${phrase(PHRASES.disposition)}: ${c.purpose}`
              : html`${c.purpose}${c.location ? html`<br><span class="small">${c.location}</span>` : html``}`,
      })),
      integrity: ex.integrity.map((c) => ({
        ...c,
        time: displayTime(c.time),
        checkerHtml: personHtml(c.checker, lang),
        scopeText: phrase(c.scope === 'local' ? PHRASES.local : PHRASES.providerScope),
        observedSize: sizeText(c.observed.size, lang),
        resultText: c.result === 'match' ? phrase(PHRASES.match) : html`<span class="bad">${phrase(PHRASES.mismatch)}</span>`,
      })),
      access: ex.access.map((a) => ({ ...a, time: displayTime(a.time), accessorHtml: personHtml(a.accessor, lang) })),
    });
  }

  const cp = data.checkpoint;
  const n = data.ledger.witnessPolicy.witnesses.length;
  const witnessStatus = cp.final
    ? html`✓ ${lang === 'en' ? '' : `已达门限：${cp.cosignatures.length} / ${n} 个见证方联署（门限 ${data.ledger.witnessPolicy.quorum}）`}${lang === 'both' ? html`<br>` : html``}${lang === 'zh-CN' ? '' : `final: cosigned by ${cp.cosignatures.length} of ${n} witnesses (quorum ${data.ledger.witnessPolicy.quorum})`}`
    : html`<span class="bad">× ${lang === 'en' ? '' : `未达门限：仅 ${cp.cosignatures.length} 个见证方联署（需 ${data.ledger.witnessPolicy.quorum}）`}${lang === 'both' ? ' ' : ''}${lang === 'zh-CN' ? '' : `NOT FINAL: ${cp.cosignatures.length} witness cosignature(s), quorum is ${data.ledger.witnessPolicy.quorum}`}</span>`;
  // Standalone honesty: next to "final", in the same weight, that the only witness is this computer.
  const selfWitnessed = data.ledger.trust.selfWitnessed
    ? html`<br>${lang === 'en' ? '' : SELF_WITNESSED['zh-CN']}${lang === 'both' ? html`<br>` : html``}${lang === 'zh-CN' ? '' : SELF_WITNESSED.en}`
    : html``;
  const v = data.verified.entries;
  const verifiedLine = html`✓ ${lang === 'en' ? '' : `账本全部 ${v} 个条目已核验：签名、签名人登记、保管规则、Merkle 根、哈希瓦片`}${lang === 'both' ? html`<br>` : html``}${lang === 'zh-CN' ? '' : `all ${v} ledger entries verified: signatures, signer enrolment, custody rules, Merkle root, hash tiles`}`;

  const view = {
    lang,
    htmlLang: lang === 'en' ? 'en' : 'zh-CN',
    titleText: plain(LABELS.reportTitle, lang),
    reportHash: hash,
    generatedAt: displayTime(opts.generatedAt.toISOString()),
    L,
    caseData: { ...data.case, openedAt: displayTime(data.case.openedAt), investigator: personHtml(data.case.investigator, lang) },
    ledger: data.ledger,
    checkpoint: cp,
    witnessStatus: html`${witnessStatus}${selfWitnessed}`,
    verifiedLine,
    witnessCount: n,
    exhibitCount: data.exhibits.length,
    exhibits,
    howTo: howTo(data, lang),
    signers: [L.preparedBy, L.checkedBy, L.receivedByCourt].map((role) => ({ role })),
    css: trustedHtml(tpl.css),
    fontCss: trustedHtml(FONT_MARKER),
  };
  const title = `${data.case.caseId} — ${plain(LABELS.reportTitle, lang)}`;
  const headerText = `${data.case.caseId} · ${plain(LABELS.reportTitle, lang)}`;
  const footerText = `${plain(LABELS.reportHash, lang)} ${hash} · ${plain(LABELS.generated, lang)} ${displayTime(opts.generatedAt.toISOString())} · ${lang === 'en' ? 'Trust bundle' : lang === 'zh-CN' ? '信任包指纹' : '信任包指纹 Trust bundle'} ${formatFingerprint(data.ledger.trust.fingerprint)}${data.ledger.trust.selfWitnessed ? ` · ${lang === 'en' ? SELF_WITNESSED.en : SELF_WITNESSED['zh-CN']}` : ''}`;
  const counter: Array<string | 'page' | 'pages'> =
    lang === 'zh-CN' ? ['第 ', 'page', ' 页 / 共 ', 'pages', ' 页'] : lang === 'en' ? ['Page ', 'page', ' of ', 'pages'] : ['第 ', 'page', ' 页 / 共 ', 'pages', ' 页 · Page ', 'page', ' of ', 'pages'];
  const counterCss = counter.map((c) => (c === 'page' || c === 'pages' ? `counter(${c})` : cssString(c))).join(' ');
  // CSS Paged Media 3 §5 page-margin boxes: the header and footer are part of the page itself, so they print
  // the same from Chromium's PDF printer, Electron's printToPDF and the system print dialog, in the page's
  // embedded font. (Chromium's headerTemplate/footerTemplate re-parse their own fonts on every page: measured
  // 2-4x slower.)
  const margins =
    `@page{` +
    `@top-left{font-family:${MARGIN_FONT};content:${cssString(headerText)};font-size:7pt;vertical-align:bottom;padding-bottom:2mm}` +
    `@top-right{font-family:${MARGIN_FONT};content:${cssString(data.ledger.origin)};font-size:7pt;vertical-align:bottom;padding-bottom:2mm}` +
    `@bottom-left{font-family:${MARGIN_FONT};content:${cssString(footerText)};font-size:6.3pt;vertical-align:top;padding-top:2mm;width:70%}` +
    `@bottom-right{font-family:${MARGIN_FONT};content:${counterCss};font-size:7pt;vertical-align:top;padding-top:2mm;white-space:nowrap}` +
    `}`;
  const view2 = { ...view, css: trustedHtml(`${tpl.css}\n${margins}`) };
  const first = tpl.page(view2);
  // The font subsets are chosen from every character of the page (margin boxes included).
  const font = await embeddedFontCss(first + headerText + footerText + counter.join(''), resources.fontDir);
  // Escaped record text can never contain '<', so the marker's first occurrence is the template's own.
  const page = first.replace(FONT_MARKER, () => font.css);
  return { html: page, hash, title };
}

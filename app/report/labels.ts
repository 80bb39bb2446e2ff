// The report's fixed wording in zh-CN and en. "both" prints the two side by side (Chinese first, as on
// bilingual forms of the People's Republic of China; the English in a lighter weight after it).
import { escapeHtml, type SafeHtml, trustedHtml } from './template';

export const REPORT_LANGS = ['zh-CN', 'en', 'both'] as const;
export type ReportLang = (typeof REPORT_LANGS)[number];

export const LABELS = {
  reportTitle: ['电子证据保管链报告', 'Chain-of-Custody Report for Digital Evidence'],
  caseNumber: ['案件编号', 'Case number'],
  caseTitle: ['案件名称', 'Title'],
  agency: ['办案单位', 'Agency'],
  investigator: ['立案侦查员', 'Investigator'],
  opened: ['立案时间', 'Opened'],
  description: ['说明', 'Description'],
  ledger: ['账本', 'Ledger'],
  checkpoint: ['本报告所依据的检查点', 'Checkpoint this report is based on'],
  treeSize: ['条目数', 'tree size'],
  root: ['根哈希', 'root hash'],
  witnesses: ['见证方联署', 'Witness cosignatures'],
  verification: ['账本核验', 'Ledger verification'],
  exhibitIndex: ['证物清单', 'List of exhibits'],
  exhibit: ['证物', 'Exhibit'],
  no: ['序号', 'No.'],
  exhibitId: ['证物编号', 'Exhibit ID'],
  fileName: ['文件名', 'File name'],
  size: ['大小', 'Size'],
  kind: ['类型', 'Kind'],
  status: ['状态', 'Status'],
  seizure: ['扣押情况', 'Seizure'],
  seizedAt: ['扣押时间', 'seized at'],
  seizedPlace: ['扣押地点', 'place'],
  seizedBy: ['扣押人', 'seized by'],
  notes: ['备注', 'Notes'],
  deposition: ['存证', 'Deposition'],
  depositor: ['存证人', 'Depositor'],
  provider: ['存储服务方', 'Storage provider'],
  requestedAt: ['申请时间', 'requested'],
  storedAt: ['存储确认时间', 'stored'],
  hashes: ['文件及哈希值', 'Files and hash values'],
  manifest: ['文件夹清单 SHA-256', 'Folder manifest SHA-256'],
  custody: ['保管链', 'Chain of custody'],
  time: ['时间 (UTC)', 'Date/time (UTC)'],
  releasedBy: ['移交人', 'Released by'],
  receivedBy: ['接收人', 'Received by'],
  purpose: ['事由', 'Purpose'],
  entry: ['账本条目', 'Ledger entry'],
  integrity: ['完整性核验', 'Integrity checks'],
  checker: ['核验人', 'Checked by'],
  scope: ['范围', 'Scope'],
  result: ['结果', 'Result'],
  observed: ['实测 SHA-256 / 大小', 'Observed SHA-256 / size'],
  access: ['调阅记录', 'Access'],
  accessor: ['调阅人', 'Accessed by'],
  anchors: ['账本锚点', 'Ledger anchors'],
  leafHash: ['叶哈希', 'leaf hash'],
  signedBy: ['签名', 'signed by'],
  qr: ['扫码核验', 'Scan to verify'],
  holder: ['当前保管人', 'Current holder'],
  disposed: ['已处置', 'Disposed'],
  none: ['无', 'None'],
  trust: ['核验方法与信任根', 'How to verify, and the trust root'],
  logKey: ['账本公钥', 'Log public key'],
  witnessKeys: ['见证方公钥', 'Witness public keys'],
  quorum: ['见证门限', 'Witness quorum'],
  reportHash: ['报告 SHA-256', 'Report SHA-256'],
  generated: ['生成时间', 'Generated'],
  signatures: ['签字', 'Signatures'],
  preparedBy: ['制作人', 'Prepared by'],
  checkedBy: ['审核人', 'Checked by'],
  receivedByCourt: ['接收人 (法院)', 'Received by (court)'],
  name: ['姓名', 'Name'],
  badge: ['警号/工号', 'ID'],
  signature: ['签名', 'Signature'],
  date: ['日期', 'Date'],
  page: ['页', 'Page'],
} as const satisfies Record<string, readonly [string, string]>;

export type LabelKey = keyof typeof LABELS;

/** Fixed phrases with a value, per language. */
export const PHRASES = {
  match: ['✓ 一致', '✓ MATCH'],
  mismatch: ['× 不一致', '× MISMATCH'],
  local: ['本地', 'local'],
  providerScope: ['存储方', 'provider'],
  file: ['文件', 'file'],
  folder: ['文件夹', 'folder'],
  depositionPurpose: ['存证 (入库)', 'deposition (taken into custody)'],
  disposition: ['处置', 'disposition'],
} as const satisfies Record<string, readonly [string, string]>;

/** A label in the report's language: one span per language, escaped. */
export function label(pair: readonly [string, string], lang: ReportLang): SafeHtml {
  if (lang === 'zh-CN') return trustedHtml(`<span lang="zh-CN">${escapeHtml(pair[0])}</span>`);
  if (lang === 'en') return trustedHtml(`<span lang="en">${escapeHtml(pair[1])}</span>`);
  // A leading status symbol is printed once: "✓ 一致 MATCH", not "✓ 一致 ✓ MATCH".
  const sym = /^[✓×] /.exec(pair[0])?.[0] ?? '';
  const en = sym && pair[1].startsWith(sym) ? pair[1].slice(sym.length) : pair[1];
  return trustedHtml(`<span lang="zh-CN" class="zh">${escapeHtml(pair[0])}</span> <span lang="en" class="en">${escapeHtml(en)}</span>`);
}

export function labels(lang: ReportLang): Record<LabelKey, SafeHtml> {
  const out = {} as Record<LabelKey, SafeHtml>;
  for (const k of Object.keys(LABELS) as LabelKey[]) out[k] = label(LABELS[k], lang);
  return out;
}

/** Plain text of a phrase (for places that cannot hold markup, such as the page footer). */
export function plain(pair: readonly [string, string], lang: ReportLang): string {
  return lang === 'zh-CN' ? pair[0] : lang === 'en' ? pair[1] : `${pair[0]} ${pair[1]}`;
}

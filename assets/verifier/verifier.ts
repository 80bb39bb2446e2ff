// The offline verifier page: hashes the dropped evidence file (streamed, SHA-256) and runs every receipt check
// with app/proof's isomorphic verifier — the same code as `evidence verify` and `evidence verify-receipt`.
// A report's QR code can be scanned with a camera (scan.ts): a whole receipt is verified like a dropped one; a
// compact evidence anchor (app/proof/anchor.ts) is shown and compared with the dropped file and receipt.
// Everything is written with textContent: nothing from a file, a receipt or a QR code is ever parsed as markup.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '../../app/ledger/bytes';
import { ANCHOR_LIMIT, AnchorError, type AnchorCheck, type AnchorCheckId, type EvidenceAnchor, compareAnchor, looksLikeAnchor, parseAnchor } from '../../app/proof/anchor';
import { type CheckId, type ReceiptReport, verifyReceipt } from '../../app/proof/receipt';
import { type Scan, ScanError, type ScanErrorCode, cameraApiPresent, startScan } from './scan';

const LABELS: Record<CheckId, [string, string]> = {
  format: ['凭证格式', 'Receipt format'],
  file: ['文件 SHA-256 与大小与存证一致', 'File SHA-256 and size match the deposition'],
  signatures: ['存证人与存储方签名有效', "Depositor's and provider's signatures"],
  enrolment: ['签名人在签名前已登记', 'Signers enrolled before signing'],
  inclusion: ['条目包含于检查点（Merkle 证明）', 'Entry included under the checkpoint (Merkle proof)'],
  'log-signature': ['检查点由账本公钥签署', 'Checkpoint signed by the log key'],
  'witness-quorum': ['见证方联署达到门限', 'Witness quorum cosigned'],
  'trust-root': ['创世条目与信任根一致', 'Genesis matches the trust root'],
};
const ANCHOR_LABELS: Record<AnchorCheckId, [string, string]> = {
  'anchor-file': ['文件 SHA-256 与大小即报告所列', 'File SHA-256 and size are the ones the report names'],
  'anchor-entry': ['凭证所证条目即报告所列条目', 'The receipt is for the entry the report names'],
  'anchor-checkpoint': ['凭证检查点即报告所列检查点', 'The receipt is under the checkpoint the report names'],
};
const MARK = { pass: '✓', fail: '✗', skip: '–' } as const;
const WORD = { pass: ['通过', 'PASS'], fail: ['未通过', 'FAIL'], skip: ['未检查', 'SKIPPED'] } as const;

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const el = (tag: string, text: string, cls?: string): HTMLElement => {
  const e = document.createElement(tag);
  e.textContent = text;
  if (cls) e.className = cls;
  return e;
};

let evidence: File | undefined;
/** The receipt: a dropped file, or the text of a scanned QR code that carried a whole receipt. */
let receipt: { name: string; text: () => Promise<string> } | undefined;
/** The evidence anchor read from a report's QR code. */
let anchor: EvidenceAnchor | undefined;
let run = 0;
const hashes = new WeakMap<File, Promise<{ sha256: string; size: number }>>();

/** SHA-256 of a File, read as a stream so a large evidence file never sits in memory whole. */
async function hashFile(file: File): Promise<{ sha256: string; size: number }> {
  const h = sha256.create();
  const reader = file.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    h.update(value);
  }
  return { sha256: bytesToHex(h.digest()), size: file.size };
}

function checkItem(id: string, status: 'pass' | 'fail' | 'skip', label: [string, string], detail: string): HTMLElement {
  const li = document.createElement('li');
  li.dataset.check = id;
  li.dataset.status = status;
  li.append(el('span', MARK[status], 'mark'), el('span', `${WORD[status][0]} ${WORD[status][1]} · ${label[0]} · ${label[1]}`), el('span', detail, 'detail'));
  return li;
}

function showAnchor(a: EvidenceAnchor, checks: AnchorCheck[], haveReceipt: boolean): void {
  const fields = $('anchor-fields');
  fields.replaceChildren();
  const add = (key: string, k: string, v: string): void => {
    const dd = el('dd', v);
    dd.dataset.field = key;
    fields.append(el('dt', k), dd);
  };
  add('origin', '账本 Ledger', a.origin);
  add('case', '案件 Case', a.caseId);
  add('exhibit', '证物 Exhibit', a.exhibitId);
  add('entry', '条目 Entry', `#${a.entry.index} · leaf ${a.entry.leafHash}`);
  add('checkpoint', '检查点 Checkpoint', `size ${a.checkpoint.size} · root ${a.checkpoint.root}`);
  for (const o of a.objects) add('sha256', 'SHA-256', `${o.sha256} · ${o.size} bytes`);
  add('receipt', '凭证文件 Receipt file', a.receipt);
  const [zh, en] = haveReceipt
    ? ['锚点未经签名，本身不能证明任何事项：证明来自下方凭证的各项检查；此处核对报告、凭证与文件是否指向同一条目、同一检查点、同一文件。', ANCHOR_LIMIT]
    : [`仅凭此锚点不能证明任何事项（锚点未经签名）。请放入其指明的凭证 ${a.receipt} 及证据文件。`, `The anchor alone proves nothing (it is not signed). Drop the receipt it names, ${a.receipt}, and the evidence file.`];
  const limit = $('anchor-limit');
  limit.replaceChildren(el('span', zh), document.createElement('br'), el('span', en, 'en'));
  limit.lastElementChild!.setAttribute('lang', 'en');
  limit.firstElementChild!.setAttribute('lang', 'zh-CN');
  $('anchor-checks').replaceChildren(...checks.map((c) => checkItem(c.id, c.status, ANCHOR_LABELS[c.id], c.detail)));
  $('anchor').hidden = false;
}

function show(report: ReceiptReport, parsed: unknown, fileInfo: { sha256: string; size: number } | undefined, anchorChecks: AnchorCheck[]): void {
  const verdict = $('verdict');
  const failed = [...report.checks, ...anchorChecks].filter((c) => c.status === 'fail').map((c) => c.id);
  verdict.dataset.ok = String(failed.length === 0);
  verdict.textContent = failed.length === 0 ? '✓ 全部检查通过 · All checks passed' : `✗ 核验未通过 · Verification FAILED: ${failed.join(', ')}`;
  $('entry').textContent = [
    report.entry ? `entry #${report.entry.index} · ${report.entry.type} · ${report.entry.id}` : '',
    fileInfo ? `file sha256 ${fileInfo.sha256} · ${fileInfo.size} bytes` : '',
  ].filter(Boolean).join('\n');
  $('checks').replaceChildren(...report.checks.map((c) => checkItem(c.id, c.status, LABELS[c.id], c.detail)));
  const trust = $('trust');
  trust.replaceChildren();
  const t = (parsed as { origin?: unknown; trust?: { logKey?: unknown; witnessPolicy?: { quorum?: unknown; witnesses?: Array<{ vkey?: unknown }> } } }) ?? {};
  const add = (k: string, v: unknown): void => {
    trust.append(el('dt', k), el('dd', typeof v === 'string' || typeof v === 'number' ? String(v) : '—'));
  };
  add('账本 Ledger', t.origin);
  add('账本公钥 Log key', t.trust?.logKey);
  for (const w of t.trust?.witnessPolicy?.witnesses ?? []) add('见证方 Witness', w.vkey);
  add('门限 Quorum', t.trust?.witnessPolicy?.quorum);
  $('limit').textContent = `注意 Note: ${report.limit}`;
  $('result').hidden = false;
}

async function verify(): Promise<void> {
  const mine = ++run;
  $('files').textContent = [evidence ? `证据 evidence: ${evidence.name} (${evidence.size} bytes)` : '', receipt ? `凭证 receipt: ${receipt.name}` : ''].filter(Boolean).join('\n');
  if (!receipt && !anchor) return;
  let parsed: unknown;
  if (receipt) {
    try {
      parsed = JSON.parse(await receipt.text());
    } catch (err) {
      parsed = { unreadable: (err as Error).message };
    }
  }
  let fileInfo: { sha256: string; size: number } | undefined;
  if (evidence) {
    let h = hashes.get(evidence);
    if (!h) hashes.set(evidence, (h = hashFile(evidence)));
    fileInfo = await h;
  }
  if (mine !== run) return;
  const anchorChecks = anchor ? compareAnchor(anchor, { ...(fileInfo ? { file: fileInfo } : {}), ...(receipt ? { receipt: parsed } : {}) }) : [];
  if (anchor) showAnchor(anchor, anchorChecks, receipt !== undefined);
  if (receipt) show(verifyReceipt(parsed, fileInfo ? { file: fileInfo } : {}), parsed, fileInfo, anchorChecks);
}

const fileReceipt = (f: File): { name: string; text: () => Promise<string> } => ({ name: f.name, text: () => f.text() });

function take(files: Iterable<File>): void {
  for (const f of files) {
    if (/\.evidence-receipt\.json$|\.json$/i.test(f.name)) receipt = fileReceipt(f);
    else evidence = f;
  }
  void verify();
}

$<HTMLInputElement>('evidence').addEventListener('change', (e) => {
  evidence = (e.target as HTMLInputElement).files?.[0];
  void verify();
});
$<HTMLInputElement>('receipt').addEventListener('change', (e) => {
  const f = (e.target as HTMLInputElement).files?.[0];
  receipt = f ? fileReceipt(f) : undefined;
  void verify();
});
const drop = $('drop');
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  if (e.dataTransfer) take(e.dataTransfer.files);
});

// --- Scanning a report's QR code -------------------------------------------------------------------------------

const SCAN_ERRORS: Record<ScanErrorCode, string> = {
  CAMERA_DENIED: '摄像头权限被拒绝：请允许本页使用摄像头，或放入凭证文件。 · Camera permission was denied: allow this page to use the camera, or drop the receipt file instead.',
  CAMERA_MISSING: '未找到摄像头：请放入凭证文件。 · No camera was found: drop the receipt file instead.',
  CAMERA_BUSY: '摄像头无法打开，可能正被其他程序使用。 · The camera cannot be opened: another program may be using it.',
  CAMERA_FAILED: '摄像头出错。 · The camera failed.',
};

let scan: Scan | undefined;
/** The camera is being opened (permission prompt): a stop asked for now applies as soon as it opens. */
let opening = false;
let stopAsked = false;

function status(text: string, kind: 'info' | 'error'): void {
  const s = $('scan-status');
  s.dataset.kind = kind;
  s.textContent = text;
}

/** Acts on a QR code's text: a whole receipt is verified as if dropped; an anchor is parsed strictly and shown. */
function useScanned(text: string): void {
  const t = text.trim();
  if (t.startsWith('{')) {
    receipt = { name: '二维码 QR code', text: () => Promise.resolve(t) };
    anchor = undefined;
    $('anchor').hidden = true;
    status('已从二维码读取完整凭证，摄像头已关闭。 · Read a whole receipt from the QR code; the camera is off.', 'info');
  } else if (looksLikeAnchor(text)) {
    try {
      anchor = parseAnchor(text);
    } catch (err) {
      if (!(err instanceof AnchorError)) throw err;
      status(`凭证锚点格式错误，未采用。 · The evidence anchor is malformed and was not used: ${err.message}`, 'error');
      return;
    }
    status(`已读取证物 ${anchor.exhibitId} 的凭证锚点，摄像头已关闭。 · Read the evidence anchor of exhibit ${anchor.exhibitId}; the camera is off.`, 'info');
  } else {
    status(`该二维码既非凭证也非凭证锚点。 · This QR code is neither a receipt nor an evidence anchor: ${JSON.stringify(text.slice(0, 80))}`, 'error');
    return;
  }
  void verify();
}

function endScan(): void {
  scan?.stop();
  scan = undefined;
  $('scan-view').hidden = true;
  $<HTMLButtonElement>('scan-start').disabled = false;
}

async function beginScan(): Promise<void> {
  if (scan || opening) return;
  const start = $<HTMLButtonElement>('scan-start');
  start.disabled = true;
  status('正在打开摄像头… · Opening the camera…', 'info');
  let s: Scan;
  opening = true;
  stopAsked = false;
  try {
    s = await startScan($<HTMLVideoElement>('scan-video'));
  } catch (err) {
    start.disabled = false;
    if (!(err instanceof ScanError)) throw err;
    status(`${SCAN_ERRORS[err.code]} (${err.message})`, 'error');
    start.focus();
    return;
  } finally {
    opening = false;
  }
  if (stopAsked) {
    s.stop();
    start.disabled = false;
    status('已停止扫描，摄像头已关闭。 · Scanning stopped; the camera is off.', 'info');
    start.focus();
    return;
  }
  scan = s;
  $('scan').dataset.decoder = s.decoder;
  $('scan-view').hidden = false;
  $('scan-cancel').focus();
  status('请将报告上的二维码对准摄像头（按 Esc 停止）。 · Hold the report\'s QR code up to the camera (Esc stops).', 'info');
  let text: string | undefined;
  try {
    text = await s.result;
  } catch (err) {
    if (scan === s) endScan();
    if (!(err instanceof ScanError)) throw err;
    status(`${SCAN_ERRORS[err.code]} (${err.message})`, 'error');
    start.focus();
    return;
  }
  if (scan !== s) return;
  endScan();
  start.focus();
  if (text === undefined) status('已停止扫描，摄像头已关闭。 · Scanning stopped; the camera is off.', 'info');
  else useScanned(text);
}

function cancelScan(): void {
  if (opening) stopAsked = true;
  if (!scan) return;
  endScan();
  status('已停止扫描，摄像头已关闭。 · Scanning stopped; the camera is off.', 'info');
  $('scan-start').focus();
}

if (cameraApiPresent()) {
  $('scan').hidden = false;
  $('scan-start').addEventListener('click', () => void beginScan());
  $('scan-cancel').addEventListener('click', cancelScan);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && (scan || opening)) {
      e.preventDefault();
      cancelScan();
    }
  });
  // A hidden page keeps no camera open.
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) cancelScan();
  });
}
document.documentElement.dataset.ready = 'true';

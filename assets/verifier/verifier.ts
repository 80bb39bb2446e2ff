// The offline verifier page: hashes the dropped evidence file (streamed, SHA-256) and runs every receipt check
// with app/proof's isomorphic verifier — the same code as `evidence verify` and `evidence verify-receipt`.
// A report's QR code can be scanned with a camera (scan.ts): a whole receipt is verified like a dropped one; a
// compact evidence anchor (app/proof/anchor.ts) is shown and compared with the dropped file and receipt.
// Every receipt is checked against a trust root the reader holds (docs/DESIGN.md "Trust roots"): the trust bundle
// embedded in an agency's copy of this page, a dropped trust.bundle, a typed fingerprint, or the fingerprint on
// the report's QR code. Without one the verdict is an amber "unanchored", never a green ✓.
// Everything is written with textContent: nothing from a file, a receipt or a QR code is ever parsed as markup.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '../../app/ledger/bytes';
import { ANCHOR_LIMIT, AnchorError, type AnchorCheck, type AnchorCheckId, type EvidenceAnchor, compareAnchor, looksLikeAnchor, parseAnchor } from '../../app/proof/anchor';
import { type CheckId, type ReceiptReport, SELF_WITNESSED, type TrustAnchor, verifyReceipt } from '../../app/proof/receipt';
import { type ParsedTrustBundle, TrustError, checkTrustBundle, formatFingerprint, parseFingerprint, parseTrustBundle } from '../../app/trust/bundle';
import { EMBEDDED_TRUST_ID } from '../../app/trust/embed';
import { type Scan, ScanError, type ScanErrorCode, cameraApiPresent, startScan } from './scan';

const LABELS: Record<CheckId, [string, string]> = {
  format: ['凭证格式', 'Receipt format'],
  file: ['文件 SHA-256 与大小与存证一致', 'File SHA-256 and size match the deposition'],
  signatures: ['存证人与存储方签名有效', "Depositor's and provider's signatures"],
  enrolment: ['签名人在签名前已登记', 'Signers enrolled before signing'],
  inclusion: ['条目包含于检查点（Merkle 证明）', 'Entry included under the checkpoint (Merkle proof)'],
  'log-signature': ['检查点由账本公钥签署', 'Checkpoint signed by the log key'],
  'witness-quorum': ['见证方联署达到门限', 'Witness quorum cosigned'],
  'trust-root': ['账本即信任根所指账本', 'The ledger is the one the trust root describes'],
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
/** The trust root and where it came from (shown with the verdict). */
let trust: { anchor: TrustAnchor; source: [string, string] } | undefined;
/** The agency copy's own bundle: when present, no other trust root is taken. */
let embedded: ParsedTrustBundle | undefined;
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
  if (a.trust) add('trust', '信任包指纹 Trust bundle fingerprint', formatFingerprint(a.trust));
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

const OUTCOME = {
  verified: ['✓ 全部检查通过', 'All checks passed'],
  failed: ['✗ 核验未通过', 'Verification FAILED'],
  unanchored: ['⚠ 未锚定：未提供信任根，不能判定为通过', 'UNANCHORED: no trust root given, so this is not a pass'],
} as const;

function show(report: ReceiptReport, fileInfo: { sha256: string; size: number } | undefined, anchorChecks: AnchorCheck[]): void {
  const verdict = $('verdict');
  const failed = [...report.checks, ...anchorChecks].filter((c) => c.status === 'fail');
  const outcome = failed.length > 0 ? 'failed' : report.outcome;
  verdict.dataset.ok = String(outcome === 'verified');
  verdict.dataset.outcome = outcome;
  const [zh, en] = OUTCOME[outcome];
  // The reason shown first is the most fundamental: the trust root's log key, then the trust root, then the rest.
  const lead = failed.find((c) => c.id === 'log-signature') ?? failed.find((c) => c.id === 'trust-root') ?? failed[0];
  const reason = lead ? `: ${failed.map((c) => c.id).join(', ')} — ${lead.detail}` : '';
  verdict.textContent = `${zh} · ${en}${reason}`;
  const note = $('verdict-note');
  note.hidden = true;
  if (outcome === 'unanchored') {
    const fp = report.claimed ? formatFingerprint(report.claimed.fingerprint) : '—';
    note.textContent = `本凭证声称的信任包指纹 · The receipt claims trust bundle fingerprint: ${fp}。请与办案单位公布的指纹核对，或放入其信任包 / 输入其指纹。 · Compare it with the fingerprint the agency publishes, or give its trust bundle or fingerprint above.`;
    note.hidden = false;
  } else if (report.selfWitnessed) {
    note.textContent = `${SELF_WITNESSED['zh-CN']} · ${SELF_WITNESSED.en}（单机模式：见证方即存证人自己的电脑 · standalone: the witness is the depositor's own computer）`;
    note.dataset.kind = 'self-witnessed';
    note.hidden = false;
  }
  $('entry').textContent = [
    report.entry ? `entry #${report.entry.index} · ${report.entry.type} · ${report.entry.id}` : '',
    fileInfo ? `file sha256 ${fileInfo.sha256} · ${fileInfo.size} bytes` : '',
  ].filter(Boolean).join('\n');
  $('checks').replaceChildren(...report.checks.map((c) => checkItem(c.id, c.status, LABELS[c.id], c.detail)));
  const list = $('trust');
  list.replaceChildren();
  const add = (key: string, k: string, v: string): void => {
    const dd = el('dd', v);
    dd.dataset.field = key;
    list.append(el('dt', k), dd);
  };
  if (trust) {
    add('source', '信任根来源 Trust root from', `${trust.source[0]} · ${trust.source[1]}`);
    add('fingerprint', '信任根指纹 Trust root fingerprint', formatFingerprint('bundle' in trust.anchor ? trust.anchor.bundle.fingerprint : trust.anchor.fingerprint));
    if ('bundle' in trust.anchor) {
      const b = trust.anchor.bundle;
      add('ledger', '账本 Ledger', `${b.bundle.origin} · ${b.bundle.network}`);
      add('log-key', '账本公钥 Log key', b.bundle.logKey);
      for (const w of b.policy.witnesses) add('witness', '见证方 Witness', `${w.name} ${w.key.vkey}`);
    }
  } else add('source', '信任根 Trust root', '未提供 · none given');
  if (report.claimed) {
    add('claimed', '凭证声称的指纹 Fingerprint the receipt claims', formatFingerprint(report.claimed.fingerprint));
    add('claimed-ledger', '凭证所属账本 The receipt\'s ledger', `${report.claimed.origin} · ${report.claimed.network}${report.claimed.selfWitnessed ? ` · ${SELF_WITNESSED.en}` : ''}`);
  }
  $('limit').textContent = `注意 Note: ${report.limit}`;
  $('result').hidden = false;
}

// --- The trust root -----------------------------------------------------------------------------------------

function trustStatus(text: string, kind: 'info' | 'error'): void {
  const s = $('trust-status');
  s.dataset.kind = kind;
  s.textContent = text;
}

function setTrust(anchor: TrustAnchor, source: [string, string]): void {
  trust = { anchor, source };
  const fp = formatFingerprint('bundle' in anchor ? anchor.bundle.fingerprint : anchor.fingerprint);
  const ledger = 'bundle' in anchor ? ` · ${anchor.bundle.bundle.origin} (${anchor.bundle.bundle.network})` : '';
  trustStatus(`已采用信任根 · Using the trust root from ${source[1]}: ${fp}${ledger}`, 'info');
  void verify();
}

async function takeTrustFile(f: File): Promise<void> {
  if (embedded) return trustStatus('本副本内置信任包，不接受其他信任根。 · This copy carries its own trust bundle and takes no other.', 'error');
  try {
    setTrust({ bundle: parseTrustBundle(new Uint8Array(await f.arrayBuffer())) }, ['信任包文件 ' + f.name, `trust bundle file ${f.name}`]);
  } catch (err) {
    if (!(err instanceof TrustError)) throw err;
    trustStatus(`信任包无效，未采用。 · The trust bundle was refused: ${err.message}`, 'error');
  }
}

function takeFingerprint(text: string, source: [string, string]): void {
  if (embedded) return trustStatus('本副本内置信任包，不接受其他信任根。 · This copy carries its own trust bundle and takes no other.', 'error');
  if (text.trim() === '') {
    trust = undefined;
    trustStatus('', 'info');
    void verify();
    return;
  }
  try {
    setTrust({ fingerprint: parseFingerprint(text) }, source);
  } catch (err) {
    if (!(err instanceof TrustError)) throw err;
    trustStatus(`指纹无效。 · ${err.message}`, 'error');
  }
}

/** The agency copy's bundle (`evidence verifier build --trust`), read once from the page's JSON data block. */
function loadEmbedded(): void {
  const block = document.getElementById(EMBEDDED_TRUST_ID);
  const text = block?.textContent?.trim() ?? 'null';
  if (text === 'null') return;
  const box = $('trust-embedded');
  try {
    embedded = checkTrustBundle(JSON.parse(text));
  } catch (err) {
    box.textContent = `本副本内置的信任包无效，页面不会判定任何凭证通过。 · The trust bundle built into this copy is invalid; nothing will pass: ${(err as Error).message}`;
    box.hidden = false;
    trust = { anchor: { fingerprint: '0'.repeat(64) }, source: ['无效的内置信任包', 'an invalid built-in bundle'] };
    return;
  }
  const b = embedded.bundle;
  box.textContent = `本副本由办案单位制作，只按下列账本核验 · This agency copy checks receipts against one ledger only: ${b.origin} (${b.network}) · 指纹 fingerprint ${formatFingerprint(embedded.fingerprint)}${b.selfWitnessed ? ` · ${SELF_WITNESSED['zh-CN']} · ${SELF_WITNESSED.en}` : ''}`;
  box.hidden = false;
  for (const id of ['trust-file', 'trust-fingerprint']) $<HTMLInputElement>(id).disabled = true;
  trust = { anchor: { bundle: embedded }, source: ['本副本内置信任包', 'the bundle built into this copy'] };
  trustStatus(`已采用信任根 · Using the trust root built into this copy: ${formatFingerprint(embedded.fingerprint)}`, 'info');
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
  if (receipt) show(verifyReceipt(parsed, trust?.anchor, fileInfo ? { file: fileInfo } : {}), fileInfo, anchorChecks);
}

const fileReceipt = (f: File): { name: string; text: () => Promise<string> } => ({ name: f.name, text: () => f.text() });

function take(files: Iterable<File>): void {
  for (const f of files) {
    if (/\.bundle$/i.test(f.name)) void takeTrustFile(f);
    else if (/\.evidence-receipt\.json$|\.json$/i.test(f.name)) receipt = fileReceipt(f);
    else evidence = f;
  }
  void verify();
}

$<HTMLInputElement>('trust-file').addEventListener('change', (e) => {
  const f = (e.target as HTMLInputElement).files?.[0];
  if (f) void takeTrustFile(f);
});
$<HTMLInputElement>('trust-fingerprint').addEventListener('input', (e) => takeFingerprint((e.target as HTMLInputElement).value, ['输入的指纹', 'the fingerprint typed in']));

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
    // The report prints the trust bundle's fingerprint; its QR code carries it: a trust root as good as the report.
    if (anchor.trust && !trust && !embedded) {
      $<HTMLInputElement>('trust-fingerprint').value = formatFingerprint(anchor.trust);
      takeFingerprint(anchor.trust, ['报告二维码', "the report's QR code"]);
    }
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
loadEmbedded();
document.documentElement.dataset.ready = 'true';

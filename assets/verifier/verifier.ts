// The offline verifier page: hashes the dropped evidence file (streamed, SHA-256) and runs every receipt check
// with app/proof's isomorphic verifier — the same code as `evidence verify` and `evidence verify-receipt`.
// Everything is written with textContent: nothing from the file or the receipt is ever parsed as markup.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '../../app/ledger/bytes';
import { type CheckId, type ReceiptReport, verifyReceipt } from '../../app/proof/receipt';

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
let receipt: File | undefined;
let run = 0;

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

function show(report: ReceiptReport, parsed: unknown, fileInfo: { sha256: string; size: number } | undefined): void {
  const verdict = $('verdict');
  verdict.dataset.ok = String(report.ok);
  verdict.textContent = report.ok ? '✓ 全部检查通过 · All checks passed' : `✗ 核验未通过 · Verification FAILED: ${report.checks.filter((c) => c.status === 'fail').map((c) => c.id).join(', ')}`;
  $('entry').textContent = [
    report.entry ? `entry #${report.entry.index} · ${report.entry.type} · ${report.entry.id}` : '',
    fileInfo ? `file sha256 ${fileInfo.sha256} · ${fileInfo.size} bytes` : '',
  ].filter(Boolean).join('\n');
  const list = $('checks');
  list.replaceChildren();
  for (const c of report.checks) {
    const li = document.createElement('li');
    li.dataset.check = c.id;
    li.dataset.status = c.status;
    const [zh, en] = LABELS[c.id];
    li.append(el('span', MARK[c.status], 'mark'), el('span', `${WORD[c.status][0]} ${WORD[c.status][1]} · ${zh} · ${en}`), el('span', c.detail, 'detail'));
    list.append(li);
  }
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
  if (!receipt) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(await receipt.text());
  } catch (err) {
    parsed = { unreadable: (err as Error).message };
  }
  const fileInfo = evidence ? await hashFile(evidence) : undefined;
  if (mine !== run) return;
  show(verifyReceipt(parsed, fileInfo ? { file: fileInfo } : {}), parsed, fileInfo);
}

function take(files: Iterable<File>): void {
  for (const f of files) {
    if (/\.evidence-receipt\.json$|\.json$/i.test(f.name)) receipt = f;
    else evidence = f;
  }
  void verify();
}

$<HTMLInputElement>('evidence').addEventListener('change', (e) => {
  evidence = (e.target as HTMLInputElement).files?.[0];
  void verify();
});
$<HTMLInputElement>('receipt').addEventListener('change', (e) => {
  receipt = (e.target as HTMLInputElement).files?.[0];
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
document.documentElement.dataset.ready = 'true';

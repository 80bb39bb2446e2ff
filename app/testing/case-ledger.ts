// Builds a real ledger node folder holding one case (tests, the bench, demos): a genesis and enrolments from
// app/node/sample-network.ts, then a case with N exhibits and their custody events, every record signed by real
// keys, checked by the ledger rules, written as C2SP tlog-tiles by the LogWriter, and the checkpoint cosigned by the
// genesis witnesses (c2sp.org/tlog-cosignature).
import { createHash } from 'node:crypto';
import { addSignature, signRecord, type SignedRecord } from '../crypto/envelope';
import { toHex } from '../crypto/encoding';
import { recordDigest } from '../crypto/record-digest';
import { addSignatureLines } from '../ledger/note';
import { LogWriter } from '../ledger/log';
import { LedgerState, entryBytes } from '../ledger/rules';
import { SampleNetwork, type SampleMember } from '../node/sample-network';
import { FsLogDriver } from '../ledger/storage/fs';
import { depositionRequestRecord } from '../records/schemas';
import { nodePaths } from '../node/files';
import { initNode } from '../node/init';
import { nodeVerifier } from '../crypto/bulk-verify';
import { cosignCheckpoint } from '../witness/cosignature';

export interface CaseLedgerOptions {
  dir: string;
  origin?: string;
  caseId?: string;
  title?: string;
  agency?: string;
  caseDescription?: string;
  exhibits: number;
  /** Custody transfers per exhibit (default 2); integrity checks and accesses follow each exhibit's transfers. */
  transfers?: number;
  checks?: number;
  /** Integrity check c of exhibit i finds a different hash (default: every check matches). */
  mismatch?: (i: number, c: number) => boolean;
  accesses?: number;
  /** Dispose of every n-th exhibit (default: none). */
  disposeEvery?: number;
  /** Description of exhibit i (1-based). */
  description?: (i: number) => string;
  /** Real file contents for exhibit i (hashed into the deposition), else a random 64-hex digest. */
  content?: (i: number) => Uint8Array | undefined;
  /** Witnesses that cosign the final checkpoint (default: all the genesis names). */
  cosigners?: number;
  /** A second case with this many exhibits, interleaved (proves the report picks one case). */
  otherCaseExhibits?: number;
  seed?: number;
}

export interface CaseLedger {
  dir: string;
  caseId: string;
  net: SampleNetwork;
  exhibitIds: string[];
  entries: number;
}

const hex = (algo: string, data: Uint8Array): string => createHash(algo).update(data).digest('hex');

export async function buildCaseLedger(o: CaseLedgerOptions): Promise<CaseLedger> {
  const origin = o.origin ?? 'ledger.example.test/report';
  const net = new SampleNetwork({ origin, seed: o.seed ?? 7, witnesses: 3 });
  await initNode({ dir: o.dir, origin, key: net.logKey, genesis: () => net.genesis() });
  const records: SignedRecord[] = [];
  for (let i = 0; i < 8; i++) records.push(net.next());
  const investigators = net.officers.filter((m) => m.role === 'investigator');
  const officers = net.officers;
  const supervisor = net.supervisors[0]!;
  const provider = net.providers[0]!;
  let clock = Date.parse('2026-11-27T08:30:00.000Z');
  const now = (step = 60): string => new Date((clock += step * 1000)).toISOString();
  let n = 0;
  const id = (kind: string): string => `${kind}-${(++n).toString().padStart(7, '0')}`;

  const caseId = o.caseId ?? 'CASE-2026-00042';
  const otherCase = 'CASE-2026-00043';
  const openCase = (cid: string, title: string, inv: SampleMember): SignedRecord =>
    signRecord({ type: 'case.open', v: 1, origin, id: id('case'), time: now(), caseId: cid, title, agency: o.agency ?? 'Metropolitan Police Cyber Unit 市公安局网安支队', description: o.caseDescription ?? 'Seizure of devices at the suspect’s office.' } as never, 'investigator', inv.signer) as SignedRecord;
  records.push(openCase(caseId, o.title ?? 'Fraud — Office suite 1203 / 诈骗案', investigators[0]!));
  if (o.otherCaseExhibits) records.push(openCase(otherCase, 'Unrelated burglary', investigators[1]!));

  const deposit = (cid: string, exhibitId: string, i: number, depositor: SampleMember): SignedRecord => {
    const content = o.content?.(i);
    const obj = content
      ? { name: `exhibit-${i}.bin`, size: content.length, sha256: hex('sha256', content), sha1: hex('sha1', content), md5: hex('md5', content) }
      : { name: `${['iphone-extraction.ufdr', 'laptop-disk.E01', 'cctv-cam3.mp4', 'invoice-scan.pdf'][i % 4]}`, size: 1_000_000 + i * 7919, sha256: hex('sha256', new TextEncoder().encode(`${cid}/${i}`)) };
    const requestedAt = now();
    const rid = id('depo');
    const request = {
      caseId: cid, exhibitId, depositor: depositor.signer.keyId, requestedAt, objects: [obj], kind: 'file',
      metadata: { description: o.description?.(i) ?? `Item ${i}: seized device image`, seizedAt: requestedAt, seizedPlace: 'Office suite 1203, 88 Century Ave, Pudong', seizedBy: depositor.name },
    };
    const requestDigest = toHex(recordDigest(depositionRequestRecord({ origin, id: rid, request })));
    const storedAt = now(120);
    const record = { type: 'deposition', v: 1, origin, id: rid, time: storedAt, caseId: cid, exhibitId, request, receipt: { provider: provider.signer.keyId, requestDigest, objects: [{ sha256: obj.sha256, size: obj.size }], storedAt } };
    return addSignature(signRecord(record as never, 'provider', provider.signer) as SignedRecord, 'depositor', depositor.signer);
  };

  const exhibitIds: string[] = [];
  const purposes = ['forensic analysis / 司法鉴定', 'secure storage / 安全保管', 'court presentation / 出庭', 'lab imaging / 实验室成像'];
  for (let i = 1; i <= o.exhibits; i++) {
    const exhibitId = `EX-${caseId.slice(-5)}-${i.toString().padStart(4, '0')}`;
    exhibitIds.push(exhibitId);
    let holder = officers[i % officers.length]!;
    const dep = deposit(caseId, exhibitId, i, holder);
    records.push(dep);
    const sha = (dep.record as unknown as { request: { objects: Array<{ sha256: string; size: number }> } }).request.objects[0]!;
    for (let t = 0; t < (o.transfers ?? 2); t++) {
      const to = officers[(officers.indexOf(holder) + 1 + t) % officers.length]!;
      records.push(addSignature(signRecord({ type: 'custody.transfer', v: 1, origin, id: id('xfer'), time: now(), exhibitId, from: holder.signer.keyId, to: to.signer.keyId, purpose: purposes[(i + t) % purposes.length]!, location: 'Evidence room B2' } as never, 'releasing', holder.signer) as SignedRecord, 'receiving', to.signer));
      holder = to;
    }
    for (let c = 0; c < (o.checks ?? 1); c++) {
      const scope = c % 2 === 0 ? 'provider' : 'local';
      const bad = o.mismatch?.(i, c) ?? false;
      const observed = bad ? { sha256: hex('sha256', new TextEncoder().encode(`altered ${exhibitId}`)), size: sha.size } : { sha256: sha.sha256, size: sha.size };
      const env = signRecord({ type: 'integrity.check', v: 1, origin, id: id('check'), time: now(), exhibitId, checker: holder.signer.keyId, scope, result: bad ? 'mismatch' : 'match', observed } as never, 'checker', holder.signer) as SignedRecord;
      records.push(scope === 'provider' ? addSignature(env, 'provider', provider.signer) : env);
    }
    for (let a = 0; a < (o.accesses ?? 0); a++) {
      records.push(signRecord({ type: 'access', v: 1, origin, id: id('access'), time: now(), exhibitId, accessor: holder.signer.keyId, purpose: 'review by prosecutor / 检察院审查' } as never, 'accessor', holder.signer) as SignedRecord);
    }
    if (o.disposeEvery && i % o.disposeEvery === 0) {
      const witness = officers.find((m) => m !== supervisor)!;
      records.push(addSignature(signRecord({ type: 'disposition', v: 1, origin, id: id('dispose'), time: now(), exhibitId, method: 'returned to owner / 发还', authorisedBy: supervisor.signer.keyId, witnessOfficer: witness.signer.keyId } as never, 'supervisor', supervisor.signer) as SignedRecord, 'witness-officer', witness.signer));
    }
    if (o.otherCaseExhibits && i <= o.otherCaseExhibits) records.push(deposit(otherCase, `EX-OTHER-${i}`, i, officers[0]!));
  }

  const p = nodePaths(o.dir);
  const driver = new FsLogDriver(p.log, p.journal);
  try {
    const state = new LedgerState();
    const writer = await LogWriter.open(driver, origin, net.logKey.signer, net.logKey.verifier, (e) => state.apply(e, { verifier: nodeVerifier }));
    const bytes = records.map(entryBytes);
    for (const b of bytes) state.apply(b, { verifier: nodeVerifier });
    const published = await writer.append(bytes);
    const body = published.note.slice(0, published.note.indexOf('\n\n') + 1);
    const ts = BigInt(Math.floor(clock / 1000) + 30);
    const lines = net.witnessKeys.slice(0, o.cosigners ?? net.witnessKeys.length).map((w, k) => cosignCheckpoint(body, w.skey, ts + BigInt(k)));
    await writer.publishCosigned(addSignatureLines(published.note, lines), () => writer.checkpoint.checkpoint);
    return { dir: o.dir, caseId, net, exhibitIds, entries: writer.size };
  } finally {
    await driver.close();
  }
}

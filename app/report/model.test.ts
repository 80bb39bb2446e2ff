import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReportData, findTileFolder, loadLedgerFolder, reportHash, reportJson, type VerifiedLedger } from './model';
import { buildCaseLedger, type CaseLedger } from '../testing/case-ledger';

let dir: string;
let built: CaseLedger;
let ledger: VerifiedLedger;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'report-model-'));
  built = await buildCaseLedger({ dir: join(dir, 'node'), exhibits: 4, otherCaseExhibits: 2, disposeEvery: 4, accesses: 1, cosigners: 2 });
  ledger = await loadLedgerFolder(join(dir, 'node'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('report data from the ledger', () => {
  it('holds the case, its exhibits only, in deposition order, with custody, checks and access', () => {
    const d = buildReportData(ledger, built.caseId);
    expect(d.case.caseId).toBe(built.caseId);
    expect(d.exhibits.map((e) => e.exhibitId)).toEqual(built.exhibitIds);
    const ex = d.exhibits[0]!;
    expect(ex.custody.map((c) => c.kind)).toEqual(['deposition', 'transfer', 'transfer']);
    // The chain is unbroken: each transfer releases from whoever received last.
    for (let i = 1; i < ex.custody.length; i++) expect(ex.custody[i]!.releasedBy!.keyId).toBe(ex.custody[i - 1]!.receivedBy!.keyId);
    expect(ex.holder?.keyId).toBe(ex.custody.at(-1)!.receivedBy!.keyId);
    expect(ex.integrity).toHaveLength(1);
    expect(ex.integrity[0]!.result).toBe('match');
    expect(ex.access).toHaveLength(1);
    const disposed = d.exhibits[3]!;
    expect(disposed.disposed).toBe(true);
    expect(disposed.custody.at(-1)!.kind).toBe('disposition');
    expect(disposed.holder).toBeUndefined();
    expect(d.checkpoint.size).toBe(built.entries);
    expect(d.checkpoint.cosignatures.map((c) => c.witness)).toHaveLength(2);
    expect(d.checkpoint.final).toBe(true);
    // Every anchor's leaf hash is RFC 9162 SHA-256(0x00 ‖ entry) of the entry at that index.
    const entry = ledger.entries[ex.deposition.index]!;
    expect(ex.deposition.leafHash).toBe(createHash('sha256').update(Buffer.concat([Buffer.of(0), entry])).digest('hex'));
  });

  it('hashes the canonical JSON of the data, the same on every load', async () => {
    const a = buildReportData(ledger, built.caseId);
    const b = buildReportData(await loadLedgerFolder(join(dir, 'node', 'log')), built.caseId);
    expect(reportHash(a)).toBe(reportHash(b));
    expect(reportHash(a)).toBe(createHash('sha256').update(reportJson(a)).digest('hex'));
    expect(JSON.parse(new TextDecoder().decode(reportJson(a)))).toEqual(JSON.parse(JSON.stringify(a)));
  });

  it('reports a case not in the ledger by name, and lists what is there', () => {
    expect(() => buildReportData(ledger, 'CASE-NOPE')).toThrow(expect.objectContaining({ code: 'REPORT_NO_CASE', message: expect.stringContaining(built.caseId) }));
  });

  it('refuses a folder without a ledger', async () => {
    await expect(findTileFolder(dir)).rejects.toMatchObject({ code: 'REPORT_NO_LEDGER' });
  });

  it('refuses a ledger whose entries were altered (never prints unverified data)', async () => {
    const copy = join(dir, 'tampered');
    await buildCaseLedger({ dir: copy, exhibits: 1, seed: 3 });
    const bundle = join(copy, 'log', 'tile', 'entries', `000.p`);
    const { readdir } = await import('node:fs/promises');
    const name = (await readdir(bundle)).sort((a, b) => Number(b) - Number(a))[0]!;
    const bytes = await readFile(join(bundle, name));
    const text = bytes.toString('latin1');
    const at = text.indexOf('Item 1');
    expect(at).toBeGreaterThan(0);
    bytes[at] = 'J'.charCodeAt(0);
    await writeFile(join(bundle, name), bytes);
    await expect(loadLedgerFolder(copy)).rejects.toMatchObject({ code: 'REPORT_BAD_LEDGER' });
  });

  it('marks a checkpoint below the witness quorum as not final', async () => {
    const d2 = join(dir, 'one-witness');
    const b = await buildCaseLedger({ dir: d2, exhibits: 1, cosigners: 1, seed: 5 });
    const data = buildReportData(await loadLedgerFolder(d2), b.caseId);
    expect(data.checkpoint.final).toBe(false);
    expect(data.checkpoint.cosignatures).toHaveLength(1);
  });
});

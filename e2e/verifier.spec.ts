// The single-file offline verifier, opened from file:// in Chromium with the network off: a receipt from a real
// ledger (signed records, rules, tiles, witness cosignatures; receipt built by app/proof) verifies with the file;
// a changed byte of the file, a changed entry field and a changed proof hash each fail with their check named.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test, expect, type Page } from '@playwright/test';
import { buildVerifier } from '../assets/verifier/build';
import { fromBase64, toBase64 } from '../app/crypto/encoding';
import { loadLedgerFolder } from '../app/report/model';
import { proofReceipt } from '../app/report/receipts';
import { buildCaseLedger } from '../app/testing/case-ledger';
import { formatTlogProof, parseTlogProof } from '../app/proof/tlog-proof';

let dir: string;
let html: string;
let evidence: Buffer;
let receipt: string;

// Playwright reads fixtures from a destructured first argument; this hook uses none.
// eslint-disable-next-line no-empty-pattern
test.beforeAll(async ({}, testInfo) => {
  test.skip(testInfo.project.name !== 'web', 'runs in Chromium; one project is enough');
  dir = mkdtempSync(join(tmpdir(), 'e2e-verifier-'));
  html = join(dir, 'verifier.html');
  await buildVerifier(html);
  evidence = Buffer.from('seized phone image '.repeat(4000));
  const built = await buildCaseLedger({ dir: join(dir, 'node'), exhibits: 1, content: () => evidence });
  const ledger = await loadLedgerFolder(join(dir, 'node'));
  const depo = ledger.applied.find((a) => a.record.type === 'deposition')!;
  receipt = await proofReceipt(ledger, depo.index);
  expect(built.exhibitIds).toHaveLength(1);
});
test.afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function check(page: Page, file: Buffer, receiptText: string): Promise<Record<string, string>> {
  await page.context().setOffline(true);
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(html).href);
  await expect(page.locator('html[data-ready="true"]')).toHaveCount(1);
  await page.getByTestId('evidence').setInputFiles({ name: 'phone.img', mimeType: 'application/octet-stream', buffer: file });
  await page.getByTestId('receipt').setInputFiles({ name: 'EX.evidence-receipt.json', mimeType: 'application/json', buffer: Buffer.from(receiptText) });
  await expect(page.getByTestId('verdict')).not.toBeEmpty();
  const rows = await page.locator('#checks li').evaluateAll((lis) => lis.map((li) => [li.getAttribute('data-check'), li.getAttribute('data-status')]));
  expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
  return Object.fromEntries(rows as Array<[string, string]>);
}

const failed = (r: Record<string, string>): string[] => Object.entries(r).filter(([, s]) => s === 'fail').map(([id]) => id);

test('verifies a real receipt offline from file://, every check shown', async ({ page }, testInfo) => {
  const r = await check(page, evidence, receipt);
  expect(r).toEqual({ format: 'pass', file: 'pass', signatures: 'pass', enrolment: 'pass', inclusion: 'pass', 'log-signature': 'pass', 'witness-quorum': 'pass', 'trust-root': 'pass' });
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-ok', 'true');
  await expect(page.getByTestId('trust')).toContainText(JSON.parse(receipt).trust.logKey);
  await page.screenshot({ path: testInfo.outputPath('verifier-pass.png'), fullPage: true });
});

test('a changed byte of the file fails the file check', async ({ page }, testInfo) => {
  const changed = Buffer.from(evidence);
  changed[1234] = changed[1234]! ^ 1;
  const r = await check(page, changed, receipt);
  expect(failed(r)).toEqual(['file']);
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-ok', 'false');
  await page.screenshot({ path: testInfo.outputPath('verifier-fail.png'), fullPage: true });
});

test('a changed entry field fails signatures and inclusion', async ({ page }) => {
  const r0 = JSON.parse(receipt) as { entry: string };
  const env = JSON.parse(new TextDecoder().decode(fromBase64(r0.entry))) as { record: { request: { metadata: { description: string } } } };
  env.record.request.metadata.description = 'something else';
  r0.entry = toBase64(new TextEncoder().encode(JSON.stringify(env)));
  const r = await check(page, evidence, JSON.stringify(r0));
  expect(failed(r)).toEqual(expect.arrayContaining(['signatures', 'inclusion']));
});

test('a changed proof hash fails inclusion only', async ({ page }) => {
  const r0 = JSON.parse(receipt) as { proof: string };
  const p = parseTlogProof(r0.proof);
  p.proof[0]![0] = p.proof[0]![0]! ^ 1;
  r0.proof = formatTlogProof(p);
  const r = await check(page, evidence, JSON.stringify(r0));
  expect(failed(r)).toEqual(['inclusion']);
});

test('the built file is one self-contained page with a CSP that allows no network', () => {
  const page = readFileSync(html, 'utf8');
  expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href=|@import/);
  expect(page).toMatch(/default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-[A-Za-z0-9+/=]+'; connect-src 'none'/);
  writeFileSync(join(dir, 'copy.html'), page);
});

// The single-file offline verifier, opened from file:// in Chromium with the network off: a receipt from a real
// ledger (signed records, rules, tiles, witness cosignatures; receipt built by app/proof) verifies with the file
// against the ledger's trust bundle (dropped, typed as a fingerprint, or built into an agency copy); without a
// trust root it is an amber "unanchored", never a green ✓; a look-alike ledger's receipt (same origin, names,
// case and exhibit ids, new keys) fails with "log key not in the trust root"; a changed byte of the file, a
// changed entry field and a changed proof hash each fail with their check named.
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
import { formatFingerprint, parseTrustBundle } from '../app/trust/bundle';
import { embedTrust } from '../app/trust/embed';

let dir: string;
let html: string;
let evidence: Buffer;
let receipt: string;
let bundle: string;
let fingerprint: string;
let forged: { evidence: Buffer; receipt: string };

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
  bundle = join(dir, 'node', 'trust.bundle');
  fingerprint = parseTrustBundle(readFileSync(bundle)).fingerprint;
  // The look-alike: built from scratch the same way (same origin, names, case and exhibit ids), with new keys.
  const fakeEvidence = Buffer.from('another file entirely '.repeat(3000));
  const fake = await buildCaseLedger({ dir: join(dir, 'fake'), exhibits: 1, content: () => fakeEvidence });
  expect(fake.exhibitIds).toEqual(built.exhibitIds);
  const fakeLedger = await loadLedgerFolder(join(dir, 'fake'));
  forged = { evidence: fakeEvidence, receipt: await proofReceipt(fakeLedger, fakeLedger.applied.find((a) => a.record.type === 'deposition')!.index) };
});
test.afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The trust root to give the page; null: none. */
type Trust = { bundle: string } | { fingerprint: string } | null;

async function check(page: Page, file: Buffer, receiptText: string, trust: Trust = { bundle: '' }, page0 = html): Promise<Record<string, string>> {
  await page.context().setOffline(true);
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(page0).href);
  await expect(page.locator('html[data-ready="true"]')).toHaveCount(1);
  if (trust && 'bundle' in trust) await page.getByTestId('trust-file').setInputFiles({ name: 'trust.bundle', mimeType: 'application/json', buffer: readFileSync(trust.bundle || bundle) });
  if (trust && 'fingerprint' in trust) await page.getByTestId('trust-fingerprint').fill(trust.fingerprint);
  if (trust) await expect(page.getByTestId('trust-status')).toContainText('Using the trust root');
  await page.getByTestId('evidence').setInputFiles({ name: 'phone.img', mimeType: 'application/octet-stream', buffer: file });
  await page.getByTestId('receipt').setInputFiles({ name: 'EX.evidence-receipt.json', mimeType: 'application/json', buffer: Buffer.from(receiptText) });
  await expect(page.getByTestId('verdict')).not.toBeEmpty();
  const rows = await page.locator('#checks li').evaluateAll((lis) => lis.map((li) => [li.getAttribute('data-check'), li.getAttribute('data-status')]));
  expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
  return Object.fromEntries(rows as Array<[string, string]>);
}

const failed = (r: Record<string, string>): string[] => Object.entries(r).filter(([, s]) => s === 'fail').map(([id]) => id);

const ALL_PASS = { format: 'pass', file: 'pass', signatures: 'pass', enrolment: 'pass', inclusion: 'pass', 'log-signature': 'pass', 'witness-quorum': 'pass', 'trust-root': 'pass' };

test('verifies a real receipt offline from file:// against the dropped trust bundle: anchored, every check shown', async ({ page }, testInfo) => {
  const r = await check(page, evidence, receipt, { bundle });
  expect(r).toEqual(ALL_PASS);
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-outcome', 'verified');
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-ok', 'true');
  await expect(page.getByTestId('verdict')).toContainText('All checks passed');
  await expect(page.getByTestId('trust')).toContainText(formatFingerprint(fingerprint));
  await expect(page.getByTestId('trust')).toContainText(JSON.parse(receipt).trust.logKey);
  await page.screenshot({ path: testInfo.outputPath('verifier-anchored.png'), fullPage: true });
});

test('passes with the fingerprint alone, typed with spaces', async ({ page }) => {
  expect(await check(page, evidence, receipt, { fingerprint: formatFingerprint(fingerprint) })).toEqual(ALL_PASS);
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-outcome', 'verified');
});

test('without a trust root: amber "unanchored", no overall ✓, the claimed fingerprint to compare', async ({ page }, testInfo) => {
  const r = await check(page, evidence, receipt, null);
  expect(r).toEqual({ ...ALL_PASS, 'trust-root': 'skip' });
  const verdict = page.getByTestId('verdict');
  await expect(verdict).toHaveAttribute('data-outcome', 'unanchored');
  await expect(verdict).toHaveAttribute('data-ok', 'false');
  await expect(verdict).not.toContainText('✓');
  await expect(verdict).toContainText('UNANCHORED');
  await expect(page.getByTestId('verdict-note')).toContainText(formatFingerprint(fingerprint));
  await expect(page.getByTestId('verdict-note')).toContainText('Compare it with the fingerprint the agency publishes');
  expect(await verdict.evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(255, 244, 214)');
  await page.screenshot({ path: testInfo.outputPath('verifier-unanchored.png'), fullPage: true });
});

test("a look-alike ledger's receipt fails with the genuine bundle: log key not in the trust root", async ({ page }, testInfo) => {
  const r = await check(page, forged.evidence, forged.receipt, { bundle });
  expect(r['log-signature']).toBe('fail');
  expect(r['trust-root']).toBe('fail');
  const verdict = page.getByTestId('verdict');
  await expect(verdict).toHaveAttribute('data-outcome', 'failed');
  await expect(verdict).not.toContainText('✓');
  await expect(verdict).toContainText('log key not in the trust root');
  await page.screenshot({ path: testInfo.outputPath('verifier-forged.png'), fullPage: true });
  // Without a trust root it would look fine but unanchored: the fingerprint it claims is not the agency's.
  await check(page, forged.evidence, forged.receipt, null);
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-outcome', 'unanchored');
  await expect(page.getByTestId('verdict-note')).not.toContainText(formatFingerprint(fingerprint));
});

test("an agency's copy carries its bundle, says which ledger it checks against, and fails the look-alike", async ({ page }, testInfo) => {
  const copy = join(dir, 'agency-verifier.html');
  writeFileSync(copy, embedTrust(readFileSync(html, 'utf8'), parseTrustBundle(readFileSync(bundle))));
  expect(await check(page, evidence, receipt, null, copy)).toEqual(ALL_PASS);
  await expect(page.getByTestId('trust-embedded')).toContainText(`checks receipts against one ledger only: ledger.example.test/report`);
  await expect(page.getByTestId('trust-embedded')).toContainText(formatFingerprint(fingerprint));
  await expect(page.getByTestId('trust-fingerprint')).toBeDisabled();
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-outcome', 'verified');
  await page.screenshot({ path: testInfo.outputPath('verifier-agency-copy.png'), fullPage: true });
  await check(page, forged.evidence, forged.receipt, null, copy);
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-outcome', 'failed');
  await expect(page.getByTestId('verdict')).toContainText('log key not in the trust root');
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

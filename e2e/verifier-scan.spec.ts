// The offline verifier's "Scan QR code", from file:// in Chromium with the network off and a fake camera: Chromium
// plays a Y4M video (e2e/fake-camera.ts) of the QR code the report prints for an exhibit — its compact anchor
// (app/proof/anchor.ts) from a real ledger — as the only camera. The page must read it with its bundled decoder,
// show the anchor's fields, say that the anchor alone proves nothing, and compare it with a dropped file and
// receipt: ✓ for the exhibit's own (the anchor's trust fingerprint is the trust root), ✗ with the reason for
// another exhibit's. Also: Escape stops the camera,
// a denied permission and a missing camera each say so.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test, expect, chromium, type Browser, type Page, type TestInfo } from '@playwright/test';
import { buildVerifier } from '../assets/verifier/build';
import { buildReportData, loadLedgerFolder, type ReportData } from '../app/report/model';
import { proofReceipt } from '../app/report/receipts';
import { compactAnchor, receiptFileNameFor } from '../app/report/render';
import { buildCaseLedger } from '../app/testing/case-ledger';
import { writeBlankY4m, writeQrY4m } from './fake-camera';

let dir: string;
let html: string;
let data: ReportData;
const content = (i: number): Buffer => Buffer.from(`seized phone image ${i} `.repeat(3000));
const receipts: string[] = [];
let anchorText: string;

// Playwright reads fixtures from a destructured first argument; this hook uses none.
// eslint-disable-next-line no-empty-pattern
test.beforeAll(async ({}, testInfo) => {
  test.skip(testInfo.project.name !== 'web', 'runs in Chromium with a fake camera; one project is enough');
  dir = mkdtempSync(join(tmpdir(), 'e2e-verifier-scan-'));
  html = join(dir, 'verifier.html');
  await buildVerifier(html);
  const built = await buildCaseLedger({ dir: join(dir, 'node'), exhibits: 2, content });
  const ledger = await loadLedgerFolder(join(dir, 'node'));
  data = buildReportData(ledger, built.caseId);
  for (const ex of data.exhibits) receipts.push(await proofReceipt(ledger, ex.deposition.index));
  const ex = data.exhibits[0]!;
  anchorText = compactAnchor(data, ex, receiptFileNameFor(ex.exhibitId));
});
test.afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let browser: Browser | undefined;
/** Every request the pages made: only file: URLs may appear (the page is offline and must not try). */
let requests: string[] = [];
test.afterEach(async () => {
  await browser?.close();
  browser = undefined;
  expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
  requests = [];
});

/** A Chromium of this project with extra flags (a fake camera and/or an automatic permission answer). */
async function open(testInfo: TestInfo, flags: string[]): Promise<Page> {
  const base = testInfo.project.use.launchOptions ?? {};
  browser = await chromium.launch({ ...base, args: [...(base.args ?? []), ...flags] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.setOffline(true);
  const page = await context.newPage();
  page.on('request', (r) => requests.push(r.url()));
  // Keep every stream the page opens, to see its tracks end (the camera light goes off only then).
  await page.addInitScript(() => {
    const media = navigator.mediaDevices;
    const get = media.getUserMedia.bind(media);
    const kept: MediaStream[] = [];
    (window as unknown as { streams: MediaStream[] }).streams = kept;
    media.getUserMedia = async (c) => {
      const stream = await get(c);
      kept.push(stream);
      return stream;
    };
  });
  await page.goto(pathToFileURL(html).href);
  await expect(page.locator('html[data-ready="true"]')).toHaveCount(1);
  return page;
}

/** A camera that shows the QR code of `text` (and grants permission). */
const camera = (text: string, name: string): string[] => [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  `--use-file-for-fake-video-capture=${writeQrY4m(join(dir, `${name}.y4m`), text)}`,
];

async function drop(page: Page, i: number, file: Buffer = content(i)): Promise<void> {
  await page.getByTestId('evidence').setInputFiles({ name: `exhibit-${i}.bin`, mimeType: 'application/octet-stream', buffer: file });
  await page.getByTestId('receipt').setInputFiles({ name: receiptFileNameFor(data.exhibits[i - 1]!.exhibitId), mimeType: 'application/json', buffer: Buffer.from(receipts[i - 1]!) });
}

const statuses = (page: Page, list: string): Promise<Record<string, string>> =>
  page.locator(`[data-testid="${list}"] li`).evaluateAll((lis) => Object.fromEntries(lis.map((li) => [li.getAttribute('data-check'), li.getAttribute('data-status')])));

/** Scans with the keyboard only: Tab to the button, Enter; waits until the camera is off again. */
async function scanByKeyboard(page: Page): Promise<void> {
  await page.getByTestId('scan-start').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('scan-status')).toContainText(/camera is off|not used|neither/, { timeout: 20_000 });
  expect(await page.locator('#scan-video').evaluate((v: HTMLVideoElement) => v.srcObject)).toBeNull();
  await expect(page.locator('#scan-view')).toBeHidden();
  expect(await liveTracks(page)).toEqual([]);
}

/** The states of every camera track the page opened that is not stopped. */
const liveTracks = (page: Page): Promise<string[]> =>
  page.evaluate(() => (window as unknown as { streams: MediaStream[] }).streams.flatMap((s) => s.getTracks()).filter((t) => t.readyState !== 'ended').map((t) => t.label));

test("reads the report's QR code from the camera, shows the anchor, and checks it against the exhibit's file and receipt", async () => {
  const testInfo = test.info();
  const page = await open(testInfo, camera(anchorText, 'anchor-1'));
  await expect(page.getByTestId('scan')).toBeVisible();
  await scanByKeyboard(page);
  await expect(page.getByTestId('scan')).toHaveAttribute('data-decoder', /^(jsQR|BarcodeDetector)/);
  const ex = data.exhibits[0]!;
  const field = (k: string) => page.locator(`[data-testid="anchor-fields"] dd[data-field="${k}"]`);
  await expect(field('origin')).toHaveText(data.ledger.origin);
  await expect(field('case')).toHaveText(data.case.caseId);
  await expect(field('exhibit')).toHaveText(ex.exhibitId);
  await expect(field('entry')).toHaveText(`#${ex.deposition.index} · leaf ${ex.deposition.leafHash}`);
  await expect(field('checkpoint')).toHaveText(`size ${data.checkpoint.size} · root ${data.checkpoint.rootBase64}`);
  await expect(field('sha256')).toHaveText(`${ex.objects[0]!.sha256} · ${content(1).length} bytes`);
  await expect(field('receipt')).toHaveText(receiptFileNameFor(ex.exhibitId));
  await expect(page.getByTestId('anchor-limit')).toContainText(`The anchor alone proves nothing (it is not signed). Drop the receipt it names, ${receiptFileNameFor(ex.exhibitId)}`);
  expect(await statuses(page, 'anchor-checks')).toEqual({ 'anchor-file': 'skip', 'anchor-entry': 'skip', 'anchor-checkpoint': 'skip' });
  await expect(page.getByTestId('verdict')).toBeHidden();
  await page.screenshot({ path: testInfo.outputPath('verifier-scan-anchor-only.png'), fullPage: true });

  await drop(page, 1);
  await expect(page.locator('[data-testid="anchor-checks"] li[data-status="skip"]')).toHaveCount(0);
  expect(await statuses(page, 'anchor-checks')).toEqual({ 'anchor-file': 'pass', 'anchor-entry': 'pass', 'anchor-checkpoint': 'pass' });
  expect(Object.values(await statuses(page, 'checks'))).toEqual(Array(8).fill('pass'));
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-ok', 'true');
  await expect(page.getByTestId('trust')).toContainText(data.ledger.trust.fingerprint.slice(0, 4));
  await expect(page.getByTestId('anchor-limit')).toContainText('The anchor is not signed and proves nothing by itself');
  await page.screenshot({ path: testInfo.outputPath('verifier-scan-pass.png'), fullPage: true });
});

test("another exhibit's file and receipt against the scanned anchor: ✗ with the reason, though the receipt itself verifies", async () => {
  const testInfo = test.info();
  const page = await open(testInfo, camera(anchorText, 'anchor-1'));
  await drop(page, 2);
  // No trust root yet: every check passes against the receipt's own claim, which is "unanchored", not a pass.
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-outcome', 'unanchored');
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-ok', 'false');
  await scanByKeyboard(page);
  // The report's QR code carries the trust bundle's fingerprint: it becomes the trust root.
  await expect(page.getByTestId('trust-status')).toContainText("the report's QR code");
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-ok', 'false');
  await expect(page.getByTestId('verdict')).toContainText('anchor-file, anchor-entry');
  expect(await statuses(page, 'anchor-checks')).toEqual({ 'anchor-file': 'fail', 'anchor-entry': 'fail', 'anchor-checkpoint': 'pass' });
  expect(Object.values(await statuses(page, 'checks'))).toEqual(Array(8).fill('pass'));
  const [one, two] = data.exhibits as [ReportData['exhibits'][number], ReportData['exhibits'][number]];
  const detail = (id: string) => page.locator(`[data-testid="anchor-checks"] li[data-check="${id}"] .detail`);
  await expect(detail('anchor-entry')).toContainText(`the receipt is for entry ${two.deposition.index}, the report names entry ${one.deposition.index}`);
  await expect(detail('anchor-entry')).toContainText(`exhibit ${two.exhibitId}, the report names ${one.exhibitId}`);
  await expect(detail('anchor-file')).toContainText(`is not the one the report names: ${one.objects[0]!.sha256}`);
  await page.screenshot({ path: testInfo.outputPath('verifier-scan-mismatch.png'), fullPage: true });
});

test('a changed byte of the file fails the anchor file check and the receipt file check', async () => {
  const testInfo = test.info();
  const page = await open(testInfo, camera(anchorText, 'anchor-1'));
  await scanByKeyboard(page);
  const changed = content(1);
  changed[77] = changed[77]! ^ 1;
  await drop(page, 1, changed);
  await expect(page.locator('[data-testid="anchor-checks"] li[data-check="anchor-file"]')).toHaveAttribute('data-status', 'fail');
  expect(await statuses(page, 'anchor-checks')).toEqual({ 'anchor-file': 'fail', 'anchor-entry': 'pass', 'anchor-checkpoint': 'pass' });
  expect((await statuses(page, 'checks')).file).toBe('fail');
});

test('Escape stops a scan that finds nothing: the camera is released and focus returns to the button', async () => {
  const testInfo = test.info();
  const page = await open(testInfo, ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${writeBlankY4m(join(dir, 'blank.y4m'))}`]);
  await page.getByTestId('scan-start').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#scan-view')).toBeVisible();
  await expect(page.getByTestId('scan-cancel')).toBeFocused();
  await expect.poll(() => page.locator('#scan-video').evaluate((v: HTMLVideoElement) => v.videoWidth)).toBe(640);
  expect(await liveTracks(page)).toHaveLength(1);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('scan-status')).toContainText('Scanning stopped; the camera is off.');
  await expect(page.locator('#scan-view')).toBeHidden();
  await expect(page.getByTestId('scan-start')).toBeFocused();
  expect(await page.locator('#scan-video').evaluate((v: HTMLVideoElement) => v.srcObject)).toBeNull();
  expect(await liveTracks(page)).toEqual([]);
  await expect(page.getByTestId('anchor')).toBeHidden();
});

test('a denied camera permission and a missing camera each say so', async () => {
  const testInfo = test.info();
  const denied = await open(testInfo, ['--use-fake-device-for-media-stream', '--deny-permission-prompts']);
  await denied.getByTestId('scan-start').click();
  await expect(denied.getByTestId('scan-status')).toContainText('Camera permission was denied');
  await expect(denied.getByTestId('scan-status')).toHaveAttribute('data-kind', 'error');
  await expect(denied.getByTestId('scan-start')).toBeEnabled();
  await browser!.close();
  const none = await open(testInfo, ['--use-fake-ui-for-media-stream']);
  await none.getByTestId('scan-start').click();
  await expect(none.getByTestId('scan-status')).toContainText('No camera was found');
});

test('a malformed anchor is refused with its line named; a QR code with JSON is verified as a receipt', async () => {
  const testInfo = test.info();
  const bad = anchorText.replace(/^entry (\d+) /m, 'entry 0$1 ');
  const page = await open(testInfo, camera(bad, 'bad-anchor'));
  await scanByKeyboard(page);
  await expect(page.getByTestId('scan-status')).toContainText('The evidence anchor is malformed and was not used: anchor line 5: entry index');
  await expect(page.getByTestId('anchor')).toBeHidden();
  await browser!.close();
  const json = await open(testInfo, camera('{"format":"evidence-receipt","version":1}', 'json'));
  await scanByKeyboard(json);
  await expect(json.getByTestId('scan-status')).toContainText('Read a whole receipt from the QR code');
  await expect(json.locator('#checks li[data-check="format"]')).toHaveAttribute('data-status', 'fail');
  await expect(json.locator('#checks li[data-check="format"] .detail')).toHaveText('receipt needs origin, trust { logKey, witnessPolicy } and a context list');
});

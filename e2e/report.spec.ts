// The printed report, end to end: a real ledger folder → `evidence report` (headless Chromium) → PDF. Checks the
// text layer with pdftotext, saves a PNG of every page (both languages) for a person to look at, and loads the
// report HTML in Chromium with JavaScript ON to prove a record's markup runs nothing.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from '@playwright/test';
import { main } from '../app/cli/main';
import { buildReportData, loadLedgerFolder } from '../app/report/model';
import { renderReport } from '../app/report/render';
import { buildCaseLedger, type CaseLedger } from '../app/testing/case-ledger';

const XSS = '<img src=x onerror=alert(1)>';
let dir: string;
let ledger: CaseLedger;

// Playwright reads fixtures from a destructured first argument; these hooks use none.
// eslint-disable-next-line no-empty-pattern
test.beforeAll(async ({}, testInfo) => {
  test.skip(testInfo.project.name !== 'web', 'prints with headless Chromium; one project is enough');
  dir = mkdtempSync(join(tmpdir(), 'e2e-report-'));
  ledger = await buildCaseLedger({ dir: join(dir, 'node'), exhibits: 3, disposeEvery: 3, accesses: 1, description: (i) => (i === 2 ? XSS : `Item ${i}: 手机镜像 phone image`) });
});
test.afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

for (const lang of ['en', 'zh-CN', 'both'] as const) {
  // eslint-disable-next-line no-empty-pattern
  test(`report PDF (${lang}): case number and every SHA-256 in its text, a PNG of each page`, async ({}, testInfo) => {
    const out = join(dir, lang, 'report.pdf');
    const code = await main(['node', 'evidence', 'report', '--data', join(dir, 'node'), '--case', ledger.caseId, '--out', out, '--lang', lang]);
    expect(code).toBe(0);
    const text = execFileSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' });
    const data = buildReportData(await loadLedgerFolder(join(dir, 'node')), ledger.caseId);
    expect(text).toContain(ledger.caseId);
    for (const ex of data.exhibits) {
      expect(text).toContain(ex.exhibitId);
      for (const o of ex.objects) expect(text).toContain(o.sha256);
    }
    expect(text).toContain(XSS);
    expect(text).toMatch(lang === 'en' ? /Page 1 of \d+/ : /第\s*1\s*页\s*\/\s*共\s*\d+\s*页/);
    const pngDir = join('test-results', 'report-pages', lang);
    mkdirSync(pngDir, { recursive: true });
    execFileSync('pdftoppm', ['-r', '80', '-png', out, join(pngDir, 'page')]);
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [out], { encoding: 'utf8' }))![1]);
    expect(readdirSync(pngDir).filter((f) => f.endsWith('.png'))).toHaveLength(pages);
    testInfo.annotations.push({ type: 'pages', description: `${lang}: ${pages} pages in ${pngDir}` });
  });
}

test('a record holding markup prints as text and runs nothing, even with JavaScript on', async ({ page }) => {
  const data = buildReportData(await loadLedgerFolder(join(dir, 'node')), ledger.caseId);
  const r = await renderReport(data, { lang: 'en', generatedAt: new Date() });
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const requests: string[] = [];
  page.on('request', (req) => requests.push(req.url()));
  await page.setContent(r.html, { waitUntil: 'load' });
  await expect(page.getByText(XSS, { exact: true }).first()).toBeVisible();
  expect(await page.locator('img').count()).toBe(0);
  // Even injected markup could not run: the page's CSP forbids inline script.
  // (A string, so this Node-typed spec needs no DOM types.)
  const blocked = await page.evaluate(`(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__ran = true';
    document.body.append(s);
    return window.__ran === true;
  })()`);
  expect(blocked).toBe(false);
  expect(dialogs).toEqual([]);
  expect(requests.filter((u) => !u.startsWith('data:') && u !== 'about:blank')).toEqual([]);
});

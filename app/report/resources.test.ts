import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedFontCss } from './fonts';
import { builtReportResources, checkoutReportResources, ReportResourceError, stageReportResources } from './resources';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'report-resources-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('report resources', () => {
  it('stages the template and only the two font weights the report uses into out/report/', async () => {
    const out = join(dir, 'out');
    const copied = await stageReportResources(join(checkoutReportResources().templateDir, '..', '..'), out);
    const built = builtReportResources(out);
    expect((await readdir(built.templateDir)).sort()).toEqual(['report.css', 'report.html']);
    const fonts = await readdir(join(built.fontDir, 'files'));
    expect(fonts.every((f) => /-(400|700)-normal\.woff2$/.test(f))).toBe(true);
    expect(copied).toBe(2 + 2 + fonts.length);
    // The staged copy serves the same faces as the installed package: Latin and CJK, regular and bold.
    const text = 'Case 案件 Exhibit 证物';
    const [a, b] = await Promise.all([embeddedFontCss(text, built.fontDir), embeddedFontCss(text, checkoutReportResources().fontDir)]);
    expect(a.files).toEqual(b.files);
    expect(a.files.some((f) => f.endsWith('-700-normal.woff2'))).toBe(true);
  });

  it('says what to do when the font package is not installed', async () => {
    const bare = join(dir, 'bare');
    await mkdir(bare);
    await writeFile(join(bare, 'package.json'), '{}');
    expect(() => checkoutReportResources(bare)).toThrow(ReportResourceError);
    expect(() => checkoutReportResources(bare)).toThrow(/@fontsource\/noto-sans-sc is not installed .*npm install/);
  });

  it('names the missing font file when a build lacks it', async () => {
    await expect(embeddedFontCss('x', join(dir, 'nowhere'))).rejects.toThrow(/report font is missing: .*400\.css/);
  });
});

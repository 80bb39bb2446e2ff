// Where the report printer finds its files: the template and style sheet, the Noto Sans SC subsets it embeds, and
// the offline verifier copied beside each report. A checkout reads them where they live (assets/report/,
// node_modules/@fontsource/noto-sans-sc/, out/verifier/); the desktop build ships no node_modules, so every build
// stages them into out/report/ (stageReportResources, run by electron.vite.config.ts) and the app reads them
// there, inside app.asar once packaged.
import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EvidenceError } from '../common/errors';

export interface ReportResources {
  /** Folder with report.html and report.css. */
  templateDir: string;
  /** Folder of @fontsource/noto-sans-sc: 400.css, 700.css and files/*.woff2. */
  fontDir: string;
  /** The built single-file offline verifier. */
  verifier: string;
}

export class ReportResourceError extends EvidenceError<'REPORT_RESOURCES'> {
  override name = 'ReportResourceError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('REPORT_RESOURCES', message, options);
  }
}

/** The font weights the report uses (regular and bold); only these are staged. */
export const REPORT_FONT_WEIGHTS = [400, 700] as const;

const FONT_PACKAGE = '@fontsource/noto-sans-sc';

/** The repository root of this checkout (app/report/ is two levels down). */
const CHECKOUT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The files of a checkout at `root`: assets/report/, the installed font package, out/verifier/verifier.html. */
export function checkoutReportResources(root: string = CHECKOUT_ROOT): ReportResources {
  let css: string;
  try {
    css = createRequire(join(root, 'package.json')).resolve(`${FONT_PACKAGE}/400.css`);
  } catch (err) {
    throw new ReportResourceError(`${FONT_PACKAGE} is not installed under ${root}: the report cannot embed its font (run npm install there)`, { cause: err });
  }
  return { templateDir: join(root, 'assets', 'report'), fontDir: dirname(css), verifier: join(root, 'out', 'verifier', 'verifier.html') };
}

/** The files of a build folder (`out/` of a checkout, or out/ inside the packaged app.asar), as staged below. */
export function builtReportResources(outDir: string): ReportResources {
  return {
    templateDir: join(outDir, 'report', 'template'),
    fontDir: join(outDir, 'report', 'fonts', 'noto-sans-sc'),
    verifier: join(outDir, 'verifier', 'verifier.html'),
  };
}

/**
 * Copies the template and the two font weights of the checkout at `root` into `outDir`/report/ (the verifier is
 * written to `outDir`/verifier/ by `npm run build:verifier`). Returns the number of files copied.
 */
export async function stageReportResources(root: string, outDir: string): Promise<number> {
  const from = checkoutReportResources(root);
  const to = builtReportResources(outDir);
  const fontNames = (await readdir(join(from.fontDir, 'files'))).filter((f) => REPORT_FONT_WEIGHTS.some((w) => f.endsWith(`-${w}-normal.woff2`)));
  if (fontNames.length === 0) throw new ReportResourceError(`no ${REPORT_FONT_WEIGHTS.join('/')} woff2 files in ${join(from.fontDir, 'files')}: reinstall ${FONT_PACKAGE}`);
  await mkdir(to.templateDir, { recursive: true });
  await mkdir(join(to.fontDir, 'files'), { recursive: true });
  const copies: Array<[string, string]> = [
    ...['report.html', 'report.css'].map((f): [string, string] => [join(from.templateDir, f), join(to.templateDir, f)]),
    ...REPORT_FONT_WEIGHTS.map((w): [string, string] => [join(from.fontDir, `${w}.css`), join(to.fontDir, `${w}.css`)]),
    ...fontNames.map((f): [string, string] => [join(from.fontDir, 'files', f), join(to.fontDir, 'files', f)]),
  ];
  for (const [a, b] of copies) await copyFile(a, b);
  return copies.length;
}

/**
 * The built offline verifier as a file to export beside a report, or null when it is not built (`npm run
 * build:verifier`): the report is complete without it, so the caller warns and goes on.
 */
export async function readBuiltVerifier(path: string): Promise<{ name: string; bytes: Uint8Array } | null> {
  try {
    return { name: 'verifier.html', bytes: new Uint8Array(await readFile(path)) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

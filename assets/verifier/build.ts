// `npm run build:verifier`: bundles assets/verifier/verifier.ts (with app/proof's isomorphic receipt verifier)
// with esbuild and inlines it and the style sheet into verifier.html — one self-contained file, pinned by a CSP
// that allows exactly that script and style (by SHA-256) and no network at all. Output: out/verifier/verifier.html.
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { emptyTrustSlot } from '../../app/trust/embed';

const here = dirname(fileURLToPath(import.meta.url));
export const VERIFIER_OUT = resolve(here, '..', '..', 'out', 'verifier', 'verifier.html');

export class VerifierBuildError extends Error {
  override name = 'VerifierBuildError';
  readonly code = 'VERIFIER_BUILD';
}

const cspHash = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** Builds the single-file verifier and returns its text (written to `out` when given). */
export async function buildVerifier(out: string | undefined = VERIFIER_OUT): Promise<string> {
  const result = await build({
    entryPoints: [join(here, 'verifier.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
  });
  const js = result.outputFiles[0]!.text;
  // An inline script ends at the first "</script" (HTML §13.2.6.4.6), so the bundle must not contain one.
  if (/<\/script/i.test(js)) throw new VerifierBuildError('the bundled verifier contains "</script": it cannot be inlined as is');
  const css = await readFile(join(here, 'verifier.css'), 'utf8');
  if (/<\/style/i.test(css)) throw new VerifierBuildError('verifier.css contains "</style"');
  const csp = [
    "default-src 'none'",
    `script-src ${cspHash(js)}`,
    `style-src ${cspHash(css)}`,
    "connect-src 'none'",
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const page = (await readFile(join(here, 'verifier.html'), 'utf8'))
    .replace('__CSP__', () => csp)
    .replace('__STYLE__', () => css)
    .replace('__TRUST_SLOT__', () => emptyTrustSlot())
    .replace('__SCRIPT__', () => js);
  if (out) {
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, page);
  }
  return page;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const page = await buildVerifier();
  process.stdout.write(`verifier: ${VERIFIER_OUT} (${page.length} bytes, one file)\n`);
}

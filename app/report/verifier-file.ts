// The built offline verifier (out/verifier/verifier.html, `npm run build:verifier`), copied beside each exported
// report so the reader has the file, its receipt and the tool to check them together.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const VERIFIER_FILE = fileURLToPath(new URL('../../out/verifier/verifier.html', import.meta.url));

/** [verifier.html] when it is built, else [] (the report is still complete without it). */
export async function readVerifier(path = VERIFIER_FILE): Promise<Array<{ name: string; bytes: Uint8Array }>> {
  try {
    return [{ name: 'verifier.html', bytes: new Uint8Array(await readFile(path)) }];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

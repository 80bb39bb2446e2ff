// Worker threads start from built JavaScript: `npm run build` (bin/build-cli.mjs) bundles each worker's entry,
// with everything it imports, into one script in out/workers/ — nothing is compiled or bundled at run
// time. The file is found two folders above the running module: from the sources (app/<area>/*.ts, under vitest
// or tsx), from the built command line (out/cli/*.js) and from the Electron main bundle (out/main/index.js,
// also inside app.asar) alike, that is the checkout's or the app's root, whose out/workers/ holds the files.
// The worker is started from the file's text (`eval: true`), which Electron reads inside app.asar too.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EvidenceError } from '../common/errors';

/** The workers bin/build-cli.mjs builds, by the name of their file in out/workers/ (without `.cjs`). */
export type BuiltWorker = 'hash-worker' | 'audit-worker';

/** out/workers/ of this checkout or app. */
export const BUILT_WORKERS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'out', 'workers');

export class WorkerNotBuiltError extends EvidenceError<'WORKER_NOT_BUILT'> {
  override name = 'WorkerNotBuiltError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('WORKER_NOT_BUILT', message, options);
  }
}

const sources = new Map<BuiltWorker, string>();

/** The built worker's code, to start with `new Worker(code, { eval: true })`; read once per process. */
export function builtWorkerSource(name: BuiltWorker): string {
  let code = sources.get(name);
  if (code === undefined) {
    const file = join(BUILT_WORKERS_DIR, `${name}.cjs`);
    try {
      code = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      throw new WorkerNotBuiltError(`the ${name} thread is not built: ${file} is missing (run \`npm run build\`)`, { cause: err });
    }
    sources.set(name, code);
  }
  return code;
}

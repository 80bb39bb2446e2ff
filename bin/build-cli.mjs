#!/usr/bin/env node
// `npm run build:cli` (part of `npm run build`, which `npm install` and `npm ci` run through `prepare`): compiles
// the command line and the worker threads to JavaScript with esbuild, so nothing is compiled at run time.
//   out/cli/main.js       app/cli/main.ts and, in chunks of their own, the sub-commands it loads when they run
//                         (the servers too: node, witness, mirror, provider, web host); npm packages stay imports
//                         from node_modules. bin/evidence.mjs runs it.
//   out/workers/NAME.cjs  each worker thread's entry with everything it imports, npm packages included, as one
//                         script (the packaged app has no node_modules); found by app/workers/built.ts.
// Files are written only when their bytes change, each atomically, and files of an older build are removed, so
// a rebuild with unchanged sources touches nothing a running `evidence` may be reading.
// It is also vitest's global setup (vitest.config.ts): tests run the CLI and workers built from the sources.
import { build } from 'esbuild';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The worker threads (app/workers/built.ts names them): file name in out/workers/ → entry. */
export const WORKERS = {
  'hash-worker': 'app/intake/hash-worker.ts',
  'audit-worker': 'app/ledger/audit-worker.ts',
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  write: false,
  // Function and class names as in the sources (as tsx compiled them), whatever the bundle renames.
  keepNames: true,
  logLevel: 'silent',
};

/** Builds out/cli/ and out/workers/ of the checkout at `root`; resolves to the number of files written. */
export async function buildCli(root = ROOT) {
  const [cli, workers] = await Promise.all([
    build({
      ...common,
      absWorkingDir: root,
      entryPoints: { main: 'app/cli/main.ts' },
      outdir: join(root, 'out', 'cli'),
      format: 'esm',
      splitting: true,
      packages: 'external',
    }),
    build({
      ...common,
      absWorkingDir: root,
      entryPoints: WORKERS,
      outdir: join(root, 'out', 'workers'),
      // A function around the whole file: the worker runs it as a script in the global scope (`eval: true`),
      // where a top-level `var crypto` would not shadow the global webcrypto `crypto`.
      format: 'iife',
      outExtension: { '.js': '.cjs' },
    }),
  ]);
  const warnings = [...cli.warnings, ...workers.warnings];
  if (warnings.length > 0) {
    const text = warnings.map((w) => `${w.location ? `${w.location.file}:${w.location.line}: ` : ''}${w.text}`).join('\n');
    throw new Error(`build-cli: esbuild warned (a warning here is a bug in the built code):\n${text}`);
  }
  return (await sync(join(root, 'out', 'cli'), cli.outputFiles)) + (await sync(join(root, 'out', 'workers'), workers.outputFiles));
}

/** Makes `dir` hold exactly `files`: writes those whose bytes differ (temp file + rename), removes the rest. */
async function sync(dir, files) {
  await mkdir(dir, { recursive: true });
  let written = 0;
  for (const f of files) {
    const old = await readFile(f.path).catch((err) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (old !== undefined && Buffer.compare(old, f.contents) === 0) continue;
    const tmp = join(dirname(f.path), `.${randomBytes(6).toString('hex')}.tmp`);
    await writeFile(tmp, f.contents);
    await rename(tmp, f.path);
    written++;
  }
  // Both folders are flat (esbuild writes chunks beside their entry); another build's temp files are left alone.
  const keep = new Set(files.map((f) => relative(dir, f.path)));
  for (const name of await readdir(dir)) {
    if (!keep.has(name) && !name.endsWith('.tmp')) await rm(join(dir, name), { recursive: true, force: true });
  }
  return written;
}

/** vitest's global setup: build before any test runs. */
export async function setup() {
  await buildCli();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const t0 = performance.now();
  const written = await buildCli();
  console.log(`build-cli: out/cli/ and out/workers/ up to date (${written} file${written === 1 ? '' : 's'} written, ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

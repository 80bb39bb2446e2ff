// The audit worker's code (audit-worker.ts and everything it imports) as one CommonJS script, so a worker thread
// starts from it in tens of milliseconds; loading the same modules one by one through tsx's loader took ~0.7 s
// per worker (measured on 2 cores). esbuild (tsx's own compiler) builds it in ~0.1 s plus its service's start-up;
// the result is cached in node_modules/.cache/evidence-audit-worker/ with the size and mtime of every input
// file, and used again while none of them changed (like make), so an audit usually starts no compiler at all.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { writeFileAtomic } from '../fs/atomic';
import { StorageFaultError } from '../fs/errors';

const ENTRY = fileURLToPath(new URL('./audit-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'evidence-audit-worker');
/** One cache file per checkout (worktrees share node_modules). */
const CACHE_FILE = join(CACHE_DIR, `${createHash('sha256').update(ENTRY).digest('hex').slice(0, 16)}.json`);

const cacheSchema = z.strictObject({
  format: z.literal(1),
  entry: z.string(),
  /** [absolute path, size, mtimeMs] of every input of the bundle. */
  inputs: z.array(z.tuple([z.string(), z.number(), z.number()])),
  code: z.string(),
});
type Cache = z.infer<typeof cacheSchema>;

const errno = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | null)?.code;

/** Where a bundle comes from and where it is cached. */
export interface BundleTarget {
  /** The entry module (absolute path). */
  entry: string;
  /** esbuild's working directory: inputs are named relative to it. */
  workDir: string;
  cacheFile: string;
}

/** The cached bundle if every input still has the size and mtime it had when it was built. */
async function readCache(t: BundleTarget): Promise<string | undefined> {
  let text: string;
  try {
    text = await fs.readFile(t.cacheFile, 'utf8');
  } catch (err) {
    if (errno(err) === 'ENOENT') return undefined;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    if (err instanceof SyntaxError) return undefined; // written by an older format: rebuilt and replaced
    throw err;
  }
  const parsed = cacheSchema.safeParse(json);
  if (!parsed.success || parsed.data.entry !== t.entry) return undefined;
  const stats = await Promise.all(parsed.data.inputs.map(([path]) => fs.stat(path).catch((err: unknown) => {
    if (errno(err) === 'ENOENT') return undefined;
    throw err;
  })));
  for (const [i, [, size, mtimeMs]] of parsed.data.inputs.entries()) {
    const st = stats[i];
    if (!st || st.size !== size || st.mtimeMs !== mtimeMs) return undefined;
  }
  return parsed.data.code;
}

async function build(t: BundleTarget): Promise<string> {
  const esbuild = await import('esbuild');
  const out = await esbuild.build({
    entryPoints: [t.entry],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    write: false,
    metafile: true,
    absWorkingDir: t.workDir,
    logLevel: 'silent',
  });
  const code = out.outputFiles[0]!.text;
  const paths = Object.keys(out.metafile.inputs).map((p) => join(t.workDir, p)); // named relative to absWorkingDir
  const inputs: Cache['inputs'] = await Promise.all(paths.map(async (p) => {
    const st = await fs.stat(p);
    return [p, st.size, st.mtimeMs] as [string, number, number];
  }));
  try {
    await writeFileAtomic(t.cacheFile, JSON.stringify({ format: 1, entry: t.entry, inputs, code } satisfies Cache), { mode: 0o644, overwrite: true, mkdir: true });
  } catch (err) {
    // A read-only checkout still audits, it just builds the bundle every time.
    if (!(err instanceof StorageFaultError) && !['EACCES', 'EPERM'].includes(errno(err) ?? '')) throw err;
  }
  return code;
}

/** A bundle of `t.entry` as one CommonJS script: from its cache when current, else built and cached. */
export async function bundleCached(t: BundleTarget): Promise<string> {
  return (await readCache(t)) ?? build(t);
}

let source: Promise<string> | undefined;

/** The audit worker's code (once per process). */
export function auditWorkerSource(): Promise<string> {
  source ??= bundleCached({ entry: ENTRY, workDir: ROOT, cacheFile: CACHE_FILE });
  source.catch(() => (source = undefined));
  return source;
}

// What runs where: the browser-safe list in eslint.config.js must be closed. Every app/ module that the renderer or
// the offline verifier loads is on it, and no listed module loads one that is not (type-only imports are erased at
// build time and do not count). Lint then keeps Node built-ins out of every listed module.
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { browserSafe } from '../../eslint.config.js';

const root = process.cwd();

/** The few glob forms the list uses: `**`, `*` and `{a,b}`. */
function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      re += `(?:${glob.slice(i + 1, end).split(',').map((s) => s.replace(/[.+^$()|[\]\\]/g, '\\$&')).join('|')})`;
      i = end;
    } else re += c.replace(/[.+^$()|[\]\\?]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
const listed = (browserSafe as string[]).map(globToRegExp);
const isBrowserSafe = (file: string) => listed.some((r) => r.test(file));

/** The relative modules a file loads at run time (import/export … from, import()), resolved to files. */
function valueImports(file: string): string[] {
  const src = readFileSync(join(root, file), 'utf8');
  const specs = [
    ...[...src.matchAll(/^\s*(?:import|export)\s+(?!type\s)[^;]*?\bfrom\s*['"]([^'"]+)['"]/gms)].map((m) => m[1]!),
    ...[...src.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm)].map((m) => m[1]!),
    ...[...src.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!),
  ];
  const out: string[] = [];
  for (const s of specs) {
    if (!s.startsWith('.')) continue;
    const base = resolve(root, dirname(file), s);
    const hit = [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((c) => /\.tsx?$/.test(c) && existsSync(c));
    if (hit) out.push(relative(root, hit));
  }
  return out;
}

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f) && !/\.(test|spec)\./.test(f) && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f));
}

function reached(entries: string[]): Map<string, string> {
  const from = new Map<string, string>();
  const todo = entries.map((e) => [e, e] as const);
  const seen = new Set<string>();
  while (todo.length > 0) {
    const [file, via] = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (file.startsWith('app/')) from.set(file, via);
    for (const next of valueImports(file)) todo.push([next, file]);
  }
  return from;
}

describe('browser-safe modules (eslint.config.js browserSafe)', () => {
  // The offline verifier's page scripts; build.ts is the Node script that bundles them.
  const browserEntries = [...sources('renderer/src'), ...sources('assets/verifier').filter((f) => !f.endsWith('build.ts'))];

  it('lists every app/ module the renderer or the offline verifier loads', () => {
    const graph = reached(browserEntries);
    expect(graph.size).toBeGreaterThan(5);
    const missing = [...graph].filter(([file]) => !isBrowserSafe(file)).map(([file, via]) => `${file} (loaded by ${via})`);
    expect(missing).toEqual([]);
  });

  it('lists no module that loads a Node-only app/ module', () => {
    const listedFiles = sources('app').filter(isBrowserSafe);
    expect(listedFiles.length).toBeGreaterThan(10);
    const leaks = listedFiles.flatMap((f) => valueImports(f).filter((t) => t.startsWith('app/') && !isBrowserSafe(t)).map((t) => `${f} -> ${t}`));
    expect(leaks).toEqual([]);
  });

  it('lint refuses a Node built-in in a listed module, and allows it in a Node-only one', async () => {
    const eslint = new ESLint({ cwd: root });
    const lint = async (filePath: string, code: string) =>
      ((await eslint.lintText(code, { filePath }))[0]?.messages ?? []).filter((m) => m.ruleId?.includes('no-restricted')).map((m) => m.message);
    expect(await lint('app/ledger/merkle.ts', "import { createHash } from 'node:crypto';\nexport const a = createHash;\n")).not.toEqual([]);
    expect(await lint('app/proof/receipt.ts', "export const a = import('node:fs');\n")).not.toEqual([]);
    expect(await lint('app/contract/x.ts', "import { readFile } from 'fs';\nexport const a = readFile;\n")).not.toEqual([]);
    expect(await lint('app/ledger/sequencer.ts', "import { createHash } from 'node:crypto';\nexport const a = createHash;\n")).toEqual([]);
  });
});

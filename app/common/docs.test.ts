// The repository carries what it cites: every Markdown document named in the code, the UI or the README
// exists in the repository, and nothing reads from outside it (the project's shared folder is not shipped).
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'testdata') return [];
    return statSync(p).isDirectory() ? files(p) : /\.(ts|tsx|mjs|js|css|html)$/.test(name) ? [p] : [];
  });
}

const sources = [...['app', 'electron', 'renderer', 'assets', 'bench', 'e2e', 'bin'].flatMap((d) => files(join(ROOT, d))), join(ROOT, 'README.md')];
const text = new Map(sources.map((f) => [relative(ROOT, f), readFileSync(f, 'utf8')]));

describe('documents the repository cites', () => {
  it('exist in the repository', () => {
    const missing: string[] = [];
    for (const [file, t] of text) {
      for (const m of t.matchAll(/(?<![\w/.-])((?:[\w-]+\/)*[A-Za-z][\w-]*\.md)\b/g)) {
        const cited = m[1]!;
        // A path from the repository's root, or from the citing file's folder.
        if (!existsSync(join(ROOT, cited)) && !existsSync(join(ROOT, dirname(file), cited))) missing.push(`${file}: ${cited}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('cites the formats and the design under docs/', () => {
    for (const doc of ['docs/RECORDS.md', 'docs/RECEIPT.md', 'docs/DESIGN.md', 'docs/ARCHITECTURE.md']) expect(existsSync(join(ROOT, doc)), doc).toBe(true);
  });

  it('reads nothing from outside the repository', () => {
    const outside = [...text].filter(([, t]) => /\/work\/shared|\.\.\/shared\//.test(t)).map(([f]) => f);
    expect(outside).toEqual([]);
  });
});

// The browser verifies with noble: envelope.ts and everything it imports must stay free of Node built-ins
// (node:crypto is reached only through bulk-verify.ts, which callers inject).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function importsOf(file: string): string[] {
  const src = readFileSync(join(here, file), 'utf8');
  return [...src.matchAll(/^\s*import\s[^'"]*['"]([^'"]+)['"]/gm), ...src.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
}

function closure(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    const specs = importsOf(file);
    seen.set(file, specs);
    for (const s of specs) if (s.startsWith('./')) todo.push(`${s.slice(2)}.ts`);
  }
  return seen;
}

describe('isomorphic crypto modules', () => {
  it.each(['envelope.ts', 'signer.ts', 'ed25519.ts'])('%s and its imports use no Node built-ins', (entry) => {
    const graph = closure(entry);
    expect(graph.size).toBeGreaterThan(1);
    const offenders = [...graph].flatMap(([file, specs]) => specs.filter((s) => builtins.has(s)).map((s) => `${file} imports ${s}`));
    expect(offenders).toEqual([]);
  });

  it('the check itself sees node:crypto in bulk-verify.ts', () => {
    expect(importsOf('bulk-verify.ts')).toContain('node:crypto');
  });
});

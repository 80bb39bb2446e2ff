// Every visible string exists in both languages: the two resource files have the same keys, no empty values, the
// same {{placeholders}}, and every literal t('…') key used in the renderer's source exists.
import { describe, expect, it } from 'vitest';
import en from './en.json';
import zh from './zh-CN.json';

type Tree = { [k: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const enKeys = flatten(en as Tree);
const zhKeys = flatten(zh as Tree);
const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

// The renderer's own source text, through the bundler (the renderer may not import Node built-ins).
const sources = import.meta.glob(['../**/*.ts', '../**/*.tsx', '!../**/*.test.ts', '!../**/*.test.tsx'], {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

describe('i18n resources', () => {
  it('have the same keys in English and Chinese', () => {
    expect([...zhKeys.keys()].sort()).toEqual([...enKeys.keys()].sort());
  });
  it('have no empty strings and the same placeholders', () => {
    for (const [k, v] of enKeys) {
      expect(v.trim(), k).not.toBe('');
      const z = zhKeys.get(k) ?? '';
      expect(z.trim(), k).not.toBe('');
      expect(placeholders(z), k).toEqual(placeholders(v));
    }
  });
  it('translate every literal key the renderer uses', () => {
    const missing: string[] = [];
    let found = 0;
    expect(Object.keys(sources).length).toBeGreaterThan(10);
    for (const [file, text] of Object.entries(sources)) {
      for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z][\w-]*(?:\.[\w-]+)+)'/g)) {
        const key = m[1] ?? '';
        found += 1;
        if (!enKeys.has(key)) missing.push(`${file}: ${key}`);
      }
    }
    expect(found).toBeGreaterThan(50);
    expect(missing).toEqual([]);
  });
});

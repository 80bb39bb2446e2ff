// Every visible string exists in both languages: the two resource files have the same keys, no empty values, the
// same {{placeholders}}, and every literal t('…') key used in the renderer's source exists.
import { describe, expect, it } from 'vitest';
import en from './en.json';
import zh from './zh-CN.json';
import { AdapterErrorCode } from '../../../app/contract/api';
import { hostErrorCodes, hostTextCodes, intakeItemErrorCodes } from '../../../app/contract/codes';
import i18next, { errorText, hostText } from './index';

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
  it('say every code the host may send in Chinese and English, with the values it sends', () => {
    const untranslated: string[] = [];
    const wanted = [
      ...hostErrorCodes.map((c) => `errors.${c}`),
      ...Object.values(AdapterErrorCode).map((c) => `errors.${c}`),
      ...hostTextCodes.map((c) => `hostText.${c}`),
      ...intakeItemErrorCodes.map((c) => `intakeError.${c}`),
    ];
    for (const key of wanted) {
      if (!zhKeys.has(key)) untranslated.push(`zh-CN ${key}`);
      if (!enKeys.has(key)) untranslated.push(`en ${key}`);
    }
    expect(untranslated).toEqual([]);
  });
  it('never let an error code through the host, the web host or the desktop shell that the contract does not list', () => {
    const listed = new Set<string>([...hostErrorCodes, ...Object.values(AdapterErrorCode)]);
    const hostSources = import.meta.glob(['../../../app/host/**/*.ts', '../../../app/web/**/*.ts', '../../../electron/**/*.ts', '!../../../**/*.test.ts'], { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
    expect(Object.keys(hostSources).length).toBeGreaterThan(5);
    const stray: string[] = [];
    for (const [file, text] of Object.entries(hostSources)) {
      for (const m of text.matchAll(/(?:HostError\(|super\(|fail\(|code: |code = |\?\? )\s*'([A-Z][A-Z0-9_]+)'/g)) if (!listed.has(m[1]!)) stray.push(`${file}: ${m[1]}`);
    }
    expect(stray).toEqual([]);
  });
  it('put the host values into the words, and fall back to the host message when a value is missing', async () => {
    await i18next.changeLanguage('zh-CN');
    try {
      expect(errorText({ code: 'EXHIBIT_EXISTS', message: 'Exhibit number X-1 is already used.', params: { exhibitId: 'X-1' } })).toBe('证物编号 X-1 已用于其他内容。请为每件证物设置不同的编号。');
      expect(errorText({ code: 'NETWORK_NOT_CONFIGURED', message: 'm', params: { missing: 'ledgerUrl,logKey' } })).toContain('账本节点地址、固定的账本密钥');
      expect(errorText({ code: 'EXHIBIT_EXISTS', message: 'Exhibit number X-1 is already used.' })).toBe('工作站返回（英文）：Exhibit number X-1 is already used.');
      expect(errorText({ code: 'NO_SUCH_CODE', message: 'odd' })).toBe('工作站返回（英文）：odd');
      expect(hostText({ code: 'sync.nodeUnreachable', params: { url: 'http://127.0.0.1:1', problem: 'timeout' } }, 'english')).toBe('账本节点 http://127.0.0.1:1 没有响应：timeout');
      expect(hostText({ code: 'sync.unknownThing', params: {} }, 'english')).toBe('english');
    } finally {
      await i18next.changeLanguage('en');
    }
  });
});

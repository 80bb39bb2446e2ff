// react-i18next with every visible string in English and Simplified Chinese. The language follows the host's
// settings (settings.language), so it is the same in every window and after a restart.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import zhCN from './zh-CN.json';
import type { Language } from '../../../app/contract/api';

export const resources = { en: { translation: en }, 'zh-CN': { translation: zhCN } } as const;

void i18next.use(initReactI18next).init({
  resources,
  lng: 'en',
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
});

export function applyLanguage(language: Language): void {
  if (i18next.language !== language) void i18next.changeLanguage(language);
  document.documentElement.lang = language;
}

export default i18next;

/** The {{placeholders}} of a translation. */
function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1] ?? '');
}

/** Says `key` with `values` when every placeholder it uses has a value; undefined otherwise. */
function sayWith(key: string, values: Record<string, string>): string | undefined {
  if (!i18next.exists(key)) return undefined;
  const raw: unknown = i18next.getResource(i18next.language, 'translation', key) ?? i18next.getResource('en', 'translation', key);
  if (typeof raw !== 'string' || !placeholders(raw).every((p) => values[p] !== undefined)) return undefined;
  return i18next.t(key, values);
}

/** Host values that name settings fields (`missing: "ledgerUrl,logKey"`) are said by their Settings labels. */
function localValues(params: Record<string, string> | undefined): Record<string, string> {
  const out = { ...params };
  if (out.missing !== undefined) {
    const sep = i18next.language === 'zh-CN' ? '、' : ', ';
    out.missing = out.missing
      .split(',')
      .filter(Boolean)
      .map((k) => (i18next.exists(`settings.${k}`) ? i18next.t(`settings.${k}`) : k))
      .join(sep);
  }
  return out;
}

/**
 * The words for a host error in the UI's language: the translation of its code with the host's values
 * (app/contract/codes.ts lists every code; the i18n test checks each is translated), else the host's own
 * message, introduced as such in Chinese.
 */
export function errorText(error: { code: string; message: string; params?: Record<string, string> | undefined }): string {
  return sayWith(`errors.${error.code}`, { ...localValues(error.params), message: error.message }) ?? i18next.t('errors.fromHost', { message: error.message });
}

/** A status text the host sent as a code and values (sync reasons, fork alarms), else its English words. */
export function hostText(text: { code: string; params: Record<string, string> } | null | undefined, fallback?: string | null): string | null {
  if (text) {
    const said = sayWith(`hostText.${text.code}`, localValues(text.params));
    if (said !== undefined) return said;
  }
  return fallback ?? null;
}

// The UI's words for what the host says in codes (errors, status texts), and for a failure a store holds. Plain
// i18next, no React, so the feature stores (renderer/src/stores) may use it; index.ts sets i18next up.
import i18next from 'i18next';

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

/** A failure as the stores keep it: the host's error (said in the language shown when drawn), or plain words. */
export type Failure = { code: string; message: string; params?: Record<string, string> | undefined } | string;

/** The words for a failure kept by a store. */
export function failureText(failure: Failure): string {
  return typeof failure === 'string' ? failure : errorText(failure);
}

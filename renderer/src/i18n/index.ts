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

/**
 * The words for a host error in the UI's language: a translation of its code when we have one (the host speaks
 * English), else the host's own message, introduced as such in Chinese.
 */
export function errorText(error: { code: string; message: string }): string {
  const key = `errors.${error.code}`;
  if (i18next.exists(key)) return i18next.t(key, { message: error.message, command: /evidence member enroll [^—]*/.exec(error.message)?.[0]?.trim() ?? error.message });
  return i18next.t('errors.fromHost', { message: error.message });
}

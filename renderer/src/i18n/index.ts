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

export { errorText, failureText, hostText, type Failure } from './text';

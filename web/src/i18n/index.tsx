import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { enUS } from './en-US';
import { zhCN, type MessageKey, type Messages } from './zh-CN';

export type { MessageKey } from './zh-CN';
export type Locale = 'zh-CN' | 'en-US';
export type Vars = Record<string, string | number>;
export type Translate = (key: MessageKey, vars?: Vars) => string;

export const LOCALES: Record<Locale, Messages> = { 'zh-CN': zhCN, 'en-US': enUS };
/** Where the language choice is remembered (it works before signing in, so it is not a user setting). */
export const LOCALE_STORAGE_KEY = 'lianfang.locale';

export function storedLocale(): Locale {
  try {
    const v = window.localStorage.getItem(LOCALE_STORAGE_KEY);
    if (v === 'zh-CN' || v === 'en-US') return v;
  } catch {
    // Storage refused (privacy mode): the default language is the answer.
  }
  return 'zh-CN';
}

/** `{name}` in the text is replaced by vars.name; an unknown placeholder stays visible rather than vanish. */
export function translate(locale: Locale, key: MessageKey, vars?: Vars): string {
  const text = LOCALES[locale][key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** A text the API gives in both languages (taxonomy names, rule rationales). */
export interface Bilingual {
  zh: string;
  en: string;
}

interface I18nValue {
  locale: Locale;
  setLocale: (locale: Locale) => void;
  t: Translate;
  /** Picks the language of an API-provided bilingual text. */
  pick: (text: Bilingual) => string;
}

const I18nContext = createContext<I18nValue | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(storedLocale);
  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    try {
      window.localStorage.setItem(LOCALE_STORAGE_KEY, next);
    } catch {
      // Not remembered, still switched.
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const value = useMemo<I18nValue>(
    () => ({
      locale,
      setLocale,
      t: (key, vars) => translate(locale, key, vars),
      pick: (text) => (locale === 'zh-CN' ? text.zh : text.en),
    }),
    [locale, setLocale],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18nValue {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}

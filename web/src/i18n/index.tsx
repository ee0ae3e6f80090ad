import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { setApiLanguage } from '../lib/api';
import en from './en';
import id, { type Dict } from './id';

export type Lang = 'id' | 'en';
export type { Dict };

const DICTIONARIES: Record<Lang, Dict> = { id, en };
const STORAGE_KEY = 'mercusuar.lang';

/** The saved choice, else Indonesian: the product's first language, whatever the browser says. */
export function initialLang(): Lang {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem(STORAGE_KEY);
  } catch {
    // storage blocked (private mode): fall back to Indonesian
  }
  return saved === 'en' ? 'en' : 'id';
}

interface I18nValue {
  lang: Lang;
  t: Dict;
  setLang(lang: Lang): void;
}

const I18nContext = createContext<I18nValue | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => {
    const l = initialLang();
    setApiLanguage(l);
    return l;
  });
  useEffect(() => {
    document.documentElement.lang = lang;
    setApiLanguage(lang);
  }, [lang]);
  const setLang = useCallback((l: Lang) => {
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      // not persisted; the choice still holds for this page
    }
    setLangState(l);
  }, []);
  const value = useMemo(() => ({ lang, t: DICTIONARIES[lang], setLang }), [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18nValue {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}

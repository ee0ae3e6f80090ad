import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { setApiLanguage } from '../lib/api';
import id, { type Dict } from './id';

export type Lang = 'id' | 'en';
export type { Dict };

/**
 * Indonesian is in the entry; English is its own chunk, fetched the first time it is chosen, so
 * that the many readers who never switch do not download it (bench/web-bundle).
 */
const DICTIONARIES: Partial<Record<Lang, Dict>> = { id };
const STORAGE_KEY = 'mercusuar.lang';

/** Makes a language's texts available (fetches the English chunk once). */
export async function loadDictionary(lang: Lang): Promise<void> {
  if (!DICTIONARIES[lang]) DICTIONARIES[lang] = (await import('./en')).default;
}

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
  /** Switches once the language's texts are loaded. */
  setLang(lang: Lang): Promise<void>;
}

const I18nContext = createContext<I18nValue | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  // main.tsx loads the saved language before the first render; should that have failed
  // (offline), the app starts in Indonesian.
  const [lang, setLangState] = useState<Lang>(() => {
    const l = DICTIONARIES[initialLang()] ? initialLang() : 'id';
    setApiLanguage(l);
    return l;
  });
  useEffect(() => {
    document.documentElement.lang = lang;
    setApiLanguage(lang);
  }, [lang]);
  const setLang = useCallback(async (l: Lang) => {
    try {
      await loadDictionary(l);
    } catch {
      return; // the English chunk could not be fetched (offline): stay in the current language
    }
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      // not persisted; the choice still holds for this page
    }
    setLangState(l);
  }, []);
  const value = useMemo(() => ({ lang, t: DICTIONARIES[lang]!, setLang }), [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18nValue {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}

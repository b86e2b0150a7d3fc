import { dirOf, type Translator } from '../../i18n.ts';

export type NoticeParams = Record<string, string | number>;

/**
 * Wording of the messages sent to a resident outside a turn (reminders, seat offers,
 * status notices), from locales/<language>/notices.json. Injected so the domain needs
 * neither the engine nor the file system.
 */
export interface Notices {
  /** The language a resident's notices are written in: theirs if we have its wording, else the fallback. */
  languageFor(locale: string): string;
  translate(locale: string, key: string, params?: NoticeParams): string;
  /** A list (words a resident may type) in one language; empty when absent. */
  list?(locale: string, key: string): string[];
}

/** Notices in one resident's language, with the `locale` and `dir` every reply carries. */
export interface NoticeWriter {
  locale: string;
  dir: 'ltr' | 'rtl';
  t(key: string, params?: NoticeParams): string;
  /** A list of words in the resident's language (e.g. `answers.allWords`); empty when absent. */
  list?(key: string): string[];
}

export function noticeWriter(notices: Notices, residentLocale: string): NoticeWriter {
  const locale = notices.languageFor(residentLocale);
  return { locale, dir: dirOf(locale), t: (key, params) => notices.translate(locale, key, params), list: (key) => notices.list?.(locale, key) ?? [] };
}

/**
 * Notices backed by a Translator. Pass a getter to follow the live flow set, whose
 * translator is rebuilt when flows and locales are reloaded.
 */
export function noticesFromTranslator(source: Translator | (() => Translator), fallbackLng = 'en'): Notices {
  const get = typeof source === 'function' ? source : () => source;
  return {
    languageFor: (locale) => {
      const languages = get().languages;
      if (languages.includes(locale)) return locale;
      const base = locale.split('-')[0]!;
      return languages.includes(base) ? base : fallbackLng;
    },
    translate: (locale, key, params = {}) => String(get().t(locale)(key, params)),
    list: (locale, key) => get().list(locale, key),
  };
}

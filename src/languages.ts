/**
 * The languages Anchorline speaks (issue 14): Birmingham's main languages after English in the
 * 2021 census (../shared/data/census2021_ts024_main_language*). Adding one means a folder
 * `locales/<code>/` with every wording file, a safeguarding list `flows/safeguarding/<code>.yaml`,
 * a choice on the `language` step of flows/main.flow.yaml, and an entry here.
 *
 * Panjabi written in Shahmukhi (Arabic script, `pa-Arab`) is not a separate wording: residents who
 * write it are answered in Urdu, whose script and written standard they share (docs/languages.md).
 */
export type Script = 'Latn' | 'Arab' | 'Guru' | 'Beng';

export interface Language {
  /** BCP 47 code used for the locale folder, the conversation's locale and `lang` attributes. */
  code: string;
  /** The name in English (logs, the studio, CLI output). */
  english: string;
  /** The name in the language itself: what residents see on buttons and in the widget's menu. */
  endonym: string;
  dir: 'ltr' | 'rtl';
  script: Script;
  /** Web Chat's own locale when its bundle has the language; otherwise our strings (locales/<code>/widget.json). */
  webchatLocale?: string;
}

export const LANGUAGES: readonly Language[] = Object.freeze([
  { code: 'en', english: 'English', endonym: 'English', dir: 'ltr', script: 'Latn', webchatLocale: 'en-GB' },
  { code: 'ur', english: 'Urdu', endonym: 'اردو', dir: 'rtl', script: 'Arab' },
  { code: 'pa', english: 'Panjabi', endonym: 'ਪੰਜਾਬੀ', dir: 'ltr', script: 'Guru' },
  { code: 'bn', english: 'Bengali', endonym: 'বাংলা', dir: 'ltr', script: 'Beng' },
  { code: 'ar', english: 'Arabic', endonym: 'العربية', dir: 'rtl', script: 'Arab', webchatLocale: 'ar-SA' },
  { code: 'ro', english: 'Romanian', endonym: 'Română', dir: 'ltr', script: 'Latn', webchatLocale: 'ro-RO' },
  { code: 'pl', english: 'Polish', endonym: 'Polski', dir: 'ltr', script: 'Latn', webchatLocale: 'pl-PL' },
  { code: 'so', english: 'Somali', endonym: 'Soomaali', dir: 'ltr', script: 'Latn' },
] as const satisfies Language[]);

export const LANGUAGE_CODES: readonly string[] = LANGUAGES.map((l) => l.code);

const byCode = new Map(LANGUAGES.map((l) => [l.code, l]));

/**
 * Tags (lower case) answered in another of our languages: Panjabi in Shahmukhi (`pa-Arab`, and
 * `pa-PK`, Pakistan's Panjabi) is read by its readers in Urdu (docs/languages.md). A tag matches
 * when it is the alias or starts with it and a hyphen (`pa-Arab-PK`). The widget gets this table
 * in its config, so the two resolutions cannot drift.
 */
export const LANGUAGE_ALIASES: Readonly<Record<string, string>> = Object.freeze({ 'pa-arab': 'ur', 'pa-pk': 'ur' });

/** The registry entry for a code (`ur`, `ur-PK` → Urdu; `pa-Arab`, `pa-PK` → Urdu); undefined for a language we do not speak. */
export function languageOf(code: string | undefined | null): Language | undefined {
  if (!code) return undefined;
  const lower = code.toLowerCase();
  for (const [tag, to] of Object.entries(LANGUAGE_ALIASES)) if (lower === tag || lower.startsWith(`${tag}-`)) return byCode.get(to);
  return byCode.get(code) ?? byCode.get(lower.split('-')[0]!);
}

/** Orders language codes as the registry lists them (English first); codes it does not know come last, by code. */
export function compareLanguages(a: string, b: string): number {
  const ia = LANGUAGE_CODES.indexOf(a);
  const ib = LANGUAGE_CODES.indexOf(b);
  if (ia >= 0 && ib >= 0) return ia - ib;
  if (ia >= 0 || ib >= 0) return ia >= 0 ? -1 : 1;
  return a.localeCompare(b);
}

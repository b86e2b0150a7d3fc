import { existsSync } from 'node:fs';
import { createTranslator, loadLocales, type Translator } from '../../../i18n.ts';
import { LANGUAGES, type Language } from '../../../languages.ts';
import { fontOf } from './fontRoutes.ts';

/** The widget's own words (locales/<lng>/widget.json, key `widget`). `{partner}` in a title is the partner's name. */
export const WIDGET_KEYS = ['launcher', 'title', 'language', 'close', 'connecting', 'unavailable'] as const;
export type WidgetKey = (typeof WIDGET_KEYS)[number];

export type WidgetStrings = Record<WidgetKey, string> & {
  /** Web Chat's own strings by its string id, for languages its bundle lacks (absent: Web Chat's English). */
  webchat?: Record<string, string>;
};

/** What the widget's script is told about each language it offers. */
export interface WidgetLanguage {
  code: string;
  /** The endonym: what residents see in the menu. */
  label: string;
  dir: 'ltr' | 'rtl';
  /** The locale Web Chat is given: one of its bundles, else the language's code (dates, numbers). */
  webchatLocale: string;
  /** The web font the chat is drawn in (null: the system font). */
  font: string | null;
  lineHeight: number | null;
}

type Tree = Record<string, unknown>;
const isTree = (v: unknown): v is Tree => !!v && typeof v === 'object' && !Array.isArray(v);

function widgetTree(t: Translator | undefined, lng: string): Tree | undefined {
  if (!t?.languages.includes(lng)) return undefined;
  const w = (t.i18n.getResourceBundle(lng, 'translation') as Tree | undefined)?.widget;
  return isTree(w) ? w : undefined;
}

/**
 * The widget's wording in one language: each string from the live wording in that language, else
 * the live English, else the folders' (a live release published before the widget's words were
 * wording files has none), never a blank. Web Chat's strings: the language's own only (Web Chat's
 * English fills any gap).
 */
export function widgetStrings(lng: string, live: Translator | undefined, disk: Translator | undefined): WidgetStrings {
  const sources = [widgetTree(live, lng), widgetTree(live, 'en'), widgetTree(disk, lng), widgetTree(disk, 'en')];
  const out = {} as WidgetStrings;
  for (const key of WIDGET_KEYS) {
    const found = sources.map((s) => s?.[key]).find((v): v is string => typeof v === 'string' && v.trim() !== '');
    if (found === undefined) throw new Error(`locales/en/widget.json: widget.${key} is missing (the widget's own words)`);
    out[key] = found;
  }
  const own = widgetTree(live, lng) ?? widgetTree(disk, lng);
  if (isTree(own?.webchat)) {
    const webchat = Object.fromEntries(Object.entries(own.webchat).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].trim() !== ''));
    if (Object.keys(webchat).length) out.webchat = webchat;
  }
  return out;
}

/** A registry language as the widget's script needs it. */
export function widgetLanguage(l: Language): WidgetLanguage {
  const font = fontOf(l);
  return { code: l.code, label: l.endonym, dir: l.dir, webchatLocale: l.webchatLocale ?? l.code, font: font?.family ?? null, lineHeight: font?.lineHeight ?? null };
}

/**
 * The languages offered: `wanted` (the live languages, in registry order) or, by default, every
 * registry language that has a wording folder. Throws on a code the registry does not have.
 */
export function offeredLanguages(wanted: ReadonlyArray<string | { code: string }> | undefined, withWording: ReadonlySet<string>): Language[] {
  if (!wanted) return LANGUAGES.filter((l) => withWording.has(l.code));
  const codes = new Set(wanted.map((w) => (typeof w === 'string' ? w : w.code)));
  const unknown = [...codes].filter((c) => !LANGUAGES.some((l) => l.code === c));
  if (unknown.length) throw new Error(`widget languages: ${unknown.map((c) => `"${c}"`).join(', ')} not in src/languages.ts (known: ${LANGUAGES.map((l) => l.code).join(', ')})`);
  if (!codes.size) throw new Error('widget languages: at least one language must be offered');
  return LANGUAGES.filter((l) => codes.has(l.code));
}

/** The wording folders, read once (the fallback under the live wording, and the wording when none is given). */
export function diskWording(localesDir: string): () => Promise<Translator | undefined> {
  let loading: Promise<Translator | undefined> | undefined;
  return () => {
    loading ??= existsSync(localesDir) ? loadLocales(localesDir).then((r) => createTranslator(r)) : Promise.resolve(undefined);
    return loading;
  };
}

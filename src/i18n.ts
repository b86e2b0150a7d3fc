import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import i18next, { type i18n, type TFunction } from 'i18next';
import { LANGUAGES } from './languages.ts';

export type Resources = Record<string, Record<string, unknown>>;

/** Languages written right to left (src/languages.ts). */
export const RTL = new Set(LANGUAGES.filter((l) => l.dir === 'rtl').map((l) => l.code));
export const dirOf = (lng: string): 'ltr' | 'rtl' => (RTL.has(lng.split('-')[0]!) ? 'rtl' : 'ltr');

export class LocaleError extends Error {
  readonly code = 'locale_invalid';
}

function merge(into: Record<string, unknown>, from: Record<string, unknown>, file: string, prefix = ''): void {
  for (const [k, v] of Object.entries(from)) {
    const existing = into[k];
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      if (existing !== undefined && (typeof existing !== 'object' || Array.isArray(existing))) {
        throw new LocaleError(`${file}: key ${prefix}${k} is defined twice`);
      }
      into[k] ??= {};
      merge(into[k] as Record<string, unknown>, v as Record<string, unknown>, file, `${prefix}${k}.`);
    } else {
      if (existing !== undefined) throw new LocaleError(`${file}: key ${prefix}${k} is defined twice`);
      into[k] = v;
    }
  }
}

/** Builds one resource tree per language from its JSON files' texts (`[[file, text], …]` by language). */
export function resourcesFromTexts(byLanguage: ReadonlyMap<string, ReadonlyArray<readonly [string, string]>>): Resources {
  const out: Resources = {};
  for (const [lng, files] of [...byLanguage].sort(([a], [b]) => a.localeCompare(b))) {
    out[lng] = {};
    for (const [file, text] of files) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (err) {
        throw new LocaleError(`${file}: not valid JSON (${(err as Error).message})`);
      }
      if (!json || typeof json !== 'object' || Array.isArray(json)) throw new LocaleError(`${file}: must be a JSON object`);
      merge(out[lng], json as Record<string, unknown>, file);
    }
  }
  return out;
}

/** Reads `locales/<lng>/*.json` into one resource tree per language. */
export async function loadLocales(dir: string): Promise<Resources> {
  const byLanguage = new Map<string, Array<[string, string]>>();
  for (const lng of (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    const files: Array<[string, string]> = [];
    // `_status.json` (translation status, src/translations) is not wording.
    for (const f of (await readdir(path.join(dir, lng))).filter((x) => x.endsWith('.json') && !x.startsWith('_')).sort()) {
      const file = path.join(dir, lng, f);
      files.push([file, await readFile(file, 'utf8')]);
    }
    byLanguage.set(lng, files);
  }
  return resourcesFromTexts(byLanguage);
}

/** Flat key list (`a.b.c`); arrays count as one key (lists of synonyms and phrases). */
export function flatKeys(tree: Record<string, unknown>, prefix = ''): Set<string> {
  const out = new Set<string>();
  for (const [k, v] of Object.entries(tree)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) for (const x of flatKeys(v as Record<string, unknown>, `${prefix}${k}.`)) out.add(x);
    else out.add(`${prefix}${k}`);
  }
  return out;
}

export interface Translator {
  i18n: i18n;
  languages: string[];
  t(lng: string): TFunction;
  /** A list (synonyms, phrases) in one language; empty when the key is absent. */
  list(lng: string, key: string): string[];
}

export async function createTranslator(resources: Resources, fallbackLng = 'en'): Promise<Translator> {
  const inst = i18next.createInstance();
  await inst.init({
    resources: Object.fromEntries(Object.entries(resources).map(([l, r]) => [l, { translation: r }])),
    fallbackLng,
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  const languages = Object.keys(resources);
  // A Translator is built once per flow-set load and its resources never change afterwards
  // (a reload builds a new one), so fixed functions and lists are cached for its lifetime:
  // without this, i18next rebuilt them ~25 times per turn (bench/RESULTS.md).
  const fixed = new Map<string, TFunction>();
  const lists = new Map<string, readonly string[]>();
  const t = (lng: string): TFunction => {
    const resolved = languages.includes(lng) ? lng : fallbackLng;
    let f = fixed.get(resolved);
    if (!f) fixed.set(resolved, (f = inst.getFixedT(resolved)));
    return f;
  };
  return {
    i18n: inst,
    languages,
    t,
    list: (lng, key) => {
      const k = `${lng}\0${key}`;
      let v = lists.get(k);
      if (!v) {
        const raw = t(lng)(key, { returnObjects: true, defaultValue: [] }) as unknown;
        v = Object.freeze(Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : []);
        lists.set(k, v);
      }
      return v as string[];
    },
  };
}

/**
 * The key part for a data name (course, venue, job, site, partner): its English form in lower
 * case, letters and digits joined by dashes ("Heartlands Hospital" → "heartlands-hospital").
 * flows/dataNames.ts writes translations under it; domain/shared/localName.ts reads them.
 */
export const nameSlug = (english: string): string =>
  english
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

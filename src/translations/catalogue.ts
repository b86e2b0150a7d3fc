import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FlowFiles } from '../flows/flowFiles.ts';
import type { DataName } from './dataNameTexts.ts';
import { buttonKeys, keyUsage, type KeyUse } from './keyUsage.ts';
import { englishFormOf, pluralCategories, splitPlural, type PluralCategory } from './plurals.ts';
import { readStatusFile, type TranslationStatus } from './status.ts';

/** A wording value: a text, or a list (synonyms and phrases residents may type) translated as one string. */
export type Wording = string | string[];

/**
 * The longest button text, in characters (code points), for every language: Web Chat's suggested
 * actions and Slack's buttons wrap to a third line or get cut on a phone beyond that. The longest
 * shipped English button is 39 characters ("Facilities (porter, cleaning, catering)"); Urdu's
 * longest is 56 ("See jobs I could apply for", with both the masculine and feminine verb), and
 * Romanian and Polish run about a third longer than English: 60 leaves them room
 * (test/translations/catalogue.test.ts checks the shipped languages fit).
 */
export const BUTTON_MAX_LENGTH = 60;

/** One translatable string of a language (docs/translations.md). */
export interface CatalogueEntry {
  /** The flat key in the language: `consent.question`, `notices.session.weeks_few`, `names.course.…`. */
  key: string;
  /** The English text (for a plural form: the English form it translates). */
  source: Wording;
  /** The language's text now; undefined when it has none (residents see the English). */
  target: Wording | undefined;
  /** The wording file (namespace) it belongs in: `locales/<lang>/<file>.json`. */
  file: string;
  /** Where residents see it, in words. */
  usedAt: string[];
  /** Characters at most (button texts). */
  maxLength?: number;
  /** Undefined when there is no translation. */
  status: TranslationStatus | undefined;
  list: boolean;
  plural?: { base: string; category: PluralCategory; englishForm: 'one' | 'other' };
}

const isRecord = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);

/** Where a language's own wording for Web Chat's strings lives: `widget.webchat.<Web Chat id>` in widget.json. */
export const WEBCHAT_PREFIX = 'widget.webchat.';

let webChatEnglishCache: ReadonlyMap<string, string> | undefined;

/**
 * Web Chat's own English strings by id (botframework-webchat-api's `en-US.json`, the version the
 * widget serves): the source of a language's `widget.webchat.*` texts, which English has no file
 * for. Read once.
 */
export function webChatEnglish(): ReadonlyMap<string, string> {
  if (webChatEnglishCache) return webChatEnglishCache;
  const require = createRequire(import.meta.url);
  // botframework-webchat-api as botframework-webchat itself resolves it (its exports hide lib/localization).
  const api = createRequire(require.resolve('botframework-webchat')).resolve('botframework-webchat-api');
  const json: unknown = JSON.parse(readFileSync(path.join(path.dirname(api), 'localization', 'en-US.json'), 'utf8'));
  webChatEnglishCache = new Map(Object.entries(isRecord(json) ? json : {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
  return webChatEnglishCache;
}

/** A wording file's values by flat key, in the file's order (lists are one value). */
export function flattenWording(tree: Record<string, unknown>, prefix = '', out = new Map<string, Wording>()): Map<string, Wording> {
  for (const [k, v] of Object.entries(tree)) {
    const key = `${prefix}${k}`;
    if (Array.isArray(v)) out.set(key, v.map(String));
    else if (isRecord(v)) flattenWording(v, `${key}.`, out);
    else if (v !== null && v !== undefined) out.set(key, String(v));
  }
  return out;
}

/** A wording file's JSON object, or undefined when it is not one (the checker reports that). */
export function parseWordingFile(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const json: unknown = JSON.parse(text);
    return isRecord(json) ? json : undefined;
  } catch {
    return undefined;
  }
}

/** The wording files of one language: namespace → flat values, in path order (`_status.json` left out). */
export function languageTexts(files: FlowFiles, lang: string): Map<string, Map<string, Wording>> {
  const out = new Map<string, Map<string, Wording>>();
  const prefix = `locales/${lang}/`;
  for (const p of Object.keys(files).sort()) {
    if (!p.startsWith(prefix) || !p.endsWith('.json') || p.slice(prefix.length).startsWith('_') || p.slice(prefix.length).includes('/')) continue;
    const tree = parseWordingFile(files[p]);
    if (tree) out.set(p.slice(prefix.length, -'.json'.length), flattenWording(tree));
  }
  return out;
}

const NAMESPACE_USE: Record<string, string> = {
  core: 'the assistant (core wording)',
  journey: 'the journey (courses and jobs)',
  eligibility: 'eligibility answers',
  handoff: 'talking to a person (handoff)',
  notices: 'notices: reminders, seat offers, cancellations, application updates',
  widget: 'the Web Chat widget',
  names: 'names of courses, places, partners and jobs',
  safety: 'crisis and safeguarding replies',
};

function useText(u: KeyUse): string {
  if (u.flowId === 'engine') return 'flows/commands.yaml: engine wording';
  if (u.flowId === 'commands') return `flows/commands.yaml: command ${u.step}`;
  return `flows/${u.flowId}.flow.yaml: step ${u.step}`;
}

/**
 * Every string a translator of `lang` works on, in English file and key order (the language's
 * Web Chat strings, `widget.webchat.*`, after the widget's), then the data names: its English,
 * the language's text, where it is used, its length limit, its status and, for plural forms,
 * which form. English keys decide what exists (Web Chat's strings: the ids the language
 * overrides, with Web Chat's English); a plural key appears once per category the language needs.
 */
export function buildCatalogue(files: FlowFiles, lang: string, names: readonly DataName[] = []): CatalogueEntry[] {
  const english = languageTexts(files, 'en');
  const mine = languageTexts(files, lang);
  const targetOf = (key: string, ns: string): Wording | undefined => {
    const own = mine.get(ns)?.get(key);
    if (own !== undefined) return own;
    for (const m of mine.values()) if (m.has(key)) return m.get(key);
    return undefined;
  };
  const status = readStatusFile(files, lang);
  const usage = keyUsage(files);
  const buttons = buttonKeys(files);
  const categories = pluralCategories(lang);
  const out: CatalogueEntry[] = [];
  const add = (e: Omit<CatalogueEntry, 'status' | 'list'>) => {
    const list = Array.isArray(e.source);
    out.push({ ...e, list, status: e.target === undefined ? undefined : (status[e.key] ?? 'needs-review') });
  };
  // A language's overrides of Web Chat's own strings (`widget.webchat.<id>`): English has none
  // (Web Chat's en-US is the English), so they come from the language's file, each with Web
  // Chat's English as its source, after the widget's own texts. An id Web Chat does not have is
  // left out (Web Chat ignores it).
  const addWebChat = () => {
    const own = mine.get('widget');
    if (!own || lang === 'en') return;
    const source = webChatEnglish();
    for (const [key, target] of own) {
      if (!key.startsWith(WEBCHAT_PREFIX)) continue;
      const en = source.get(key.slice(WEBCHAT_PREFIX.length));
      if (en === undefined) continue;
      add({ key, source: en, target, file: 'widget', usedAt: [`the Web Chat widget: Web Chat's own text ${key.slice(WEBCHAT_PREFIX.length)}`] });
    }
  };
  let webChatDone = false;
  for (const [ns, texts] of english) {
    if (ns === 'names') continue;
    const pluralsDone = new Set<string>();
    for (const [key, source] of texts) {
      const p = splitPlural(key);
      const isPlural = p !== undefined && texts.has(`${p.base}_other`);
      const uses = (usage.get(key) ?? (isPlural ? usage.get(p.base) : undefined) ?? []).map(useText);
      const usedAt = uses.length ? uses : [`${NAMESPACE_USE[ns] ?? `${ns} wording`} (not named in a flow)`];
      const button = buttons.has(key) || /^languages\.[a-z]{2,3}$/.test(key);
      if (!isPlural) {
        add({ key, source, target: targetOf(key, ns), file: ns, usedAt, ...(button ? { maxLength: BUTTON_MAX_LENGTH } : {}) });
        continue;
      }
      if (pluralsDone.has(p.base)) continue;
      pluralsDone.add(p.base);
      for (const category of categories) {
        const englishForm = englishFormOf(category);
        const k = `${p.base}_${category}`;
        const src = texts.get(`${p.base}_${englishForm}`) ?? texts.get(`${p.base}_other`)!;
        add({ key: k, source: src, target: targetOf(k, ns), file: ns, usedAt, plural: { base: p.base, category, englishForm } });
      }
    }
    if (ns === 'widget') {
      addWebChat();
      webChatDone = true;
    }
  }
  if (!webChatDone) addWebChat();
  const ownNames = mine.get('names');
  for (const n of names) {
    add({ key: n.key, source: n.english, target: lang === 'en' ? n.english : (ownNames?.get(n.key) ?? n.fromData[lang]), file: 'names', usedAt: [n.usedAt] });
  }
  return out;
}

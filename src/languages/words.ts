import type { Translator } from '../i18n.ts';
import { LANGUAGES } from '../languages.ts';
import { wordsKey, type DetectionWords } from './detect.ts';

/** Small-talk lists whose words tell a message's language when only one language has them. */
const SMALL_TALK = ['greetingWords', 'thanksWords', 'byeWords', 'okWords'].map((k) => `answers.smallTalk.${k}`);

/** A list as one language's own wording has it: no fallback to English (which would make every word shared). */
function ownList(translator: Translator, lng: string, key: string): string[] {
  const raw = translator.i18n.getResource(lng, 'translation', key) as unknown;
  return Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : [];
}

export interface LanguageWords {
  /** For `detectLanguage`: whole messages that tell a language. */
  detection: DetectionWords;
  /** A language's name, in any of our languages (`languages.<code>Words` of every locale) → its code. */
  names: ReadonlyMap<string, string>;
  /** Words around a name that do not change it ("please", "I want"): every locale's `answers.fillerWords`. */
  fillers: readonly string[];
}

const cache = new WeakMap<Translator, LanguageWords>();

/** The words detection and naming read, from every locale of a flow set's wording (memoised per translator). */
export function languageWords(translator: Translator): LanguageWords {
  const hit = cache.get(translator);
  if (hit) return hit;
  const detection = new Map<string, Set<string>>();
  const add = (code: string, w: string) => {
    const k = wordsKey(w);
    if (!k) return;
    let set = detection.get(code);
    if (!set) detection.set(code, (set = new Set()));
    set.add(k);
  };
  const names = new Map<string, string>();
  const shared = new Set<string>();
  const fillers = new Set<string>();
  for (const lng of translator.languages) {
    for (const key of SMALL_TALK) for (const w of ownList(translator, lng, key)) add(lng, w);
    for (const w of ownList(translator, lng, 'answers.fillerWords')) if (wordsKey(w)) fillers.add(wordsKey(w));
    for (const { code } of LANGUAGES) {
      for (const w of ownList(translator, lng, `languages.${code}Words`)) {
        const k = wordsKey(w);
        if (!k) continue;
        add(code, w);
        if (names.has(k) && names.get(k) !== code) shared.add(k);
        else names.set(k, code);
      }
      // The endonym (the button's label) names the language too.
      const label = translator.i18n.getResource(lng, 'translation', `languages.${code}`) as unknown;
      if (typeof label === 'string' && wordsKey(label) && !names.has(wordsKey(label))) names.set(wordsKey(label), code);
    }
  }
  // A word two languages' names share names neither.
  for (const k of shared) names.delete(k);
  const out: LanguageWords = { detection, names, fillers: [...fillers].sort((a, b) => b.length - a.length) };
  cache.set(translator, out);
  return out;
}

/**
 * The language a message names and nothing else, with filler words around it ("in Polish please",
 * "po polsku", "عربي", "বাংলা", "I want Urdu"), among the live languages; undefined otherwise.
 * `bare`: only a name as it is listed (`languages.<code>Words`, "in Polish", "po polsku"), no
 * filler words: "I am Polish" states something about the resident and names nothing.
 */
export function namedLanguage(text: string, words: LanguageWords, live: readonly string[], opts: { bare?: boolean } = {}): string | undefined {
  let rest = wordsKey(text);
  if (opts.bare) {
    const code = rest ? words.names.get(rest) : undefined;
    return code && live.includes(code) ? code : undefined;
  }
  for (let guard = 0; rest && guard < 8; guard++) {
    const code = words.names.get(rest);
    if (code) return live.includes(code) ? code : undefined;
    const before = rest;
    for (const f of words.fillers) {
      if (rest === f) return undefined;
      if (rest.startsWith(`${f} `)) rest = rest.slice(f.length + 1);
      else if (rest.endsWith(` ${f}`)) rest = rest.slice(0, -f.length - 1);
    }
    if (rest === before) return undefined;
  }
  return undefined;
}

/**
 * How typed answers and the coordinator's phrases are made comparable: one folding and one
 * tokeniser for both sides, so whatever a coordinator writes in a locale list matches what a
 * resident types, whatever the case, accents, punctuation or keyboard.
 */

/** A list separator ("and", ",", "اور", "،") after tokenising. */
export const SEP = '\u0001';

// Arabic-keyboard letters folded to the Urdu ones (a resident may type either).
const ARABIC_TO_URDU: Record<string, string> = { ي: 'ی', ى: 'ی', ك: 'ک', ه: 'ہ', ة: 'ہ' };

/**
 * Case, accents and Arabic-script marks removed; Urdu and Arabic-Indic digits made ASCII;
 * apostrophes dropped so "don't" and "dont" are one word.
 */
export function foldText(s: string): string {
  return asciiDigits(s)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f\u064b-\u065f\u0670\u06d6-\u06ed]/gu, '')
    .replace(/[\u200b-\u200f\u0640]/gu, '')
    .replace(/[يىكهة]/gu, (c) => ARABIC_TO_URDU[c] ?? c)
    .toLocaleLowerCase('en')
    .replace(/['’‘`´]/gu, '');
}

/** Digit blocks residents may type in: Urdu/Persian ۰–۹, Arabic-Indic ٠–٩, Bengali ০–৯, Gurmukhi ੦–੯. */
const DIGIT_ZEROS = [0x06f0, 0x0660, 0x09e6, 0x0a66];

/** Urdu, Arabic-Indic, Bengali and Gurmukhi digits as ASCII, so "۳۱", "৩১" and "੩੧" are numbers like "31". */
export function asciiDigits(s: string): string {
  return s.replace(/[\u06f0-\u06f9\u0660-\u0669\u09e6-\u09ef\u0a66-\u0a6f]/gu, (d) => {
    const c = d.charCodeAt(0);
    return String(c - DIGIT_ZEROS.find((z) => c >= z && c <= z + 9)!);
  });
}

/** Separators of one language, split into marks ("," "،" "&") and words ("and" "اور"). */
export interface Separators {
  marks: string[];
  words: Set<string>;
}

export function separatorsOf(list: readonly string[]): Separators {
  const marks: string[] = [];
  const words = new Set<string>();
  for (const raw of list) {
    const s = foldText(raw).trim();
    if (!s) continue;
    if (/[\p{L}\p{N}]/u.test(s)) words.add(s);
    else marks.push(s);
  }
  return { marks, words };
}

/** Folded words of a text; separators become `SEP`. "e.g. 1 and 3" → ["e", "g", "1", SEP, "3"]. */
export function tokenise(text: string, seps: Separators): string[] {
  let s = foldText(text);
  for (const m of seps.marks) s = s.split(m).join(` ${SEP} `);
  return s
    .replace(/[\p{P}\p{S}\s]+/gu, ' ')
    .split(' ')
    .filter(Boolean)
    .map((w) => (seps.words.has(w) ? SEP : w));
}

/** True when `phrase` occurs in `tokens` at `at`, word for word. */
export function occursAt(tokens: readonly string[], phrase: readonly string[], at: number): boolean {
  if (!phrase.length || at + phrase.length > tokens.length) return false;
  return phrase.every((w, i) => tokens[at + i] === w);
}

/** True when `phrase` occurs anywhere in `tokens` as whole words. */
export function containsPhrase(tokens: readonly string[], phrase: readonly string[]): boolean {
  for (let i = 0; i + phrase.length <= tokens.length; i++) if (occursAt(tokens, phrase, i)) return true;
  return false;
}

/** The same words, whatever the case, accents and punctuation ("Not sure." and "not sure"). */
export function sameWords(a: string, b: string): boolean {
  const none = { marks: [], words: new Set<string>() };
  return tokenise(a, none).join(' ') === tokenise(b, none).join(' ');
}

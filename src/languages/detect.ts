import { francAll } from 'franc';
import { languageOf, type Script } from '../languages.ts';

/**
 * Which of our languages a message is written in, only when that is CLEAR (issue 14): a short
 * "hi", "ok", a postcode, a number or an emoji says nothing, and neither does Roman Urdu (franc
 * reads it as Somali) or a greeting that speakers of several languages use ("assalamu alaikum").
 * Pure: the caller passes the live languages and the word lists (`detectionWords`).
 *
 * Evidence, strongest first:
 * - `words`: the whole message is a greeting, thanks, goodbye or language name that the wording
 *   of exactly one language written in the message's script has (it grows with the locales);
 * - `script`: Gurmukhi → pa, Bengali → bn; Arabic script → ur or ar by the letters each has and
 *   the other lacks; Latin letters only Polish (ą ć ę ł ń ś ź ż) or only Romanian (ă â î ș ț) has,
 *   not counting capitalised words mid-sentence (names such as Łukasz or Ștefan);
 * - `franc`: the trigram model, on a message of at least FRANC_MIN_LENGTH characters whose
 *   runner-up scores at most FRANC_MAX_RUNNER_UP (measured on real sentences: test/languages/detect.test.ts).
 */
export interface Detection {
  code: string;
  by: 'script' | 'words' | 'franc';
}

/** Per language: whole messages that language's wording has (normalised by `wordsKey`). */
export type DetectionWords = ReadonlyMap<string, ReadonlySet<string>>;

/** Shorter Latin messages are not given to franc: below 25 characters it took "hello my name is Lukasz" for Somali. */
export const FRANC_MIN_LENGTH = 25;
/** franc's scores are relative to the winner (1); a runner-up above this is too close to call. */
export const FRANC_MAX_RUNNER_UP = 0.8;
/** Arabic-script messages are given to franc from this length (urd/arb only, letters first). */
const FRANC_MIN_LENGTH_ARABIC = 12;

const ISO3: Record<string, string> = { en: 'eng', ur: 'urd', ar: 'arb', ro: 'ron', pl: 'pol', so: 'som', pa: 'pan', bn: 'ben' };
const FROM_ISO3 = new Map(Object.entries(ISO3).map(([k, v]) => [v, k]));

/** Case, width and punctuation folded; letters (with their marks) kept as typed. */
export function wordsKey(s: string): string {
  return s
    .normalize('NFKC')
    .toLocaleLowerCase()
    .replace(/[\u200b-\u200d\u2060\ufeff\u0640]/g, '')
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, ' ')
    .trim();
}

const GURMUKHI = /\p{Script=Gurmukhi}/gu;
const BENGALI = /\p{Script=Bengali}/gu;
const ARABIC = /\p{Script=Arabic}/gu;
const LATIN = /\p{Script=Latin}/gu;
const LETTER = /\p{L}/gu;

/** Letters Urdu writes and Arabic has not: ٹ ڈ ڑ ں ے ۓ ھ ہ ۃ, and پ چ گ ژ. */
const URDU_STRONG = /[\u0679\u0688\u0691\u06ba\u06d2\u06d3\u06be\u06c1\u06c3\u067e\u0686\u06af\u0698]/gu;
/** Urdu-keyboard forms of letters Arabic writes otherwise: ک ی (an Arabic keyboard gives ك ي). */
const URDU_WEAK = /[\u06a9\u06cc]/gu;
/** Arabic's own letters: ة ى. */
const ARABIC_STRONG = /[\u0629\u0649]/gu;
/** Arabic-keyboard ك ي (Urdu writes ک ی). */
const ARABIC_WEAK = /[\u0643\u064a]/gu;

const POLISH = /[ąćęłńśźż]/iu;
const ROMANIAN = /[ăâîșțşţ]/iu;

/**
 * Roman Urdu and Hinglish function words: franc has no model for them and reads them as Somali
 * or Romanian, so a Latin message with one of them is never detected (it stays in the
 * conversation's language; the resident can name a language at any time).
 */
const ROMAN_URDU = new Set(
  'hai hain hoon hun hoo mein mujhe mujhay mera meri mere kya kia aap ap nahi nahin nhi kar karna karta karti raha rahi tha thi chahiye chahie chahta chahti yaar bhai kaam naukri shukriya bohat bahut acha accha theek thik sakte sakta sakti hum humein kyun kaise'.split(' '),
);

const count = (s: string, re: RegExp) => s.match(re)?.length ?? 0;

function francPick(text: string, iso: string[]): string | undefined {
  if (iso.length === 0) return undefined;
  const scores = francAll(text, { only: iso, minLength: 1 });
  const [best, second] = scores;
  if (!best || best[0] === 'und') return undefined;
  if (second && second[1] > FRANC_MAX_RUNNER_UP) return undefined;
  return FROM_ISO3.get(best[0]);
}

/** The script more than half of a text's letters are in (undefined when none is, or no letters). */
export function scriptOfText(text: string): Script | undefined {
  const letters = count(text, LETTER);
  return letters === 0 ? undefined : scriptOf(text, letters);
}

/** The script most of the message's letters are in. */
function scriptOf(text: string, letters: number): Script | undefined {
  const share = (re: RegExp) => count(text, re) / letters;
  if (share(GURMUKHI) > 0.5) return 'Guru';
  if (share(BENGALI) > 0.5) return 'Beng';
  if (share(ARABIC) > 0.5) return 'Arab';
  if (share(LATIN) > 0.5) return 'Latn';
  return undefined;
}

/** The languages written in `script` whose wording has the whole message. */
function byWords(key: string, script: Script, words: DetectionWords | undefined): string[] {
  if (!words || !key) return [];
  // English wording lists "السلام علیکم" for residents who greet so: in Arabic letters it is not
  // English. Latin words count for every language that lists them: Urdu's wording has "hi" too.
  return [...words].filter(([code, set]) => set.has(key) && (script === 'Latn' || languageOf(code)?.script === script)).map(([code]) => code);
}

function arabicScript(text: string, candidates: ReadonlySet<string>): Detection | undefined {
  const urStrong = count(text, URDU_STRONG);
  const urWeak = count(text, URDU_WEAK);
  const arStrong = count(text, ARABIC_STRONG);
  const arWeak = count(text, ARABIC_WEAK);
  const urdu = urStrong > 0 || urWeak >= 2;
  const arabic = arStrong > 0 || arWeak >= 2;
  let code: string | undefined;
  if (urdu && !arabic && urStrong + urWeak > arStrong + arWeak) code = 'ur';
  else if (arabic && !urdu && arStrong + arWeak > urStrong + urWeak) code = 'ar';
  if (code) return candidates.has(code) ? { code, by: 'script' } : undefined;
  if (text.trim().length < FRANC_MIN_LENGTH_ARABIC) return undefined;
  // Shahmukhi Panjabi has no model of its own: franc calls it Urdu, which is the wording it gets.
  const picked = francPick(text, ['urd', 'arb']);
  return picked && candidates.has(picked) ? { code: picked, by: 'franc' } : undefined;
}

function latinScript(text: string, key: string, candidates: ReadonlySet<string>): Detection | undefined {
  const words = key.split(' ').filter(Boolean);
  if (words.some((w) => ROMAN_URDU.has(w))) return undefined;
  const pickedBy = (code: string | undefined, by: Detection['by']): Detection | undefined => (code && candidates.has(code) ? { code, by } : undefined);
  if (text.trim().length >= FRANC_MIN_LENGTH) {
    const picked = francPick(text, ['eng', 'pol', 'ron', 'som']);
    if (picked) return pickedBy(picked, 'franc');
  }
  // Diacritics, not counting names: a capitalised word after the first ("my friend Łukasz").
  const typed = text.normalize('NFC').split(/[^\p{L}\p{M}]+/u).filter(Boolean);
  const counted = typed.filter((w, i) => !(i > 0 && /^\p{Lu}\p{Ll}/u.test(w)) && !(i === 0 && typed.length === 1 && /^\p{Lu}\p{Ll}/u.test(w)));
  const pl = counted.some((w) => POLISH.test(w));
  const ro = counted.some((w) => ROMANIAN.test(w));
  if (pl !== ro) return pickedBy(pl ? 'pl' : 'ro', 'script');
  return undefined;
}

/** The language `text` is clearly written in, among `candidates` (the live languages), or undefined. */
export function detectLanguage(text: string, candidates: readonly string[], words?: DetectionWords): Detection | undefined {
  const live = new Set(candidates.map((c) => languageOf(c)?.code ?? c));
  const letters = count(text, LETTER);
  if (letters === 0) return undefined;
  const script = scriptOf(text, letters);
  if (!script) return undefined;
  const key = wordsKey(text);
  const listed = byWords(key, script, words);
  if (listed.length === 1) return live.has(listed[0]!) ? { code: listed[0]!, by: 'words' } : undefined;
  if (listed.length > 1) {
    // Said in several languages ("hi", "salaam"): not clear, unless Urdu's and Arabic's letters tell them apart.
    const d = script === 'Arab' ? arabicScript(text, live) : undefined;
    return d && d.by === 'script' && listed.includes(d.code) ? d : undefined;
  }
  if (script === 'Guru') return live.has('pa') ? { code: 'pa', by: 'script' } : undefined;
  if (script === 'Beng') return live.has('bn') ? { code: 'bn', by: 'script' } : undefined;
  if (script === 'Arab') return arabicScript(text, live);
  return latinScript(text, key, live);
}

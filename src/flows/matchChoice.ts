import { distance } from 'fastest-levenshtein';
import { SEP, occursAt, separatorsOf, tokenise, type Separators } from './answerText.ts';

/** The words of one option in the resident's language (and English): labels, synonyms, phrases. */
export interface OptionWords {
  value: string;
  words: readonly string[];
}

/** Each language's list words for reading answers (locale lists under `answers.*`). */
export interface ListWords {
  /** "and", ",", "&" / "اور", "،". */
  separators: readonly string[];
  /** `numbers[0]`: words meaning the first option ("first", "one", "پہلا"), and so on. */
  numbers: ReadonlyArray<readonly string[]>;
  /** Words that carry no answer ("the", "please", "e.g.", "جیسے"). */
  fillers: readonly string[];
  /** "all of them" (several-answer questions only). */
  all: readonly string[];
  /** "both" (several-answer questions with two options only). */
  both: readonly string[];
}

export type ChoiceMatch =
  /** `exact`: the whole message is one option's word or number, nothing else. */
  | { kind: 'picked'; values: string[]; exact: boolean }
  /** Two or more options fit equally: ask which one, never guess. */
  | { kind: 'ambiguous'; values: string[] }
  | { kind: 'none' };

type Target = { value: string } | { special: 'all' | 'both' };

interface Entry {
  tokens: string[];
  target: Target;
  /** 2: a whole label, synonym, value or number word; 1: one distinctive word of a label. */
  strength: 1 | 2;
  /** Typos allowed per token (see `typoAllowance`). */
  allow: number[];
}

interface Lexicon {
  seps: Separators;
  entries: Entry[];
  fillers: string[][];
  /** Whole-message lookup for `exact`. */
  exact: Map<string, string>;
  /** Each option word and the options using it, for a typed beginning ("admin" → "administration"). */
  owners: Map<string, Set<string>>;
  options: string[];
}

/** Typos allowed in a word of this length before the no-ambiguity cap: none up to 3 letters, 1 up to 7, then 2. */
export function baseAllowance(word: string): number {
  if (/^\d+$/.test(word) || word === SEP) return 0;
  const n = [...word].length;
  return n <= 3 ? 0 : n <= 7 ? 1 : 2;
}

/**
 * Typos allowed in `word` of one option, given the words of every other option: at most
 * ⌊(d − 1) / 2⌋ where d is the distance to the nearest other option's word. By the triangle
 * inequality no typed word can then be within reach of two options' words, so tolerance can
 * never make two options ambiguous (only a word both options really share can).
 */
export function typoAllowance(word: string, others: readonly string[]): number {
  let allow = baseAllowance(word);
  for (const o of others) {
    if (allow === 0) break;
    allow = Math.min(allow, Math.max(0, Math.floor((distance(word, o) - 1) / 2)));
  }
  return allow;
}

const lexicons = new Map<string, Lexicon>();
const MAX_WORDS = 60;
const MAX_CHARS = 600;

function buildLexicon(options: readonly OptionWords[], lists: ListWords, multiple: boolean): Lexicon {
  const seps = separatorsOf(lists.separators);
  const tok = (s: string) => tokenise(s, seps);
  const phrasesOf = (list: readonly string[]) => list.map(tok).filter((p) => p.length);
  const fillers = phrasesOf(lists.fillers);
  const fillerWords = new Set(fillers.filter((f) => f.length === 1).map((f) => f[0]!));
  const raw: Array<Omit<Entry, 'allow'>> = [];
  const exact = new Map<string, string>();
  options.forEach((o, i) => {
    const phrases = phrasesOf([...o.words, o.value]);
    for (const p of phrases) raw.push({ tokens: p, target: { value: o.value }, strength: 2 });
    for (const p of phrasesOf([String(i + 1), ...(lists.numbers[i] ?? [])])) raw.push({ tokens: p, target: { value: o.value }, strength: 2 });
  });
  // A word of a label that no other option uses is enough on its own ("hospitality", "caring").
  const owners = new Map<string, Set<string>>();
  for (const e of raw) for (const w of e.tokens) if ('value' in e.target) (owners.get(w) ?? owners.set(w, new Set()).get(w)!).add(e.target.value);
  for (const [w, who] of owners) {
    if (who.size !== 1 || w === SEP || fillerWords.has(w) || /^\d+$/.test(w) || [...w].length < 4) continue;
    raw.push({ tokens: [w], target: { value: [...who][0]! }, strength: 1 });
  }
  for (const e of raw) {
    if (e.strength === 2 && 'value' in e.target) {
      const key = e.tokens.join(' ');
      exact.set(key, exact.has(key) && exact.get(key) !== e.target.value ? '' : e.target.value);
    }
  }
  if (multiple) {
    for (const p of phrasesOf(lists.all)) raw.push({ tokens: p, target: { special: 'all' }, strength: 2 });
    for (const p of phrasesOf(lists.both)) raw.push({ tokens: p, target: { special: 'both' }, strength: 2 });
  }
  const wordsOf = (value: string | undefined) => [...new Set(raw.filter((e) => 'value' in e.target && e.target.value !== value).flatMap((e) => e.tokens))];
  const othersByValue = new Map(options.map((o) => [o.value, wordsOf(o.value)]));
  const entries = raw.map((e) => ({
    ...e,
    allow: e.tokens.map((w) => ('value' in e.target ? typoAllowance(w, othersByValue.get(e.target.value) ?? []) : 0)),
  }));
  return { seps, entries, fillers, exact, owners, options: options.map((o) => o.value) };
}

function lexiconFor(options: readonly OptionWords[], lists: ListWords, multiple: boolean): Lexicon {
  const key = JSON.stringify([options, lists, multiple]);
  let lex = lexicons.get(key);
  if (!lex) {
    // Questions and languages are few; the bound only guards against data-built options churning.
    if (lexicons.size > 500) lexicons.clear();
    lexicons.set(key, (lex = buildLexicon(options, lists, multiple)));
  }
  return lex;
}

/** Total typos if `e` matches at `at` within its allowance, else undefined. */
function typosAt(e: Entry, tokens: readonly string[], at: number): number | undefined {
  if (at + e.tokens.length > tokens.length) return undefined;
  let sum = 0;
  for (let i = 0; i < e.tokens.length; i++) {
    const want = e.tokens[i]!;
    const got = tokens[at + i]!;
    if (want === got) continue;
    if (e.allow[i] === 0 || got === SEP || Math.abs(want.length - got.length) > e.allow[i]!) return undefined;
    const d = distance(want, got);
    if (d > e.allow[i]!) return undefined;
    sum += d;
  }
  return sum;
}

/**
 * Reads which option(s) a message names: whole labels, synonyms and phrases anywhere in it
 * (longest first), numbers and number words, "all"/"both", with small typos tolerated. Pure.
 *
 * @example
 * matchChoice(work, 'I lost my job', en, false) // { kind: 'picked', values: ['unemployed'], exact: false }
 */
export function matchChoice(options: readonly OptionWords[], text: string, lists: ListWords, multiple: boolean): ChoiceMatch {
  const lex = lexiconFor(options, lists, multiple);
  // An answer to a choice is short; a pasted essay is read for its first words only.
  const tokens = tokenise(text.slice(0, MAX_CHARS), lex.seps).slice(0, MAX_WORDS);
  if (!tokens.length) return { kind: 'none' };
  const whole = lex.exact.get(tokens.join(' '));
  if (whole) return { kind: 'picked', values: [whole], exact: true };

  const picked: string[] = [];
  let ambiguous: string[] | undefined;
  let special: 'all' | 'both' | undefined;
  let badNumber = false;
  for (let at = 0; at < tokens.length; ) {
    if (tokens[at] === SEP) {
      at++;
      continue;
    }
    let best: { e: Entry; typos: number }[] = [];
    for (const e of lex.entries) {
      const typos = typosAt(e, tokens, at);
      if (typos === undefined) continue;
      const b = best[0];
      const rank = (x: { e: Entry; typos: number }) => [x.typos === 0 ? 1 : 0, x.e.strength, x.e.tokens.length, -x.typos];
      const cmp = b ? compare(rank({ e, typos }), rank(b)) : 1;
      if (cmp > 0) best = [{ e, typos }];
      else if (cmp === 0) best.push({ e, typos });
    }
    const filler = lex.fillers.filter((f) => occursAt(tokens, f, at)).sort((a, b) => b.length - a.length)[0];
    const top = best[0];
    // A filler word is never read as a typo of an option ("like" is not "lake").
    if (filler && (!top || top.typos > 0 || top.e.tokens.length < filler.length)) {
      at += filler.length;
      continue;
    }
    if (!top) {
      const word = tokens[at]!;
      if (/^\d+$/.test(word)) badNumber = true;
      else {
        const start = beginningOf(lex, word, tokens.length === 1 ? 3 : 4);
        if (start) picked.push(start);
      }
      at++;
      continue;
    }
    const targets = new Set(best.map((b) => ('value' in b.e.target ? b.e.target.value : `*${b.e.target.special}`)));
    if (targets.size > 1) ambiguous ??= [...targets].filter((v) => !v.startsWith('*'));
    else {
      const t = top.e.target;
      if ('special' in t) special = t.special;
      else picked.push(t.value);
    }
    at += top.e.tokens.length;
  }
  if (special === 'all' || (special === 'both' && lex.options.length === 2)) return { kind: 'picked', values: lex.options, exact: false };
  if (special === 'both' || (multiple && badNumber)) return { kind: 'none' };
  if (ambiguous?.length) return { kind: 'ambiguous', values: ambiguous };
  const values = [...new Set(picked)];
  if (!values.length) return { kind: 'none' };
  if (!multiple && values.length > 1) return { kind: 'ambiguous', values };
  return { kind: 'picked', values, exact: false };
}

/** The one option with a word that starts with `typed` (at least `min` letters), if only one has. */
function beginningOf(lex: Lexicon, typed: string, min: number): string | undefined {
  // A word the options already use is not a beginning of another ("work" is not "working").
  if ([...typed].length < min || lex.owners.has(typed)) return undefined;
  const who = new Set<string>();
  for (const [w, values] of lex.owners) if (w.startsWith(typed)) for (const v of values) who.add(v);
  return who.size === 1 ? [...who][0] : undefined;
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

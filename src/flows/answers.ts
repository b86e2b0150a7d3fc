import { isValid as isValidPostcode, toNormalised } from 'postcode';
import { z } from 'zod';
import { asciiDigits } from './answerText.ts';
import { matchChoice, type ListWords } from './matchChoice.ts';
import type { AskStep } from './schema.ts';

/**
 * How a typed or clicked answer is read. Expected failures are values with a hint key;
 * `ambiguous`: two or more options fit equally, so the resident is asked which one.
 */
export type AnswerResult =
  | { ok: true; value: unknown }
  | { ok: false; hint: string; params?: Record<string, unknown>; ambiguous?: string[] };

/** Words for one choice in the resident's language: its label, synonyms and value. */
export interface ChoiceWords {
  value: string;
  words: string[];
}

export interface AnswerInput {
  text?: string | undefined;
  value?: unknown;
  /** Choice labels and synonyms already translated (the engine does i18n). */
  choiceWords?: ChoiceWords[];
  /** Values of choices built from data (`choicesFrom`), in button order. */
  optionValues?: string[];
  /** Words meaning "all of them" in the resident's language. */
  allWords?: string[];
  yesWords?: string[];
  noWords?: string[];
  /** Separators, number words, fillers, "all" and "both" in the resident's language. */
  lists?: ListWords;
  now?: Date;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

function monthOf(word: string): number | undefined {
  const w = word.toLowerCase().replace(/\.$/, '');
  if (w.length < 3) return undefined;
  const i = MONTHS.findIndex((m) => m.startsWith(w) && (w.length >= 3 || m === w));
  return i >= 0 ? i + 1 : undefined;
}

function makeDate(y: number, m: number, d: number): string | undefined {
  if (y < 100) y += y <= 30 ? 2000 : 1900;
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return undefined;
  return dt.toISOString().slice(0, 10);
}

/** UK date formats: 03/04/2005, 3-4-2005, 3.4.05, 3 April 2005, 3rd Apr 2005, April 3 2005, 2005-04-03. */
export function parseUkDate(text: string): string | undefined {
  const t = text.trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  if (m) return makeDate(+m[1]!, +m[2]!, +m[3]!);
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(t);
  if (m) return makeDate(+m[3]!, +m[2]!, +m[1]!);
  m = /^(\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+([a-z]+\.?),?\s+(\d{4})$/i.exec(t);
  if (m) {
    const mon = monthOf(m[2]!);
    return mon ? makeDate(+m[3]!, mon, +m[1]!) : undefined;
  }
  m = /^([a-z]+\.?)\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/i.exec(t);
  if (m) {
    const mon = monthOf(m[1]!);
    return mon ? makeDate(+m[3]!, mon, +m[2]!) : undefined;
  }
  return undefined;
}

/** UK phone numbers: landlines and mobiles, with or without +44, spaces, dashes and brackets. */
export function parseUkPhone(text: string): string | undefined {
  let digits = text.replace(/[\s\-().]/g, '');
  if (digits.startsWith('+44')) digits = `0${digits.slice(3).replace(/^0/, '')}`;
  else if (digits.startsWith('0044')) digits = `0${digits.slice(4).replace(/^0/, '')}`;
  if (!/^0\d+$/.test(digits)) return undefined;
  // 01/02/03/07/08 numbers have 11 digits in total; a few 01 areas have 10.
  if (!/^0[1237-9]/.test(digits)) return undefined;
  if (digits.length === 11 || (digits.length === 10 && digits.startsWith('01'))) return digits;
  return undefined;
}

const emailSchema = z.email();

const ENGLISH_LISTS: ListWords = {
  separators: [',', '&', 'and'],
  numbers: [],
  fillers: [],
  all: ['all', 'all of them', 'everything'],
  both: ['both'],
};

/**
 * A choice: a pressed button, or what was typed read by `matchChoice` — labels, synonyms and
 * phrases inside a longer message, numbers and number words, "all" and "both", small typos.
 * Two options fitting equally is `ambiguous`, never a guess.
 */
function choose(step: AskStep, input: AnswerInput): AnswerResult {
  const options = input.optionValues ?? (step.choices ?? []).map((c) => c.value);
  const hint = step.multiple ? 'answers.hint.multiple' : 'answers.hint.choice';
  const values = Array.isArray(input.value) ? input.value : typeof input.value === 'string' ? [input.value] : [];
  if (values.length && values.every((v) => typeof v === 'string' && (options.includes(v) || (step.multiple && v === '*')))) {
    if (!step.multiple) return { ok: true, value: values[0] };
    return { ok: true, value: values.includes('*') ? options : [...new Set(values as string[])] };
  }
  const text = input.text ?? '';
  if (!text.trim()) return { ok: false, hint };
  const byValue = new Map((input.choiceWords ?? []).map((w) => [w.value, w.words]));
  const words = options.map((value) => ({ value, words: byValue.get(value) ?? [value] }));
  const lists = input.lists ?? { ...ENGLISH_LISTS, all: [...ENGLISH_LISTS.all, ...(input.allWords ?? [])] };
  const m = matchChoice(words, text, lists, step.multiple);
  if (m.kind === 'ambiguous') return { ok: false, hint: 'answers.hint.ambiguous', ambiguous: m.values };
  if (m.kind === 'none') return { ok: false, hint };
  return { ok: true, value: step.multiple ? m.values : m.values[0] };
}

const YES = ['yes', 'y', 'yeah', 'yep', 'yup', 'ok', 'okay', 'sure', 'i agree', 'agree', 'of course'];
const NO = ['no', 'n', 'nope', 'nah', 'i do not agree', 'i dont agree', 'do not agree', 'disagree', 'no thanks', 'not ok'];

/** Yes or no, read like a two-option choice (so "yes I have" and typos work too). */
function yesNo(input: AnswerInput): AnswerResult {
  if (input.value === true || input.value === 'yes') return { ok: true, value: true };
  if (input.value === false || input.value === 'no') return { ok: true, value: false };
  const text = input.text ?? '';
  const lists = { ...(input.lists ?? ENGLISH_LISTS), numbers: [], all: [], both: [] };
  const m = matchChoice(
    [
      { value: 'yes', words: [...YES, ...(input.yesWords ?? [])] },
      { value: 'no', words: [...NO, ...(input.noWords ?? [])] },
    ],
    text,
    lists,
    false,
  );
  if (m.kind === 'picked') return { ok: true, value: m.values[0] === 'yes' };
  if (m.kind === 'ambiguous') return { ok: false, hint: 'answers.hint.yesno', ambiguous: ['yes', 'no'] };
  return { ok: false, hint: 'answers.hint.yesno' };
}

/** Reads one answer for an ask step. Pure. */
export function readAnswer(step: AskStep, input: AnswerInput): AnswerResult {
  // Free text is kept as written; numbers, dates, postcodes and phones may use Urdu digits.
  const text = step.type === 'text' ? (input.text ?? '').trim() : asciiDigits(input.text ?? '').trim();
  switch (step.type) {
    case 'choice':
      return choose(step, input);
    case 'yesno':
      return yesNo(input);
    case 'text': {
      const min = step.minLength ?? 1;
      const max = step.maxLength ?? 500;
      if (text.length < min) return { ok: false, hint: 'answers.hint.textShort', params: { min } };
      if (text.length > max) return { ok: false, hint: 'answers.hint.textLong', params: { max } };
      return { ok: true, value: text };
    }
    case 'number': {
      const cleaned = text.replace(/(\d),(\d)/g, '$1$2');
      // "I'm 31", "31 years old": one number among words is the answer; two numbers are not.
      const found = /^-?\d+(\.\d+)?$/.test(cleaned) ? [cleaned] : (cleaned.match(/(?<![\d.])\d+(\.\d+)?(?![\d.])/g) ?? []);
      if (found.length !== 1) return { ok: false, hint: 'answers.hint.number' };
      const n = Number(found[0]);
      if ((step.min !== undefined && n < step.min) || (step.max !== undefined && n > step.max)) {
        return { ok: false, hint: 'answers.hint.numberRange', params: { min: step.min ?? '', max: step.max ?? '' } };
      }
      return { ok: true, value: n };
    }
    case 'date': {
      const d = parseUkDate(text);
      return d ? { ok: true, value: d } : { ok: false, hint: 'answers.hint.date' };
    }
    case 'postcode': {
      const pc = text.toUpperCase();
      return isValidPostcode(pc) ? { ok: true, value: toNormalised(pc) } : { ok: false, hint: 'answers.hint.postcode' };
    }
    case 'email': {
      const r = emailSchema.safeParse(text.toLowerCase());
      return r.success ? { ok: true, value: r.data } : { ok: false, hint: 'answers.hint.email' };
    }
    case 'phone': {
      const p = parseUkPhone(text);
      return p ? { ok: true, value: p } : { ok: false, hint: 'answers.hint.phone' };
    }
    default: {
      const never: never = step.type;
      throw new Error(`unknown answer type ${String(never)}`);
    }
  }
}

/** Types whose answers are personal data (kept only after consent). */
export const PERSONAL_TYPES = new Set(['text', 'date', 'postcode', 'email', 'phone']);

import { isValid as isValidPostcode, toNormalised } from 'postcode';
import { z } from 'zod';
import type { AskStep } from './schema.ts';

/** How a typed or clicked answer is read. Expected failures are values with a hint key. */
export type AnswerResult = { ok: true; value: unknown } | { ok: false; hint: string; params?: Record<string, unknown> };

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
  now?: Date;
}

const norm = (s: string) =>
  s
    .normalize('NFKC')
    .toLocaleLowerCase()
    .replace(/[\s\p{P}]+/gu, ' ')
    .trim();

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

/** Several picks: buttons' values, "1, 3", "1 and 3", labels, or "all". */
function chooseMany(options: string[], input: AnswerInput): AnswerResult {
  const values = Array.isArray(input.value) ? input.value : typeof input.value === 'string' ? [input.value] : [];
  if (values.length && values.every((v) => typeof v === 'string' && (options.includes(v) || v === '*'))) {
    return { ok: true, value: values.includes('*') ? options : [...new Set(values as string[])] };
  }
  const text = norm(input.text ?? '');
  if (!text) return { ok: false, hint: 'answers.hint.multiple' };
  if (['all', 'all of them', 'everything', ...(input.allWords ?? []).map(norm)].includes(text)) return { ok: true, value: options };
  const picked: string[] = [];
  for (const part of text.split(/\s*(?:,|\band\b|&|\s)\s*/u).filter(Boolean)) {
    const r = chooseOne(options, { ...input, text: part, value: undefined });
    if (!r.ok) return { ok: false, hint: 'answers.hint.multiple' };
    picked.push(r.value as string);
  }
  return picked.length ? { ok: true, value: [...new Set(picked)] } : { ok: false, hint: 'answers.hint.multiple' };
}

function choose(step: AskStep, input: AnswerInput): AnswerResult {
  const options = input.optionValues ?? (step.choices ?? []).map((c) => c.value);
  return step.multiple ? chooseMany(options, input) : chooseOne(options, input);
}

function chooseOne(options: string[], input: AnswerInput): AnswerResult {
  if (typeof input.value === 'string' && options.includes(input.value)) return { ok: true, value: input.value };
  const text = norm(input.text ?? '');
  if (!text) return { ok: false, hint: 'answers.hint.choice' };
  const n = Number(text);
  if (Number.isInteger(n) && n >= 1 && n <= options.length) return { ok: true, value: options[n - 1]! };
  const words = input.choiceWords ?? options.map((v) => ({ value: v, words: [v] }));
  for (const w of words) if (w.words.some((x) => norm(x) === text) || norm(w.value) === text) return { ok: true, value: w.value };
  // A unique label containing what was typed (e.g. "admin" for "Administration").
  const partial = text.length >= 3 ? words.filter((w) => w.words.some((x) => norm(x).includes(text))) : [];
  if (partial.length === 1) return { ok: true, value: partial[0]!.value };
  return { ok: false, hint: 'answers.hint.choice' };
}

/** Reads one answer for an ask step. Pure. */
export function readAnswer(step: AskStep, input: AnswerInput): AnswerResult {
  const text = (input.text ?? '').trim();
  switch (step.type) {
    case 'choice':
      return choose(step, input);
    case 'yesno': {
      if (input.value === true || input.value === 'yes') return { ok: true, value: true };
      if (input.value === false || input.value === 'no') return { ok: true, value: false };
      const t = norm(text);
      const yes = ['yes', 'y', 'yeah', 'yep', 'ok', 'okay', 'sure', 'i agree', 'agree', ...(input.yesWords ?? []).map(norm)];
      const no = ['no', 'n', 'nope', 'nah', 'i do not agree', 'no thanks', ...(input.noWords ?? []).map(norm)];
      if (yes.includes(t)) return { ok: true, value: true };
      if (no.includes(t)) return { ok: true, value: false };
      return { ok: false, hint: 'answers.hint.yesno' };
    }
    case 'text': {
      const min = step.minLength ?? 1;
      const max = step.maxLength ?? 500;
      if (text.length < min) return { ok: false, hint: 'answers.hint.textShort', params: { min } };
      if (text.length > max) return { ok: false, hint: 'answers.hint.textLong', params: { max } };
      return { ok: true, value: text };
    }
    case 'number': {
      const cleaned = text.replace(/,/g, '');
      if (!/^-?\d+(\.\d+)?$/.test(cleaned)) return { ok: false, hint: 'answers.hint.number' };
      const n = Number(cleaned);
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

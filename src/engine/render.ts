import type { TFunction } from 'i18next';
import type { ChoiceWords } from '../flows/answers.ts';
import { getPath } from '../flows/conditions.ts';
import type { AskStep } from '../flows/schema.ts';
import { dirOf, type Translator } from '../i18n.ts';
import type { Choice, Reply } from './reply.ts';

/** Turns keys into Replies in one language. */
export class Renderer {
  readonly t: TFunction;
  readonly dir: 'ltr' | 'rtl';

  /**
   * @param live the languages residents may pick (LANGUAGES_LIVE): a question that sets the
   *   conversation's language offers only these, the current one first (all when absent).
   */
  constructor(
    readonly translator: Translator,
    readonly locale: string,
    readonly live?: readonly string[],
  ) {
    this.t = translator.t(locale);
    this.dir = dirOf(locale);
  }

  /** Translated string (missing keys fall back to English, then to the key itself). */
  s(key: string, params: Record<string, unknown> = {}): string {
    return String((this.t as unknown as (k: string, o: object) => unknown)(key, params));
  }

  text(key: string, params: Record<string, unknown> = {}): Reply {
    return { type: 'text', text: this.s(key, params), locale: this.locale, dir: this.dir };
  }

  choices(key: string, choices: Choice[], params: Record<string, unknown> = {}): Reply {
    return { type: 'choices', text: this.s(key, params), choices, locale: this.locale, dir: this.dir };
  }

  /** The question of an ask step, with buttons for choice and yes/no questions. */
  question(step: AskStep, data: Record<string, unknown>, prefix?: string): Reply[] {
    const text = this.s(step.question, data);
    const full = prefix ? `${prefix}\n\n${text}` : text;
    const buttons = this.buttons(step, data);
    if (buttons.length) return [{ type: 'choices', text: full, choices: buttons, locale: this.locale, dir: this.dir }];
    return [{ type: 'text', text: full, locale: this.locale, dir: this.dir }];
  }

  /** Choices built from data (`choicesFrom`): the list at the path, value and label fields. */
  static dataOptions(step: AskStep, data: Record<string, unknown>): Choice[] {
    if (!step.choicesFrom) return [];
    const list = getPath(data, step.choicesFrom.list);
    if (!Array.isArray(list)) return [];
    return list.flatMap((item: unknown) => {
      if (!item || typeof item !== 'object') return [];
      const o = item as Record<string, unknown>;
      const value = o[step.choicesFrom!.value];
      const label = o[step.choicesFrom!.label];
      return value === undefined ? [] : [{ value: String(value), label: String(label ?? value) }];
    });
  }

  buttons(step: AskStep, data: Record<string, unknown> = {}): Choice[] {
    if (step.type === 'choice' && step.choicesFrom) {
      const options = Renderer.dataOptions(step, data);
      return step.multiple && options.length > 1 ? [...options, { value: '*', label: this.s('answers.allLabel') }] : options;
    }
    if (step.type === 'choice') {
      const options = this.offered(step).map((c) => ({ value: c.value, label: this.s(c.label) }));
      // Buttons pick one each; "All of them" is the one several-answer pick a button can make.
      return step.multiple && options.length > 1 ? [...options, { value: '*', label: this.s('answers.allLabel') }] : options;
    }
    if (step.type === 'yesno') {
      return [
        { value: 'yes', label: this.s('answers.yesLabel') },
        { value: 'no', label: this.s('answers.noLabel') },
      ];
    }
    return [];
  }

  /** Labels and synonyms of each choice in this language and in English. */
  choiceWords(step: AskStep, data: Record<string, unknown> = {}): ChoiceWords[] {
    if (step.choicesFrom) return Renderer.dataOptions(step, data).map((c) => ({ value: c.value, words: [c.label] }));
    const langs = [...new Set([this.locale, 'en'])];
    return this.offered(step).map((c) => ({
      value: c.value,
      words: langs.flatMap((l) => [String(this.translator.t(l)(c.label)), ...(c.synonyms ? this.translator.list(l, c.synonyms) : [])]),
    }));
  }

  /** A step's choices; for a language question (`sets: locale`) only the live languages, the current one first. */
  private offered(step: AskStep): NonNullable<AskStep['choices']> {
    const choices = step.choices ?? [];
    if (step.sets !== 'locale') return choices;
    const live = this.live;
    const kept = live ? choices.filter((c) => live.includes(c.value) || c.value === this.locale) : choices;
    return [...kept.filter((c) => c.value === this.locale), ...kept.filter((c) => c.value !== this.locale)];
  }

  list(key: string): string[] {
    return [...new Set([...this.translator.list(this.locale, key), ...this.translator.list('en', key)])];
  }
}

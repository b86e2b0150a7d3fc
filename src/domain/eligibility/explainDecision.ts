import type { RuleResult } from './ruleResult.ts';

/** Turns an i18n key and its parameters into words in one language (i18next's `t`, bound). */
export type Translate = (key: string, params: Record<string, string | number>, locale: string) => string;

export interface Explainable {
  eligible: boolean;
  approximate: boolean;
  headline: { key: string; params: Record<string, string> };
  reasons: RuleResult[];
  alternatives: { name: string }[];
}

/**
 * The plain-words answer: headline, the rules that decided (a group's failing parts listed
 * under it), a note when the place was guessed, and what else fits. One line each.
 * @example explainDecision(result, (k, p, l) => i18n.t(k, { ...p, lng: l }), 'en').join('\n')
 */
export function explainDecision(r: Explainable, t: Translate, locale: string): string[] {
  const lines = [t(r.headline.key, r.headline.params, locale)];
  if (r.approximate) lines.push(t('eligibility.decision.approximate', {}, locale));
  const say = (x: RuleResult) => t(x.key, wordParams(x, t, locale), locale);
  for (const reason of r.reasons) {
    lines.push(say(reason));
    // A failed or unanswered "one of these" group: say each option, so nothing is unexplained.
    if (reason.type === 'anyOf' && reason.outcome !== 'passed') {
      for (const part of reason.parts ?? []) {
        const line = `• ${say(part)}`;
        if (!lines.includes(line)) lines.push(line);
      }
    }
  }
  if (!r.eligible) {
    lines.push(
      r.alternatives.length > 0
        ? t('eligibility.decision.alternatives', { programmes: r.alternatives.map((a) => a.name).join(', ') }, locale)
        : t('eligibility.decision.noAlternatives', {}, locale),
    );
  }
  return lines;
}

/**
 * Parameters that are lists of ids in the rule result (work situations) turned into words of
 * the language: `allowed: 'unemployed,notWorking'` adds `allowedWords: 'out of work … or …'`.
 */
export function wordParams(r: RuleResult, t: Translate, locale: string): RuleResult['params'] {
  // Lists of places read "Birmingham or Solihull", "A, B or C" in the resident's language.
  if (r.params.allowed !== undefined && /^eligibility\.rule\.(council|ward)\./.test(r.key)) {
    const names = String(r.params.allowed).split(', ');
    const or = ` ${t('eligibility.or', {}, locale)} `;
    return { ...r.params, allowed: names.length > 1 ? `${names.slice(0, -1).join(', ')}${or}${names.at(-1)}` : names.join('') };
  }
  if (r.params.allowed === undefined || !r.key.startsWith('eligibility.rule.employmentStatus.')) return r.params;
  const words = String(r.params.allowed)
    .split(',')
    .map((s) => t(`eligibility.status.${s}`, {}, locale));
  return { ...r.params, allowedWords: words.join(` ${t('eligibility.or', {}, locale)} `) };
}

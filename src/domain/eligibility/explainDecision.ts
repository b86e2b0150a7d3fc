import type { Decision } from './decide.ts';
import type { Outcome, PlaceCheck } from './eligibilityOutcome.ts';
import type { RuleResult } from './ruleResult.ts';

/** Turns an i18n key and its parameters into words in one language (i18next's `t`, bound). */
export type Translate = (key: string, params: Record<string, string | number>, locale: string) => string;

export interface Explainable {
  /** Every programme, decided, in file order. */
  decisions: readonly Decision[];
  outcome: Outcome;
  /** How the postcode came out: an approximate or unavailable check is said plainly first. */
  place: PlaceCheck;
}

/**
 * The plain-words answer, one line each, for every programme: whether the person can join and
 * the rule that decided it, in their language. Programmes that fit come first. Said only when
 * the flow has nothing left to ask (`ask` says nothing: the flow asks its question instead).
 * @example explainDecisions(r, (k, p, l) => i18n.t(k, { ...p, lng: l }), 'en').join('\n')
 */
export function explainDecisions(r: Explainable, t: Translate, locale: string): string[] {
  if (r.outcome === 'ask') return [];
  const lines: string[] = [];
  const add = (line: string) => {
    if (!lines.includes(line)) lines.push(line);
  };
  const say = (x: RuleResult) => t(x.key, wordParams(x, t, locale), locale);
  if (r.place === 'unavailable' || r.place === 'approximate') add(t(`eligibility.postcode.${r.place}`, {}, locale));
  const order = { eligible: 0, notEligible: 1, needMoreAnswers: 2 } as const;
  const sorted = [...r.decisions].sort((a, b) => order[a.status] - order[b.status]);
  for (const d of sorted) {
    const programme = { programme: d.programmeName };
    lines.push(t(`eligibility.decision.${d.status}`, programme, locale));
    const reasons = d.status === 'eligible' ? d.passed : d.status === 'notEligible' ? d.failed : d.missing;
    for (const reason of reasons) {
      const merged = reason.type === 'anyOf' && reason.outcome === 'failed' ? sameWorkReason(reason.parts ?? []) : undefined;
      if (merged) {
        add(say(merged));
        continue;
      }
      add(say(reason));
      // A failed "one of these" group: say each option, so nothing is unexplained.
      if (reason.type === 'anyOf' && reason.outcome === 'failed') for (const part of reason.parts ?? []) add(`• ${say(part)}`);
    }
    if (d.approximate && d.status !== 'needMoreAnswers') add(t('eligibility.decision.approximate', programme, locale));
  }
  if (r.outcome === 'nothingFits') lines.push(t('eligibility.decision.nothingFits', {}, locale));
  if (r.outcome === 'postcodeDown') lines.push(t('eligibility.decision.postcodeDown', {}, locale));
  return lines;
}

/**
 * When every option of a failed "one of these" group failed on the work question alone (I Can:
 * "out of work", or "young and not working"), one sentence with all the work situations that
 * would do says it better than a list of near-identical lines.
 */
function sameWorkReason(parts: RuleResult[]): RuleResult | undefined {
  const work = parts.filter((p) => p.key === 'eligibility.rule.employmentStatus.failed');
  if (work.length < 2 || work.length !== parts.length) return undefined;
  const allowed = [...new Set(work.flatMap((p) => String(p.params.allowed).split(',')))].join(',');
  return { ...work[0]!, params: { ...work[0]!.params, allowed } };
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

import { z } from 'zod';
import type { Profile } from './profile.ts';
import type { Programme } from './programmeSchema.ts';
import { evaluateRule } from './evaluateRule.ts';
import { profileFieldSchema, ruleResultSchema, type ProfileField, type RuleResult } from './ruleResult.ts';

export const decisionSchema = z.object({
  programme: z.string(),
  programmeName: z.string(),
  /** True only when no rule failed and none is waiting for an answer. */
  eligible: z.boolean(),
  status: z.enum(['eligible', 'notEligible', 'needMoreAnswers']),
  /** True when a rule that counted rests on a council guessed from the postcode district. */
  approximate: z.boolean(),
  passed: z.array(ruleResultSchema),
  failed: z.array(ruleResultSchema),
  missing: z.array(ruleResultSchema),
  /** Profile fields still to ask for, in rule order. */
  needs: z.array(profileFieldSchema),
});
export type Decision = z.infer<typeof decisionSchema>;

const londonDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

function cohortResult(programme: Programme, now: Date): RuleResult | undefined {
  const c = programme.cohort;
  if (!c || (!c.opens && !c.closes)) return undefined;
  const today = londonDate.format(now); // YYYY-MM-DD, compared as text
  const base = { rule: 'cohort', type: 'cohort' };
  if (c.opens && today < c.opens) return { ...base, outcome: 'failed', key: 'eligibility.rule.cohort.notOpen', params: { opens: c.opens } };
  if (c.closes && today > c.closes) return { ...base, outcome: 'failed', key: 'eligibility.rule.cohort.closed', params: { closes: c.closes } };
  return { ...base, outcome: 'passed', key: 'eligibility.rule.cohort.passed', params: { ...(c.closes && { closes: c.closes }) } };
}

/**
 * Decides one programme for one profile. Pure: same input, same answer; `now` only matters
 * for cohort dates. Every rule reports passed, failed (with why) or missing (with what to ask).
 * @example decide({ age: 17 }, ican, new Date()).missing[0].needs // ['employmentStatus']
 */
export function decide(profile: Profile, programme: Programme, now: Date): Decision {
  const results = programme.rules.map((r) => evaluateRule(r, profile));
  const cohort = cohortResult(programme, now);
  if (cohort) results.unshift(cohort);
  // Every reason names its programme ("I Can is for people who…"), so each result carries it.
  const named = (r: RuleResult): RuleResult => ({ ...r, params: { ...r.params, programme: programme.name }, ...(r.parts && { parts: r.parts.map(named) }) });
  results.splice(0, results.length, ...results.map(named));
  const by = (o: RuleResult['outcome']) => results.filter((r) => r.outcome === o);
  const [passed, failed, missing] = [by('passed'), by('failed'), by('missing')];
  const status = failed.length > 0 ? 'notEligible' : missing.length > 0 ? 'needMoreAnswers' : 'eligible';
  const needs: ProfileField[] = [...new Set(missing.flatMap((r) => r.needs ?? []))];
  // A failed programme is failed whatever the guess; only results that decided it count.
  const deciding = status === 'notEligible' ? failed : results;
  return {
    programme: programme.id,
    programmeName: programme.name,
    eligible: status === 'eligible',
    status,
    approximate: deciding.some((r) => r.approximate === true),
    passed,
    failed,
    missing,
    needs,
  };
}

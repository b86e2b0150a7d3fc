import { z } from 'zod';
import type { Decision } from './decide.ts';
import type { ProfileField } from './ruleResult.ts';

/**
 * What the flow does next, after every programme was decided:
 * - `ask`: an answer is truly missing (or the postcode was wrong): ask `askFor`, then check again;
 * - `eligible`: at least one programme fits;
 * - `postcodeDown`: nothing fits yet, and only the postcode service can tell (it is down);
 * - `nothingFits`: every programme said no; offer what else there is.
 */
export const outcomeSchema = z.enum(['ask', 'eligible', 'postcodeDown', 'nothingFits']);
export type Outcome = z.infer<typeof outcomeSchema>;

/** How the postcode the person typed came out, if there was one. */
export type PlaceCheck = 'none' | 'exact' | 'approximate' | 'unavailable' | 'invalid' | 'notFound';

export interface EligibilityOutcome {
  outcome: Outcome;
  /** The one thing to ask next (only for `ask`). */
  askFor: ProfileField | null;
}

/**
 * Pure. Never asks again for what was answered: a postcode that was typed but could not be
 * checked (service down) is not asked for again; it makes the outcome `postcodeDown` instead.
 * @example eligibilityOutcome(decisions, 'exact') // { outcome: 'nothingFits', askFor: null }
 */
export function eligibilityOutcome(decisions: readonly Decision[], place: PlaceCheck): EligibilityOutcome {
  if (place === 'invalid' || place === 'notFound') return { outcome: 'ask', askFor: 'postcode' };
  const postcodeTyped = place !== 'none';
  const undecided = decisions.filter((d) => d.status === 'needMoreAnswers');
  const askable = undecided.flatMap((d) => d.needs).filter((f) => !(f === 'postcode' && postcodeTyped));
  if (askable.length > 0) return { outcome: 'ask', askFor: askable[0]! };
  if (decisions.some((d) => d.eligible)) return { outcome: 'eligible', askFor: null };
  if (undecided.length > 0) return { outcome: 'postcodeDown', askFor: null };
  return { outcome: 'nothingFits', askFor: null };
}

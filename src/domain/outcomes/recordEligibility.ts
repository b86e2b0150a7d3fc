import type { Queryable } from '../../store/db.ts';
import { ageBandOf, recordFunnelEvent, setReachProfile } from '../../store/funnelEvents.ts';
import type { Decision } from '../eligibility/decide.ts';
import type { Profile } from '../eligibility/profile.ts';

/**
 * An eligibility decision, for the figures: first the coarse place and age the answers gave (ward
 * code, IMD decile, age band — never the postcode or the age) and the programme, so this event and
 * every later one count there; then the `eligibility` event with the decision and, when not
 * eligible, the id of the rule that failed. Nothing is written before consent (no subject).
 */
export async function recordEligibilityDecision(tx: Queryable, conversationId: string, profile: Profile, decision: Decision, at: Date): Promise<void> {
  await setReachProfile(tx, conversationId, {
    wardCode: profile.ward ?? null,
    imdDecile: profile.imdDecile ?? null,
    ageBand: ageBandOf(profile.age ?? profile.ageBand),
    programmeId: decision.programme,
  });
  await recordFunnelEvent(tx, conversationId, 'eligibility', at, {
    programmeId: decision.programme,
    eligible: decision.eligible,
    rule: decision.eligible ? null : (decision.failed[0]?.rule ?? null),
  });
}

import { consentedSql } from '../../store/funnelEvents.ts';
import type { TurnStep } from '../pipeline.ts';

/**
 * Records a consent answer; a refusal keeps nothing the resident typed. Consent to keep answers
 * gives the conversation its funnel subject (`consented`, in the turn's commit): before it, the
 * figures hold only the anonymous `started` count.
 */
export const consent: TurnStep = async (t, next) => {
  if (t.consent !== undefined) {
    t.changes.consent = t.consent;
    if (t.consent) t.extraSql.push(consentedSql(t.conv.id, t.locale, t.turn.receivedAt));
    else {
      t.keepInbound = false;
      t.eraseMessages = true;
    }
  }
  return next();
};

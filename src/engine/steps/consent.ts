import type { TurnStep } from '../pipeline.ts';

/** Records a consent answer; a refusal keeps nothing the resident typed. */
export const consent: TurnStep = async (t, next) => {
  if (t.consent !== undefined) {
    t.changes.consent = t.consent;
    if (!t.consent) {
      t.keepInbound = false;
      t.eraseMessages = true;
    }
  }
  return next();
};

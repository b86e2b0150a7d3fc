import { flowPosition } from '../flowPosition.ts';
import type { TurnStep } from '../pipeline.ts';
import { ageOf, requestHandoff } from '../requestHandoff.ts';
import { dataOf, ownerOf } from '../turnState.ts';

/**
 * Every typed message is checked for a safeguarding signal before anything else can swallow it:
 * signposting at once, and an urgent handoff (or an open one made urgent). During a handoff the
 * message still reaches the adviser (the next step relays it).
 */
export const safeguarding: TurnStep = async (t, next) => {
  const check = t.deps.safeguarding;
  if (!t.turn.text || !check) return next();
  const { flow, snapshot } = await flowPosition(t);
  const data = dataOf(snapshot);
  const age = ageOf(flow.flow, data);
  const s = check.check(t.turn.text, t.locale, age ? { ageBand: age } : {});
  if (!s.matched) return next();
  const withPerson = ownerOf(t) === 'person';
  t.replies.push(...s.replies);
  await requestHandoff(t, 'safeguarding', 'urgent', data);
  if (withPerson) return next();
};

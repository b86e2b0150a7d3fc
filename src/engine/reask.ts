import { flowPosition, waitingAsk } from './flowPosition.ts';
import { dataOf, ownerOf, type TurnState } from './turnState.ts';

/** Repeats the question the flow waits on (after help, a language change, an apology…). */
export async function reask(t: TurnState): Promise<void> {
  if (ownerOf(t) === 'person') return;
  const { flow, snapshot } = await flowPosition(t);
  if (!snapshot) return;
  const ask = waitingAsk(snapshot, flow);
  if (ask) t.replies.push(...t.r.question(ask, dataOf(snapshot)));
}

import { commandOf } from '../commandOf.ts';
import type { TurnStep } from '../pipeline.ts';
import { ownerOf } from '../turnState.ts';

/**
 * While a person owns the conversation the flow is paused: each message is stored and relayed
 * to the adviser in the turn's transaction. Global commands ("help", "start again", "talk to a
 * person"…) still answer: they go on to the next step instead.
 */
export const handoffRouting: TurnStep = async (t, next) => {
  const handoffs = t.deps.handoffs;
  if (ownerOf(t) !== 'person' || !handoffs || commandOf(t)) return next();
  const out = await handoffs.relayResidentMessage(
    // The inbound message is the turn's first, right after the last stored one.
    { conversationId: t.conv.id, seq: t.conv.last_seq + 1, ...(t.turn.text !== undefined ? { text: t.turn.text } : {}), value: t.turn.value, locale: t.locale },
    t.tx,
  );
  t.replies.push(...out.replies);
};

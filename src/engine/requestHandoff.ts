import { getPath } from '../flows/conditions.ts';
import type { Flow } from '../flows/schema.ts';
import { flowPosition } from './flowPosition.ts';
import type { HandoffReason } from './port.ts';
import { dataOf, type TurnState } from './turnState.ts';

/** The card's facts as the flow declares them (`summary:`), skipping what was not asked. */
export function handoffSummary(flow: Flow, data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [label, path] of Object.entries(flow.summary)) {
    const v = getPath(data, path);
    if (v !== undefined && v !== null && v !== '') out[label] = v;
  }
  return out;
}

/** The resident's age as the flow declares it (`profile.age`), for the youth helplines. */
export function ageOf(flow: Flow, data: Record<string, unknown>): string | undefined {
  const v = flow.profile.age ? getPath(data, flow.profile.age) : undefined;
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

/** Asks for a person in the turn's transaction; the conversation is the adviser's from then on. */
export async function requestHandoff(t: TurnState, reason: HandoffReason, urgency: 'normal' | 'urgent', data?: Record<string, unknown>): Promise<void> {
  const { handoffs } = t.deps;
  if (!handoffs) {
    t.replies.push(t.r.text('engine.handoffUnavailable'));
    return;
  }
  const { flow, snapshot } = await flowPosition(t);
  const answers = data ?? dataOf(snapshot);
  const partner = flow.flow.profile.partner ? getPath(answers, flow.flow.profile.partner) : undefined;
  const age = ageOf(flow.flow, answers);
  const out = await handoffs.request(
    {
      conversationId: t.conv.id,
      reason,
      urgency,
      locale: t.locale,
      summary: handoffSummary(flow.flow, answers),
      ...(age ? { age } : {}),
      ...(typeof partner === 'string' && partner ? { partner } : {}),
    },
    t.tx,
  );
  t.replies.push(...out.replies);
  t.changes.owner = 'person';
}

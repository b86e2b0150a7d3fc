import { flowPosition } from '../flowPosition.ts';
import type { TurnStep } from '../pipeline.ts';
import { requestHandoff } from '../requestHandoff.ts';
import { dataOf } from '../turnState.ts';

/**
 * A conversation the live flow release orphaned (its step, flow or wording is gone) is never
 * restarted silently. The release's `orphan_policy` decides: `handoff` tells the resident and hands
 * them to an adviser with their answers so far; `restart` (and a release without a policy) tells
 * them the questions have changed and starts the flow again.
 */
export const flowChanged: TurnStep = async (t, next) => {
  if (t.command) return next();
  const position = await flowPosition(t);
  if (!position.orphaned) return next();
  const policy = t.flows.release?.orphanPolicy ?? 'restart';
  t.deps.logger.info({ conversationId: t.conv.id, flowId: t.conv.flow_id, policy }, 'orphaned conversation at its next turn');
  const fresh = { flow: position.flow, snapshot: undefined };
  if (policy === 'handoff' && t.deps.handoffs) {
    t.replies.push(t.r.text('engine.flowChangedHandoff'));
    await requestHandoff(t, 'flow_changed', 'normal', dataOf(t.conv.snapshot));
    // Back with the bot later, it starts the live flow from the beginning.
    t.position = fresh;
    t.changes = { ...t.changes, snapshot: null, flowId: fresh.flow.id, flowVersion: fresh.flow.version };
    return;
  }
  t.replies.push(t.r.text('engine.flowChangedRestart'));
  t.position = fresh;
  return next();
};

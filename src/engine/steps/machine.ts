import type { Intent } from '../../flows/compile.ts';
import { resolveParams } from '../../flows/conditions.ts';
import { EngineError, flowPosition } from '../flowPosition.ts';
import { FlowRun } from '../flowRun.ts';
import type { TurnStep } from '../pipeline.ts';
import { requestHandoff } from '../requestHandoff.ts';
import { switchLocale } from '../switchLocale.ts';
import { ActionError } from '../runAction.ts';
import type { TurnState } from '../turnState.ts';

/**
 * Runs the flow with the turn's event until it waits for input again. A `call` intent runs its
 * domain action in the turn's transaction and goes back to the machine as `action.done` or
 * `action.failed`; a flow left in its failure state (no `onError` step) fails the whole turn,
 * so nothing of it is kept and the resident is told it did not go through.
 */
export const machine: TurnStep = async (t, next) => {
  const { flow, snapshot } = await flowPosition(t);
  const run = new FlowRun(flow, snapshot);
  let ended = false;
  try {
    let intents = run.start(t.event);
    for (;;) {
      let call: Extract<Intent, { type: 'call' }> | undefined;
      let only: string | undefined;
      for (const intent of intents) {
        if (intent.type === 'call') call = intent;
        else if (intent.type === 'end') ended = true;
        else if ((intent.type === 'ask' || intent.type === 'hint') && (only = onlyLanguage(t, intent.path, run.data)) !== undefined) continue;
        else await perform(t, intent, run.data);
      }
      if (call) intents = run.send(await callAction(t, call));
      else if (only !== undefined) {
        // One language to offer: chosen without asking, as if its button had been pressed.
        switchLocale(t, only);
        intents = run.send({ type: 'ANSWER', value: only });
      } else break;
    }
    if (run.snapshot.hasTag('actionFailed')) throw new EngineError('turn_failed', 'a domain action failed and the flow has no onError step');
    t.changes = {
      ...t.changes,
      // An ended flow keeps its final snapshot (answers for the record); the next message starts afresh.
      snapshot: run.persisted(),
      flowId: flow.id,
      flowVersion: flow.version,
      status: ended ? 'ended' : 'active',
    };
  } finally {
    run.stop();
  }
  return next();
};

/**
 * The language question (`sets: locale`) when it would offer one language only (LANGUAGES_LIVE
 * leaves English alone, and the conversation is in it): that language, answered by the engine so
 * the resident never sees a one-button question. Undefined for any other question.
 */
function onlyLanguage(t: TurnState, path: string, data: Record<string, unknown>): string | undefined {
  const step = t.position!.flow.asks.get(path);
  if (step?.sets !== 'locale') return undefined;
  const offered = t.r.buttons(step, data);
  return offered.length === 1 ? offered[0]!.value : undefined;
}

async function callAction(t: TurnState, call: Extract<Intent, { type: 'call' }>) {
  try {
    const output = await t.deps.runAction(call.action, call.params, {
      conversationId: t.conv.id,
      activityId: t.turn.activityId,
      channel: t.turn.channel,
      userId: t.turn.user.id,
      locale: t.locale,
      tx: t.tx,
      now: t.turn.receivedAt,
    });
    return { type: 'action.done' as const, output };
  } catch (err) {
    // The runner undid the action's writes; the flow decides (its onError step, or the failure state).
    if (err instanceof ActionError) return { type: 'action.failed' as const, code: err.code };
    throw err;
  }
}

/** Turns one intent into replies (or a handoff) in the resident's language. */
async function perform(t: TurnState, intent: Exclude<Intent, { type: 'call' | 'end' }>, data: Record<string, unknown>): Promise<void> {
  const { r, position } = t;
  const asks = position!.flow.asks;
  switch (intent.type) {
    case 'say':
      for (const k of intent.keys) t.replies.push(r.text(k, { ...data, ...resolveParams(intent.params, data) }));
      return;
    case 'ask': {
      const step = asks.get(intent.path);
      if (step) t.replies.push(...r.question(step, data));
      return;
    }
    case 'hint': {
      const step = asks.get(intent.path);
      if (step) t.replies.push(...r.question(step, data, r.s(intent.hint, intent.params)));
      return;
    }
    case 'offerPerson':
      t.replies.push(
        r.choices('engine.offerPerson', [
          { value: 'cmd:person', label: r.s('engine.talkToPerson') },
          { value: 'cmd:retry', label: r.s('engine.tryAgain') },
        ]),
      );
      return;
    case 'handoff':
      return requestHandoff(t, intent.reason, 'normal', data);
    default: {
      const never: never = intent;
      throw new Error(`unknown intent ${JSON.stringify(never)}`);
    }
  }
}

import type { FlowCatalog } from '../flows/catalog.ts';
import type { Queryable } from '../store/db.ts';
import { readConversationPosition } from '../store/handoffs.ts';
import { waitingAsk } from './flowPosition.ts';
import { Renderer } from './render.ts';
import type { Reply } from './reply.ts';
import { dataOf } from './turnState.ts';

/**
 * The question a conversation's flow is waiting on, asked again in the conversation's
 * language: what an adviser's "Return to bot" adds after "You're back with the assistant", so
 * the resident is not left guessing what to answer. Read outside a turn (no TurnState): the
 * flow at the version the conversation runs on (live, cached, or rebuilt from its stored
 * text), its snapshot's waiting ask step, and the same Renderer a turn uses. Empty when the
 * conversation has ended, has not started a flow, or waits on no question.
 *
 * @example
 *   const again = await pendingQuestion(catalog, tx, 'conv-1'); // [{ type: 'choices', text: 'How old are you?', … }]
 */
export async function pendingQuestion(catalog: FlowCatalog, tx: Queryable, conversationId: string): Promise<Reply[]> {
  const conv = await readConversationPosition(tx, conversationId);
  if (!conv || conv.status === 'ended' || !conv.snapshot || !conv.flowId) return [];
  const set = catalog.current;
  const live = set.flows.get(conv.flowId);
  const flow = !conv.flowVersion || live?.version === conv.flowVersion ? live : ((await catalog.get(conv.flowId, conv.flowVersion, tx)) ?? live);
  if (!flow) return [];
  const ask = waitingAsk(conv.snapshot, flow);
  if (!ask) return [];
  return new Renderer(set.translator, conv.locale).question(ask, dataOf(conv.snapshot));
}

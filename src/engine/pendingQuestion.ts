import type { FlowSource } from '../flows/flowSource.ts';
import type { Queryable } from '../store/db.ts';
import type { Logger } from 'pino';
import { liveLanguages, type LiveLanguagesSetting } from '../languages/live.ts';
import { readFlowPosition } from '../store/conversations.ts';
import { resolvePosition, waitingAsk } from './flowPosition.ts';
import { Renderer } from './render.ts';
import type { Reply } from './reply.ts';
import { dataOf } from './turnState.ts';

/**
 * The question a conversation's flow is waiting on, asked again in the conversation's
 * language: what an adviser's "Return to bot" adds after "You're back with the assistant", so
 * the resident is not left guessing what to answer. Read outside a turn: the same
 * `resolvePosition` a turn uses (version kept, or moved by a declared migration), its waiting
 * ask step, and the same Renderer. Empty when the conversation has ended, has not started a
 * flow, or waits on no question.
 *
 * @example
 *   const again = await pendingQuestion(catalog, tx, 'conv-1'); // [{ type: 'choices', text: 'How old are you?', … }]
 */
export async function pendingQuestion(catalog: FlowSource, tx: Queryable, conversationId: string, logger: Logger, languagesLive: LiveLanguagesSetting = 'all'): Promise<Reply[]> {
  const conv = await readFlowPosition(tx, conversationId);
  if (!conv?.flow_id) return [];
  const set = catalog.current;
  // The conversation's own flow or nothing: a flow that has gone has no question to repeat.
  const position = await resolvePosition(conv, { flows: set, catalog, startFlow: conv.flow_id, tx, logger });
  const ask = position?.snapshot ? waitingAsk(position.snapshot, position.flow) : undefined;
  const live = liveLanguages(languagesLive, set.files, set.translator.languages);
  return ask ? new Renderer(set.translator, conv.locale, live).question(ask, dataOf(position!.snapshot)) : [];
}

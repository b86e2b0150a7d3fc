import { smallTalkOf } from '../../flows/smallTalk.ts';
import { smallTalkWords } from '../answerWords.ts';
import type { TurnStep } from '../pipeline.ts';

/**
 * "Thanks", "ok" or "bye" after a conversation has ended is answered kindly, with a button to
 * start again, instead of starting the whole greeting over. A greeting, "start again" or
 * anything else starts afresh as before.
 */
export const afterTheEnd: TurnStep = async (t, next) => {
  if (t.conv.status !== 'ended' || t.command || !t.turn.text) return next();
  const talk = smallTalkOf(t.turn.text, smallTalkWords(t.r));
  if (talk !== 'thanks' && talk !== 'ok' && talk !== 'bye') return next();
  t.replies.push(t.r.choices(`answers.ended.${talk === 'bye' ? 'bye' : 'thanks'}`, [{ value: 'cmd:restart', label: t.r.s('engine.startAgain') }]));
};

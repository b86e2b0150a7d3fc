import { recordPrivacyAction } from '../../store/privacyAudit.ts';
import { commandOf } from '../commandOf.ts';
import type { TurnStep } from '../pipeline.ts';
import { ownerOf, type TurnState } from '../turnState.ts';

/** "Delete my data": erases everything of the conversation, in every state, a handoff included. */
export async function deleteData(t: TurnState, say: string | undefined): Promise<void> {
  if (ownerOf(t) === 'person' && t.deps.handoffs) await t.deps.handoffs.residentLeft({ conversationId: t.conv.id, reason: 'erased', locale: t.locale }, t.tx);
  for (const erase of t.deps.erasers) await erase(t.tx, t.conv.id);
  await recordPrivacyAction(t.tx, { conversationId: t.conv.id, action: 'erased', actor: 'resident', at: t.turn.receivedAt });
  t.replies = [t.r.text(say ?? 'engine.dataDeleted')];
  t.changes = { snapshot: null, flowId: null, flowVersion: null, consent: false, status: 'ended', owner: 'bot', wipeIdentity: true };
  t.eraseMessages = true;
  t.keepInbound = false;
}

/** "Stop": the conversation ends (an open handoff is closed: the adviser is told the resident left). */
export async function stopConversation(t: TurnState, say: string | undefined): Promise<void> {
  if (ownerOf(t) === 'person' && t.deps.handoffs) await t.deps.handoffs.residentLeft({ conversationId: t.conv.id, reason: 'stopped', locale: t.locale }, t.tx);
  t.replies.push(t.r.text(say ?? 'engine.stopped'));
  t.changes = { ...t.changes, snapshot: null, status: 'ended', owner: 'bot' };
}

/** Privacy commands come before everything else, even a handoff in progress: they always answer. */
export const privacyCommands: TurnStep = async (t, next) => {
  const command = commandOf(t);
  if (command?.do === 'deleteData') return deleteData(t, command.say);
  if (command?.do === 'stop') return stopConversation(t, command.say);
  return next();
};

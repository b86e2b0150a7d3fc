import { ActionError } from '../runAction.ts';
import { commandOf } from '../commandOf.ts';
import { EngineError, restartFlow } from '../flowPosition.ts';
import type { TurnStep } from '../pipeline.ts';
import { reask } from '../reask.ts';
import { requestHandoff } from '../requestHandoff.ts';
import { ownerOf } from '../turnState.ts';
import { deleteData, stopConversation } from './privacyCommands.ts';

/** Help, start again, change language, talk to a person, and quick questions (`do: call`). */
export const globalCommands: TurnStep = async (t, next) => {
  const command = commandOf(t);
  if (!command) return next();
  switch (command.do) {
    case 'say':
      t.replies.push(t.r.text(command.say ?? 'commands.help.reply'));
      return reask(t);
    case 'changeLanguage':
      {
        // The live languages, the current one first (kept even if it was taken off since).
        const offered = [t.locale, ...t.live.filter((l) => l !== t.locale)];
        t.replies.push(t.r.choices(command.say ?? 'engine.chooseLanguage', offered.map((l) => ({ value: `lang:${l}`, label: t.r.s(`languages.${l}`) }))));
      }
      return;
    case 'handoff':
      // Already with a person: the handoff service says so ("you are in the queue…").
      return requestHandoff(t, 'resident_asked', 'normal');
    case 'call': {
      let result: Record<string, unknown>;
      try {
        const params = { ...command.params, ...(command.match === 'start' ? { rest: t.commandRest ?? '' } : {}) };
        result = (await t.deps.runAction(command.call ?? '', params, { conversationId: t.conv.id, activityId: t.turn.activityId, channel: t.turn.channel, userId: t.turn.user.id, locale: t.locale, tx: t.tx, now: t.turn.receivedAt })) as Record<string, unknown>;
      } catch (err) {
        // Undone by the runner; the whole turn is rolled back and the resident told it did not go through.
        if (err instanceof ActionError) throw new EngineError('turn_failed', `command ${command.id} did not go through`, { cause: err });
        throw err;
      }
      // A result's `type` picks the wording variant (i18next context: key_found, key_none…).
      t.replies.push(t.r.text(command.say ?? 'engine.actionFailed', { ...result, ...(typeof result.type === 'string' ? { context: result.type } : {}) }));
      return reask(t);
    }
    case 'restart':
      if (ownerOf(t) === 'person' && t.deps.handoffs) {
        await t.deps.handoffs.residentLeft({ conversationId: t.conv.id, reason: 'restarted', locale: t.locale }, t.tx);
        t.changes.owner = 'bot';
      }
      restartFlow(t);
      return next();
    case 'deleteData':
      return deleteData(t, command.say);
    case 'stop':
      return stopConversation(t, command.say);
    default: {
      const never: never = command.do;
      throw new Error(`unknown command ${String(never)}`);
    }
  }
};

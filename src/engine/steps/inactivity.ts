import { flowPosition } from '../flowPosition.ts';
import type { TurnStep } from '../pipeline.ts';
import { reask } from '../reask.ts';

/** After a long gap, ask whether to carry on or start again, rather than take the message as an answer. */
export const inactivity: TurnStep = async (t, next) => {
  const { snapshot } = await flowPosition(t);
  if (!snapshot || t.command) return next();
  if (t.turn.value === 'cmd:continue' || t.turn.value === 'cmd:retry') return reask(t);
  const minutes = t.deps.inactivityMinutes;
  const idle = (t.turn.receivedAt.getTime() - new Date(t.conv.last_activity_at).getTime()) / 60_000;
  if (!minutes || idle <= minutes) return next();
  t.replies.push(
    t.r.choices('engine.welcomeBack', [
      { value: 'cmd:continue', label: t.r.s('engine.carryOn') },
      { value: 'cmd:restart', label: t.r.s('engine.startAgain') },
    ]),
  );
};

import type { TurnStep } from '../pipeline.ts';

/** Files could hold anything (documents, photos of IDs): we never take them in chat. */
export const refuseFiles: TurnStep = async (t, next) => {
  if (!t.turn.attachments) return next();
  t.replies.push(t.r.text('engine.fileRefused'));
  if (t.turn.text !== undefined || t.turn.value !== undefined) return next();
};

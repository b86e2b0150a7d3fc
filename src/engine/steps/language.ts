import type { TurnStep } from '../pipeline.ts';
import { reask } from '../reask.ts';
import { Renderer } from '../render.ts';

/** The language buttons offered by "change language" (`lang:<code>`). */
export const language: TurnStep = async (t, next) => {
  const v = t.turn.value;
  if (typeof v !== 'string' || !v.startsWith('lang:')) return next();
  const lng = v.slice(5);
  if (!t.flows.translator.languages.includes(lng)) return next();
  t.locale = lng;
  t.r = new Renderer(t.flows.translator, lng);
  t.changes.locale = lng;
  t.replies.push(t.r.text('engine.languageChanged'));
  return reask(t);
};

import { sameWords } from '../../flows/answerText.ts';
import { languageWords, namedLanguage } from '../../languages/words.ts';
import { commandOf } from '../commandOf.ts';
import { flowPosition, restartFlow, waitingAsk } from '../flowPosition.ts';
import type { TurnStep } from '../pipeline.ts';
import { reask } from '../reask.ts';
import { detectedLanguage, isFirstMessage, pageLanguage, switchLocale } from '../switchLocale.ts';
import { dataOf } from '../turnState.ts';

/**
 * The language buttons offered by "change language" (`lang:<code>`): a live language, or the
 * one the conversation is already in (a language taken off LANGUAGES_LIVE strands nobody).
 */
export const language: TurnStep = async (t, next) => {
  const v = t.turn.value;
  if (typeof v !== 'string' || !v.startsWith('lang:')) return next();
  const lng = v.slice(5);
  if (!t.live.includes(lng) && lng !== t.locale) return next();
  switchLocale(t, lng);
  t.replies.push(t.r.text('engine.languageChanged'));
  return reask(t);
};

/**
 * Question types at which a name with other words around it is no switch: "I am Polish", "im
 * romanian" answer "Do you have the right to work in the UK?" or "Tell us about yourself" with
 * something about the resident. There only a bare name as listed ("Polish", "in Polish", "po
 * polsku", "عربي") switches; at a choice or number question (and before any question) filler
 * words around a name still do ("in Polish please", "I want Urdu").
 */
const BARE_NAME_ONLY: ReadonlySet<string> = new Set(['yesno', 'text']);

/**
 * A message that only names a language, in any of our languages, with filler words ("in Polish
 * please", "po polsku", "عربي", "বাংলা"), switches to it at any point: "OK, I will use …" in the
 * new language and the question again. Not on the language question itself (it is the answer
 * there), nor where the message is one of the waiting question's own options. At a yes/no or
 * free-text question only a bare name switches (`BARE_NAME_ONLY`). Free-text questions switch
 * too: the flows' only one ("why would you like to work with patients?", at least 10
 * characters) has no language name as a plausible answer (docs/languages.md).
 */
export const languageNaming: TurnStep = async (t, next) => {
  const text = t.turn.text;
  if (!text || commandOf(t)) return next();
  const words = languageWords(t.flows.translator);
  if (!namedLanguage(text, words, t.live)) return next();
  const { flow, snapshot } = await flowPosition(t);
  const ask = snapshot ? waitingAsk(snapshot, flow) : undefined;
  if (ask?.sets === 'locale') return next();
  const code = namedLanguage(text, words, t.live, { bare: ask !== undefined && BARE_NAME_ONLY.has(ask.type) });
  if (!code) return next();
  if (ask && t.r.choiceWords(ask, dataOf(snapshot)).some((c) => c.words.some((w) => sameWords(w, text)))) return next();
  switchLocale(t, code);
  // Nothing asked yet (a new or ended conversation): the flow starts in the language named.
  if (!ask) return next();
  t.replies.push(t.r.text('engine.languageChanged'));
  return reask(t);
};

/**
 * The resident's first message, clearly in another live language than the conversation's (and
 * no page or widget language given): the greeting and the language question come in that
 * language, with it first among the buttons, so one press confirms it or picks another.
 */
export const firstMessageLanguage: TurnStep = async (t, next) => {
  if (!t.turn.text || commandOf(t) || pageLanguage(t) || !(await isFirstMessage(t))) return next();
  // "اردو میں", "polski": a language named is the language question's answer (or, first, the naming step's).
  if (namedLanguage(t.turn.text, languageWords(t.flows.translator), t.flows.translator.languages)) return next();
  const detected = detectedLanguage(t);
  if (!detected) return next();
  switchLocale(t, detected.code);
  // Waiting on the language question already (the channel's greeting turn): greet again in the new language.
  if (!t.conv.created) restartFlow(t);
  return next();
};

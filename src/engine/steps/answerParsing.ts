import { readAnswer } from '../../flows/answers.ts';
import { sameWords } from '../../flows/answerText.ts';
import { smallTalkOf } from '../../flows/smallTalk.ts';
import { listWords, smallTalkWords } from '../answerWords.ts';
import { askWhichOne, clarify } from '../clarify.ts';
import { flowPosition, waitingAsk } from '../flowPosition.ts';
import type { TurnStep } from '../pipeline.ts';
import { recordConsentAnswer } from '../recordConsent.ts';
import { Renderer } from '../render.ts';
import { switchLocale } from '../switchLocale.ts';
import { dataOf } from '../turnState.ts';

/**
 * Reads the message as an answer to the question the flow waits on: typed or pressed, in the
 * resident's language. A greeting, thanks or "not sure" that is not itself an answer is
 * answered here (not counted as a failed try); two options fitting equally are asked about;
 * anything else that does not fit becomes an INVALID event with a hint.
 */
export const answerParsing: TurnStep = async (t, next) => {
  const { flow, snapshot } = await flowPosition(t);
  const ask = snapshot && !t.command ? waitingAsk(snapshot, flow) : undefined;
  if (!ask) return next();
  const data = dataOf(snapshot);
  const { r } = t;
  const choiceWords = r.choiceWords(ask, data);
  let res = readAnswer(ask, {
    text: t.turn.text,
    value: t.turn.value,
    choiceWords,
    ...(ask.choicesFrom ? { optionValues: Renderer.dataOptions(ask, data).map((c) => c.value) } : {}),
    // The language question: live languages only, the current one first, as shown ("2" is the second button).
    ...(ask.sets === 'locale' ? { optionValues: r.buttons(ask, data).map((c) => c.value) } : {}),
    allWords: r.list('answers.allWords'),
    yesWords: r.list('answers.yesWords'),
    noWords: r.list('answers.noWords'),
    lists: listWords(r),
    now: t.turn.receivedAt,
  });
  const text = t.turn.text;
  // "Yes" at the language question keeps the language the bot speaks (offered first: after a
  // first message in Polish, "tak" means Polish).
  if (!res.ok && ask.sets === 'locale' && text && choiceWords.some((c) => c.value === t.locale)) {
    const yes = readAnswer({ ...ask, type: 'yesno' }, { text, yesWords: r.list('answers.yesWords'), noWords: r.list('answers.noWords'), lists: listWords(r) });
    if (yes.ok && yes.value === true) res = { ok: true, value: t.locale };
  }
  const talk = text ? smallTalkOf(text, smallTalkWords(r)) : undefined;
  // A free-text question would take "hi" as its answer; elsewhere only a non-answer is small talk,
  // and "not sure", "thank you", "hello" or "bye" win over an answer read from one of their words
  // ("not sure" is no "sure"; "thank you" is no "no thank you") unless the message is, word for word,
  // an option's own words. "ok" on its own is an answer (yes).
  const ownWords =
    talk !== undefined &&
    talk !== 'ok' &&
    (choiceWords.some((w) => w.words.some((x) => sameWords(x, text!))) ||
      (ask.type === 'yesno' && [...r.list('answers.yesWords'), ...r.list('answers.noWords')].some((x) => sameWords(x, text!))));
  if (talk && (!res.ok || ask.type === 'text' || (talk !== 'ok' && !ownWords))) return clarify(t, ask, data, talk);
  if (!res.ok && res.ambiguous) return askWhichOne(t, ask, data, res.ambiguous, res.hint);
  if (!res.ok) {
    t.event = { type: 'INVALID', hint: ask.hint ?? res.hint, params: res.params ?? {} };
    return next();
  }
  t.event = { type: 'ANSWER', value: res.value };
  if (ask.sets === 'locale' && typeof res.value === 'string' && (t.live.includes(res.value) || res.value === t.locale)) switchLocale(t, res.value);
  if (ask.sets === 'consent') t.consent = res.value === true;
  if (ask.sets === 'consent' || ask.consent) await recordConsentAnswer(t, ask, res.value === true, data);
  return next();
};

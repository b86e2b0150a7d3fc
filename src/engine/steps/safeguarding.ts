import { flowPosition } from '../flowPosition.ts';
import type { TurnStep } from '../pipeline.ts';
import { ageOf, requestHandoff } from '../requestHandoff.ts';
import { detectedLanguage, isFirstMessage, pageLanguage, switchLocale } from '../switchLocale.ts';
import { dataOf, ownerOf } from '../turnState.ts';
import { languageOf } from '../../languages.ts';
import { scriptOfText } from '../../languages/detect.ts';

/**
 * Every typed message is checked for a safeguarding signal before anything else can swallow it:
 * signposting at once, and an urgent handoff (or an open one made urgent). During a handoff the
 * message still reaches the adviser (the next step relays it).
 *
 * Every language's phrase list is checked, whatever the conversation's language. The numbers
 * come in the language the message is clearly written in when that differs from the
 * conversation's (an Urdu phrase in an English conversation is answered in Urdu; any language
 * with wording, live or not: the numbers matter more than the offer); otherwise, and for
 * Roman Urdu and other unclear text, in the conversation's — unless only one language's list has
 * the phrase and the message is written in that language's script ("chce umrzec" → Polish). On the resident's first message the
 * conversation itself moves to that language (as any first message does); later it stays, and
 * the handoff's own lines follow the conversation's language (docs/languages.md).
 */
export const safeguarding: TurnStep = async (t, next) => {
  const check = t.deps.safeguarding;
  if (!t.turn.text || !check) return next();
  const { flow, snapshot } = await flowPosition(t);
  const data = dataOf(snapshot);
  const age = ageOf(flow.flow, data);
  const s = check.check(t.turn.text, t.locale, age ? { ageBand: age } : {});
  if (!s.matched) return next();
  const detected = detectedLanguage(t, t.flows.translator.languages);
  let replies = s.replies;
  if (detected) {
    if (t.live.includes(detected.code) && !pageLanguage(t) && (await isFirstMessage(t))) switchLocale(t, detected.code);
    const again = check.check(t.turn.text, detected.code, age ? { ageBand: age } : {});
    if (again.matched) replies = again.replies;
  } else if (s.matchedIn.length === 1 && s.matchedIn[0] !== t.locale.split('-')[0] && scriptOfText(t.turn.text) === languageOf(s.matchedIn[0])?.script) {
    // Too short to detect ("chce umrzec" in an English conversation), but only one language's list
    // has the phrase, and it is written in that language's script: the numbers come in that
    // language. (Roman Urdu matches the Urdu list but is not written in Urdu script: a resident who
    // types it may not read Nastaliq, so the conversation's language stays.)
    const again = check.check(t.turn.text, s.matchedIn[0]!, age ? { ageBand: age } : {});
    if (again.matched) replies = again.replies;
  }
  const withPerson = ownerOf(t) === 'person';
  t.replies.push(...replies);
  await requestHandoff(t, 'safeguarding', 'urgent', data);
  if (withPerson) return next();
};

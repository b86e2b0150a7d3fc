import type { SmallTalk } from '../flows/smallTalk.ts';
import type { AskStep } from '../flows/schema.ts';
import type { Reply } from './reply.ts';
import type { TurnState } from './turnState.ts';

/**
 * Answers a message that is not an answer without counting it as a failed try: a friendly
 * re-ask after "hi", "thanks" or "bye"; after "not sure", the question's own `help` text (or a
 * general line), the question again and a button to talk to a person.
 */
export function clarify(t: TurnState, ask: AskStep, data: Record<string, unknown>, talk: SmallTalk): void {
  const { r } = t;
  if (talk !== 'notSure') {
    t.replies.push(...r.question(ask, data, r.s(`answers.smallTalk.${talk}`)));
    return;
  }
  const [question] = r.question(ask, data, r.s(ask.help ?? 'answers.smallTalk.notSure', data));
  const person = { value: 'cmd:person', label: r.s('engine.talkToPerson') };
  const reply: Reply =
    question!.type === 'choices'
      ? { ...question!, choices: [...question!.choices, person] }
      : { type: 'choices', text: 'text' in question! ? question!.text : '', choices: [person], locale: r.locale, dir: r.dir };
  t.replies.push(reply);
}

/** Two or more options fit what was typed equally: ask which one, with only those as buttons. */
export function askWhichOne(t: TurnState, ask: AskStep, data: Record<string, unknown>, values: string[], hint: string): void {
  const buttons = t.r.buttons(ask, data).filter((b) => values.includes(b.value));
  t.replies.push(t.r.choices(hint, buttons.length ? buttons : t.r.buttons(ask, data)));
}

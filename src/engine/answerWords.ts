import type { ListWords } from '../flows/matchChoice.ts';
import type { SmallTalkWords } from '../flows/smallTalk.ts';
import type { Renderer } from './render.ts';

/** Number words are read for the first options only (buttons past six are rare and typed as digits). */
const NUMBER_WORDS = 6;

/** The locale lists answers are read with, in the resident's language and English. */
export function listWords(r: Renderer): ListWords {
  return {
    separators: r.list('answers.separators'),
    numbers: Array.from({ length: NUMBER_WORDS }, (_, i) => r.list(`answers.numberWords.${i + 1}`)),
    fillers: r.list('answers.fillerWords'),
    all: r.list('answers.allWords'),
    both: r.list('answers.bothWords'),
  };
}

/** Greetings, thanks, goodbyes and "not sure" in the resident's language and English. */
export function smallTalkWords(r: Renderer): SmallTalkWords {
  return {
    greeting: r.list('answers.smallTalk.greetingWords'),
    thanks: r.list('answers.smallTalk.thanksWords'),
    ok: r.list('answers.smallTalk.okWords'),
    bye: r.list('answers.smallTalk.byeWords'),
    notSure: r.list('answers.smallTalk.notSureWords'),
    fillers: r.list('answers.fillerWords'),
    separators: r.list('answers.separators'),
  };
}

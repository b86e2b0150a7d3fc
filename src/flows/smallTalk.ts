import { SEP, containsPhrase, occursAt, separatorsOf, tokenise, type Separators } from './answerText.ts';

/** What a message that is not an answer is: a greeting, thanks, "ok", goodbye, or "I don't know". */
export type SmallTalk = 'greeting' | 'thanks' | 'ok' | 'bye' | 'notSure';

/** Each kind's phrases in the resident's language (locale lists under `answers.smallTalk.*`). */
export interface SmallTalkWords {
  greeting: readonly string[];
  thanks: readonly string[];
  ok: readonly string[];
  bye: readonly string[];
  notSure: readonly string[];
  fillers: readonly string[];
  separators: readonly string[];
}

/**
 * "not sure" / "I don't know" anywhere in the message; otherwise a message made only of
 * greetings, thanks, "ok" and goodbyes ("hi", "ok thanks", "thank you, bye"), the last kind named
 * first: bye, then thanks, then ok, then greeting. Undefined for anything else. Pure.
 */
export function smallTalkOf(text: string, words: SmallTalkWords): SmallTalk | undefined {
  const { seps, notSure, kinds } = prepared(words);
  // Small talk is short; a long message is read for its first words only.
  const tokens = tokenise(text.slice(0, MAX_CHARS), seps).slice(0, MAX_WORDS);
  if (!tokens.length) return undefined;
  if (notSure.some((p) => containsPhrase(tokens, p))) return 'notSure';
  const found = new Set<SmallTalk>();
  for (let at = 0; at < tokens.length; ) {
    if (tokens[at] === SEP) {
      at++;
      continue;
    }
    let best: { kind: SmallTalk | undefined; len: number } | undefined;
    for (const [kind, phrases] of kinds) {
      for (const p of phrases) if (occursAt(tokens, p, at) && (!best || p.length > best.len)) best = { kind, len: p.length };
    }
    if (!best) return undefined;
    if (best.kind) found.add(best.kind);
    at += best.len;
  }
  return (['bye', 'thanks', 'ok', 'greeting'] as const).find((k) => found.has(k));
}

const MAX_WORDS = 60;
const MAX_CHARS = 600;

interface Prepared {
  seps: Separators;
  notSure: string[][];
  kinds: Array<[SmallTalk | undefined, string[][]]>;
}

// Phrase lists tokenised once per language and flow set, not once per message.
const preparedCache = new Map<string, Prepared>();

function prepared(words: SmallTalkWords): Prepared {
  const key = JSON.stringify(words);
  let p = preparedCache.get(key);
  if (!p) {
    const seps = separatorsOf(words.separators);
    const tok = (list: readonly string[]) => list.map((x) => tokenise(x, seps)).filter((x) => x.length);
    p = {
      seps,
      notSure: tok(words.notSure),
      kinds: [
        ['bye', tok(words.bye)],
        ['thanks', tok(words.thanks)],
        ['ok', tok(words.ok)],
        ['greeting', tok(words.greeting)],
        [undefined, tok(words.fillers)],
      ],
    };
    if (preparedCache.size > 50) preparedCache.clear();
    preparedCache.set(key, p);
  }
  return p;
}

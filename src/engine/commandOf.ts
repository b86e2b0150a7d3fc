import type { Command } from '../flows/commands.ts';
import type { TurnState } from './turnState.ts';

const norm = (s: string) => s.normalize('NFKC').toLocaleLowerCase().replace(/[\s\p{P}]+/gu, ' ').trim();

interface PhraseIndex {
  whole: Map<string, Command>;
  /** Phrases a message may start with (`match: start`), longest first. */
  start: Array<{ phrase: string; command: Command }>;
}

// Normalised command phrases per language, built once per flow set (a reload builds anew).
const phraseIndex = new WeakMap<object, Map<string, PhraseIndex>>();

/**
 * The global command a message is, if any (memoised on the turn): a `cmd:<id>` button, or
 * a typed phrase from the command's list in the conversation's language (whole message,
 * any case and punctuation), or for a `match: start` command the start of the message (the rest
 * is kept in `t.commandRest` for its action).
 */
export function commandOf(t: TurnState): Command | undefined {
  if (t.commandMatched) return t.command;
  t.commandMatched = true;
  const { turn, r } = t;
  const commands = t.flows.commands;
  if (typeof turn.value === 'string' && turn.value.startsWith('cmd:')) {
    t.command = commands.find((c) => `cmd:${c.id}` === turn.value);
    return t.command;
  }
  if (!turn.text) return undefined;
  let byLocale = phraseIndex.get(commands);
  if (!byLocale) phraseIndex.set(commands, (byLocale = new Map()));
  let index = byLocale.get(r.locale);
  if (!index) {
    index = { whole: new Map(), start: [] };
    for (const c of commands) {
      for (const p of r.list(c.phrases)) {
        const phrase = norm(p);
        if (!phrase) continue;
        if (c.match === 'start') index.start.push({ phrase, command: c });
        else if (!index.whole.has(phrase)) index.whole.set(phrase, c);
      }
    }
    index.start.sort((a, b) => b.phrase.length - a.phrase.length);
    byLocale.set(r.locale, index);
  }
  const said = norm(turn.text);
  t.command = index.whole.get(said);
  if (!t.command) {
    const hit = index.start.find((s) => said === s.phrase || said.startsWith(`${s.phrase} `));
    if (hit) {
      t.command = hit.command;
      t.commandRest = said.slice(hit.phrase.length).trim();
    }
  }
  return t.command;
}

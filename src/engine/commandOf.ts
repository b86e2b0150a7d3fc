import type { Command } from '../flows/commands.ts';
import type { TurnState } from './turnState.ts';

const norm = (s: string) => s.normalize('NFKC').toLocaleLowerCase().replace(/[\s\p{P}]+/gu, ' ').trim();

// Normalised command phrases per language, built once per flow set (a reload builds anew).
const phraseIndex = new WeakMap<object, Map<string, Map<string, Command>>>();

/**
 * The global command a message is, if any (memoised on the turn): a `cmd:<id>` button, or
 * a typed phrase from the command's list in the conversation's language (whole message,
 * any case and punctuation).
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
    index = new Map();
    for (const c of commands) for (const p of r.list(c.phrases)) if (!index.has(norm(p))) index.set(norm(p), c);
    byLocale.set(r.locale, index);
  }
  t.command = index.get(norm(turn.text));
  return t.command;
}

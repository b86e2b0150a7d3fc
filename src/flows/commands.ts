import { isMap, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { Locator } from './parseFlowFile.ts';
import type { Problem } from './problem.ts';
import { keySchema } from './schema.ts';

/**
 * Global commands work in every state and every language. They are data
 * (`flows/commands.yaml`): the phrases are i18n lists, the effect one of a fixed set.
 */
export const commandSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/),
  do: z.enum(['say', 'restart', 'changeLanguage', 'handoff', 'deleteData', 'stop', 'call']),
  /** i18n key of a list of phrases that trigger the command (matched whole, any case). */
  phrases: keySchema,
  /** Label of the command's button, where one is offered. */
  label: keySchema.optional(),
  say: keySchema.optional(),
  /** For `do: call`: a domain action, its result shown with the `say` key. */
  call: z.string().optional(),
  /** For `do: call`: fixed parameters for the action, so two commands can share one (`went: true` / `false`). */
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  /**
   * `whole` (default): the message is one of the phrases. `start`: the message starts with one
   * ("stop sharing with the NHS"); the rest is given to the action as its `rest` parameter.
   */
  match: z.enum(['whole', 'start']).default('whole'),
});
export type Command = z.infer<typeof commandSchema>;

export const commandsFileSchema = z.strictObject({
  commands: z.array(commandSchema).min(1),
  /** Wording the engine itself uses (welcome back, apology...), listed so the checker verifies every locale has it. */
  engineKeys: z.array(keySchema).default([]),
});

export interface CommandsFile {
  commands: Command[];
  engineKeys: string[];
  locator: Locator;
  problems: Problem[];
}

export function parseCommandsFile(file: string, text: string): CommandsFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const locator = new Locator(file, doc, lines);
  if (doc.errors.length || !isMap(doc.contents)) {
    return { commands: [], engineKeys: [], locator, problems: [locator.problem([], 'yaml', doc.errors[0]?.message.split('\n')[0] ?? 'must be a mapping')] };
  }
  const r = commandsFileSchema.safeParse(doc.toJS());
  if (!r.success) {
    return {
      commands: [],
      engineKeys: [],
      locator,
      problems: r.error.issues.map((i) => locator.problem(i.path as (string | number)[], 'schema', i.message)),
    };
  }
  const problems: Problem[] = [];
  r.data.commands.forEach((c, i) => {
    if ((c.do === 'say' || c.do === 'call') && !c.say) problems.push(locator.problem(['commands', i], 'schema', `command ${c.id} needs say`));
    if (c.do === 'call' && !c.call) problems.push(locator.problem(['commands', i], 'schema', `command ${c.id} needs call`));
    if (c.params && c.do !== 'call') problems.push(locator.problem(['commands', i, 'params'], 'schema', `command ${c.id}: params go with do: call`));
    if (c.match === 'start' && c.do !== 'call') problems.push(locator.problem(['commands', i, 'match'], 'schema', `command ${c.id}: match: start needs do: call (the rest of the message goes to the action)`));
  });
  return { ...r.data, locator, problems };
}

/** Keys a commands file uses, with their locations, for the checker. */
export function commandKeys(f: CommandsFile): Array<{ key: string; locator: Locator; path: (string | number)[] }> {
  const out: Array<{ key: string; locator: Locator; path: (string | number)[] }> = [];
  f.commands.forEach((c, i) => {
    out.push({ key: c.phrases, locator: f.locator, path: ['commands', i, 'phrases'] });
    if (c.say) out.push({ key: c.say, locator: f.locator, path: ['commands', i, 'say'] });
    if (c.label) out.push({ key: c.label, locator: f.locator, path: ['commands', i, 'label'] });
  });
  f.engineKeys.forEach((k, i) => out.push({ key: k, locator: f.locator, path: ['engineKeys', i] }));
  return out;
}

import { keysOf } from '../flows/check.ts';
import { commandKeys, parseCommandsFile } from '../flows/commands.ts';
import { parseFlowFile } from '../flows/parseFlowFile.ts';
import type { FlowFiles } from '../flows/flowFiles.ts';

/** Where a text is used: a flow's step, a global command, or the engine itself. */
export interface KeyUse {
  /** A flow id, `commands` or `engine`. */
  flowId: string;
  /** The step id, or the command id; empty for the engine's own keys. */
  step: string;
}

/**
 * Which flow steps (and global commands) use each text key, read from the draft's files.
 * A flow that does not parse is left out: its problems show in the editor, not here.
 */
export function keyUsage(files: FlowFiles): Map<string, KeyUse[]> {
  const out = new Map<string, KeyUse[]>();
  const add = (key: string, use: KeyUse) => {
    const list = out.get(key) ?? [];
    if (!list.some((u) => u.flowId === use.flowId && u.step === use.step)) list.push(use);
    out.set(key, list);
  };
  for (const [path, text] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    if (!/^flows\/[^/]+\.flow\.yaml$/.test(path)) continue;
    const { flow } = parseFlowFile(path, text);
    if (!flow) continue;
    for (const id of flow.order) for (const { key } of keysOf(flow.steps.get(id)!, id)) add(key, { flowId: flow.id, step: id });
  }
  const commands = files['flows/commands.yaml'];
  if (commands !== undefined) {
    const parsed = parseCommandsFile('flows/commands.yaml', commands);
    for (const { key, path } of commandKeys(parsed)) {
      const command = path[0] === 'commands' && typeof path[1] === 'number' ? parsed.commands[path[1]] : undefined;
      add(key, command ? { flowId: 'commands', step: command.id } : { flowId: 'engine', step: '' });
    }
  }
  return out;
}

/**
 * The keys residents see on a button: every choice `label:` of a flow, every command's `label:`,
 * and the engine's and notices' own buttons. Their translations have a length limit
 * (BUTTON_MAX_LENGTH in catalogue.ts): Web Chat and Slack cut or wrap longer buttons.
 */
export const FIXED_BUTTON_KEYS: readonly string[] = [
  'answers.yesLabel',
  'answers.noLabel',
  'answers.allLabel',
  'notices.seatOffer.accept',
  'notices.seatOffer.decline',
  'notices.sessionCancelled.startAgain',
  'notices.sessionCancelled.person',
  'widget.launcher',
];

export function buttonKeys(files: FlowFiles): Set<string> {
  const out = new Set<string>(FIXED_BUTTON_KEYS);
  for (const [path, text] of Object.entries(files)) {
    if (!/^flows\/[^/]+\.flow\.yaml$/.test(path)) continue;
    const { flow } = parseFlowFile(path, text);
    if (!flow) continue;
    for (const id of flow.order) {
      for (const { key, path: p } of keysOf(flow.steps.get(id)!, id)) if (p.includes('choices') && p.at(-1) === 'label') out.add(key);
    }
  }
  const commands = files['flows/commands.yaml'];
  if (commands !== undefined) for (const { key, path: p } of commandKeys(parseCommandsFile('flows/commands.yaml', commands))) if (p.at(-1) === 'label') out.add(key);
  return out;
}

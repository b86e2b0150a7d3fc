import { keysOf } from '../../flows/check.ts';
import { commandKeys, parseCommandsFile } from '../../flows/commands.ts';
import { parseFlowFile } from '../../flows/parseFlowFile.ts';
import type { FlowFiles } from '../ports.ts';

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

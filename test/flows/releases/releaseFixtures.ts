import { ActionRegistry } from '../../../src/engine/actions.ts';
import { createEngine } from '../../../src/engine/createEngine.ts';
import { makeActionRunner } from '../../../src/engine/runAction.ts';
import type { HandoffService } from '../../../src/engine/port.ts';
import { FlowCatalog } from '../../../src/flows/catalog.ts';
import { readFlowFiles, type FlowFiles } from '../../../src/flows/flowFiles.ts';
import type { Db } from '../../../src/store/db.ts';
import { flowDir, silent } from '../../helpers/flowDir.ts';

/** A flow that asks one question and ends. */
export const V1 = `id: main
steps:
  name:
    ask: name
    type: text
    question: about.ageQuestion
  done:
    end: true
    say: journey.goodbye
`;

export const ASKS_TEST = `name: asks the question first
steps:
  - send: hi
  - expect: about.ageQuestion
`;

/** A folder with V1 (and more files), the shipped locales and commands. */
export function releaseDir(files: Record<string, string> = {}) {
  return flowDir({ 'main.flow.yaml': V1, ...files });
}

/** One "server process": a catalog that follows releases, and an engine on it. */
export async function processOn(db: Db, dirs: { flowsDir: string; localesDir: string }, o: { listen?: boolean; handoffs?: HandoffService; startFlow?: string } = {}) {
  const actions = new ActionRegistry();
  const catalog = new FlowCatalog({ ...dirs, actions }, db);
  const loaded = await catalog.start({ listen: o.listen ?? false, logger: silent });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  const engine = createEngine({ db, catalog, logger: silent, runAction: makeActionRunner(actions, 1000, silent), ...(o.startFlow ? { startFlow: o.startFlow } : {}), ...(o.handoffs ? { handoffs: o.handoffs } : {}) });
  let n = 0;
  const send = async (conversationId: string, text: string, locale?: string) =>
    (await engine.handleTurn({ conversationId, channel: 'test', activityId: `a${++n}-${Math.random()}`, user: { id: 'u' }, text, receivedAt: new Date(), ...(locale ? { locale } : {}) })).replies;
  return { catalog, engine, send, actions };
}

export const textsOf = (replies: Array<{ type: string }>): string[] => replies.map((r) => ('text' in r && typeof r.text === 'string' ? r.text : ''));

/** The folder's files with some replaced (`undefined` removes a file). */
export async function filesWith(dirs: { flowsDir: string; localesDir: string }, change: Record<string, string | undefined>): Promise<FlowFiles> {
  const files = await readFlowFiles(dirs.flowsDir, dirs.localesDir);
  for (const [p, text] of Object.entries(change)) {
    if (text === undefined) delete files[p];
    else files[p] = text;
  }
  return files;
}

/** The English core wording with one text changed. */
export function coreWith(files: FlowFiles, key: string, text: string): string {
  const tree = JSON.parse(files['locales/en/core.json']!) as Record<string, Record<string, unknown>>;
  const [group, name] = key.split('.') as [string, string];
  tree[group] = { ...tree[group], [name]: text };
  return `${JSON.stringify(tree, null, 2)}\n`;
}

/** The real engine (src/engine/createEngine.ts) with the shipped flows and locales, for channel tests. */
import pino from 'pino';
import { ActionRegistry } from '../../../src/engine/actions.ts';
import { createEngine } from '../../../src/engine/createEngine.ts';
import type { Engine } from '../../../src/engine/port.ts';
import { makeActionRunner } from '../../../src/engine/runAction.ts';
import { FlowCatalog } from '../../../src/flows/catalog.ts';
import type { Db } from '../../../src/store/db.ts';

export async function createRealEngine(db: Db): Promise<Engine> {
  const logger = pino({ level: 'silent' });
  const actions = new ActionRegistry();
  const catalog = new FlowCatalog({ flowsDir: 'flows', localesDir: 'locales', actions, runAction: makeActionRunner(actions, 2000, logger) }, db);
  const loaded = await catalog.reload();
  if (!loaded.ok) throw new Error(`flows do not load: ${JSON.stringify(loaded.problems).slice(0, 2000)}`);
  return createEngine({ db, catalog, logger });
}

/**
 * The real engine (src/engine/createEngine.ts) with the shipped flows, locales and every domain
 * action (src/domain/allActions.ts), configured from defaults, as src/app.ts builds it.
 */
import pino from 'pino';
import { loadConfig } from '../../../src/config.ts';
import { allActions } from '../../../src/domain/allActions.ts';
import { ActionRegistry } from '../../../src/engine/actions.ts';
import { createEngine } from '../../../src/engine/createEngine.ts';
import type { Engine } from '../../../src/engine/port.ts';
import { makeActionRunner } from '../../../src/engine/runAction.ts';
import { FlowCatalog } from '../../../src/flows/catalog.ts';
import type { Db } from '../../../src/store/db.ts';

/** `settings` are extra environment settings (e.g. `LOCALES_DIR` for a test's own wording folders). */
export async function createRealEngine(db: Db, settings: Record<string, string> = {}): Promise<Engine> {
  const logger = pino({ level: 'silent' });
  const config = loadConfig({ NODE_ENV: 'test', ...settings });
  const actions = new ActionRegistry().register(...(await allActions(config, { logger })));
  const catalog = new FlowCatalog({ flowsDir: config.FLOWS_DIR, localesDir: config.LOCALES_DIR, actions }, db);
  const loaded = await catalog.reload();
  if (!loaded.ok) throw new Error(`flows do not load: ${JSON.stringify(loaded.problems).slice(0, 2000)}`);
  return createEngine({ db, catalog, logger, runAction: makeActionRunner(actions, 2000, logger) });
}

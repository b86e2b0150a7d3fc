import type { Config } from './config.ts';
import { ActionRegistry } from './engine/actions.ts';
import { createEngine } from './engine/createEngine.ts';
import type { Engine } from './engine/port.ts';
import { makeActionRunner } from './engine/runAction.ts';
import { FlowCatalog } from './flows/catalog.ts';
import { formatProblem } from './flows/problem.ts';
import { watchFlows } from './flows/watchFlows.ts';
import { adminRoutes } from './http/adminRoutes.ts';
import { createApp, listen, type RunningServer } from './http/server.ts';
import { createLogger, type Logger } from './log.ts';
import { collectProcessMetrics } from './metrics.ts';
import type { Db } from './store/db.ts';
import { migrate } from './store/migrate.ts';
import { openDb } from './store/openDb.ts';

export interface RunningApp {
  config: Config;
  logger: Logger;
  db: Db;
  engine: Engine;
  catalog: FlowCatalog;
  server: RunningServer;
  /** Stop accepting, finish in-flight work (bounded), stop workers, close the database. */
  close(): Promise<void>;
}

export interface BuildOptions {
  watch?: boolean;
  logger?: Logger;
  /** Use this database instead of opening one from the config (tests). */
  db?: Db;
}

/** Starts everything; the process entry point and the end-to-end tests share it. */
export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<RunningApp> {
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  collectProcessMetrics();
  const db = opts.db ?? (await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolMax: config.DB_POOL_MAX }));
  try {
    const applied = await migrate(db);
    logger.info({ driver: db.driver, applied }, 'database ready');

    const actions = new ActionRegistry();
    const runAction = makeActionRunner(actions, config.ACTION_TIMEOUT_MS, logger);
    const catalog = new FlowCatalog({ flowsDir: config.FLOWS_DIR, localesDir: config.LOCALES_DIR, actions, runAction }, db);
    const loaded = await catalog.reload();
    if (!loaded.ok) {
      logger.error({ problems: loaded.problems.map(formatProblem) }, 'flows have errors: fix them (npm run flows -- check)');
    } else {
      logger.info({ flows: [...loaded.set.flows.values()].map((f) => `${f.id}@${f.version}`), warnings: loaded.set.warnings.length }, 'flows loaded');
    }
    const engine = createEngine({
      db,
      catalog,
      logger,
      defaultLocale: config.DEFAULT_LOCALE,
      inactivityMinutes: config.INACTIVITY_MINUTES,
    });
    const stopWatch = opts.watch ? watchFlows(catalog, [config.FLOWS_DIR, config.LOCALES_DIR], logger) : () => undefined;

    const app = createApp({
      logger,
      bodyLimit: config.BODY_LIMIT,
      readiness: [
        { name: 'database', check: async () => (await db.ping(), db.driver) },
        {
          name: 'flows',
          check: async () => {
            if (!catalog.loaded) throw new Error(`flows not loaded: ${catalog.lastProblems.slice(0, 5).map(formatProblem).join('; ')}`);
            const live = [...catalog.current.flows.values()].map((f) => `${f.id}@${f.version}`);
            return catalog.lastProblems.length
              ? { live, refusedReload: catalog.lastProblems.slice(0, 20).map(formatProblem) }
              : { live };
          },
        },
      ],
      routes: [['/admin', adminRoutes({ adminToken: config.ADMIN_TOKEN, catalog })]],
    });
    const server = await listen(app, config.PORT, config.HOST);
    logger.info({ port: server.port, driver: db.driver }, 'Anchorline is listening');

    return {
      config,
      logger,
      db,
      engine,
      catalog,
      server,
      close: async () => {
        stopWatch();
        await server.close(config.SHUTDOWN_TIMEOUT_MS);
        await db.close();
      },
    };
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}

/**
 * Composition root: reads config, opens the store, loads flows, wires the engine,
 * channels and HTTP server, and shuts everything down in order.
 */
import { ConfigError, flowsWatch, loadConfig, type Config } from './config.ts';
import { openDb } from './store/openDb.ts';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`Anchorline cannot start: the configuration has problems.\n${err.problems.map((p) => `  ${p}`).join('\n')}\n`);
      process.exit(2);
    }
    throw err;
  }
  // Open the database (PGlite's first start runs initdb: seconds of CPU) while the rest of the
  // service loads, so a fresh `npm start` is ready sooner.
  const db = openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolMax: config.DB_POOL_MAX });
  db.catch(() => undefined);
  const { buildApp } = await import('./app.ts');
  const app = await buildApp(config, { watch: flowsWatch(config), db: await db });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'shutting down');
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`Anchorline failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});

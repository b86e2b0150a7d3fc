import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Db } from '../src/store/db.ts';
import { migrate } from '../src/store/migrate.ts';
import { PgDb } from '../src/store/pgDriver.ts';
import { PgliteDb } from '../src/store/pgliteDriver.ts';

export type BenchDriver = 'pglite' | 'pg';

export interface BenchDb {
  driver: BenchDriver;
  db: Db;
  /** Where it runs, for the report (no password). */
  where: string;
  /** The schema of its own on PostgreSQL (undefined for PGlite). */
  schema?: string;
  close(): Promise<void>;
}

/** Pool size the app uses by default (DB_POOL_MAX); both systems get the same. */
export const POOL_MAX = 20;

export const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

/**
 * A fresh migrated database: PGlite in memory, or a schema of its own on PostgreSQL
 * (dropped on close, like test/helpers/testDb.ts) so a run never touches other data.
 */
export async function openBenchDb(driver: BenchDriver, databaseUrl: string): Promise<BenchDb> {
  if (driver === 'pglite') {
    const db = await PgliteDb.open();
    await migrate(db);
    return { driver, db, where: 'PGlite 0.5 in memory (same process)', close: () => db.close() };
  }
  const schema = `bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  const version = (await admin.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v ?? '?';
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const db = new PgDb({ connectionString: databaseUrl, schema, max: POOL_MAX });
  await migrate(db);
  return {
    driver,
    db,
    schema,
    where: `PostgreSQL ${version} at ${redact(databaseUrl)}, schema ${schema}, pool ${POOL_MAX}`,
    close: async () => {
      await db.close().catch(() => undefined);
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}

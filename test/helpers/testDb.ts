/**
 * A fresh database for one test file: a schema of its own on real PostgreSQL when
 * TEST_DATABASE_URL is set (so files run in parallel), otherwise in-memory PGlite.
 * The driver used is printed once per file, so a run never hides which it was.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Db } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { PgDb } from '../../src/store/pgDriver.ts';
import { PgliteDb } from '../../src/store/pgliteDriver.ts';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;

export interface TestDb {
  db: Db;
  /** Opens another pool on the same schema: a second "server process". */
  another(): Promise<Db>;
  close(): Promise<void>;
}

let announced = false;

export async function createTestDb(opts: { migrate?: boolean; driver?: 'pg' | 'pglite' } = {}): Promise<TestDb> {
  const driver = opts.driver ?? (TEST_DATABASE_URL ? 'pg' : 'pglite');
  if (!announced) {
    announced = true;
    console.error(`[test db] driver: ${driver}${driver === 'pg' ? ` (${TEST_DATABASE_URL})` : ' (in memory)'}`);
  }
  if (driver === 'pglite') {
    const db = await PgliteDb.open();
    if (opts.migrate !== false) await migrate(db);
    return { db, another: () => Promise.reject(new Error('PGlite has one connection')), close: () => db.close() };
  }
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is needed for the pg driver');
  const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const pools: PgDb[] = [];
  const open = async () => {
    const p = new PgDb({ connectionString: TEST_DATABASE_URL, schema, max: 10 });
    pools.push(p);
    return p;
  };
  const db = await open();
  if (opts.migrate !== false) await migrate(db);
  return {
    db,
    another: open,
    close: async () => {
      await Promise.all(pools.map((p) => p.close().catch(() => undefined)));
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}

import { readFileSync } from 'node:fs';
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
  /**
   * CPU seconds (user + system) used so far by this benchmark's own PostgreSQL backends, read
   * from /proc (the database is local; undefined for PGlite, whose work is in this process).
   */
  dbCpuSeconds?: () => Promise<number | undefined>;
  close(): Promise<void>;
}

/** Pool size the app uses by default (DB_POOL_MAX); both systems get the same. */
export const POOL_MAX = 20;

/** user + system CPU seconds of a local process (Linux /proc; undefined elsewhere or when it has gone). */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    // Fields after the "(comm)": utime is field 14, stime 15, in clock ticks (100 per second on Linux).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

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
  // A name of its own, so its backends can be told apart from other work on the same server.
  const named = new URL(databaseUrl);
  named.searchParams.set('application_name', schema);
  const db = new PgDb({ connectionString: named.toString(), schema, max: POOL_MAX });
  await migrate(db);
  // Backends that have ended are remembered with their last reading.
  const seen = new Map<number, number>();
  const dbCpuSeconds = async (): Promise<number | undefined> => {
    const { rows } = await db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [schema]);
    for (const { pid } of rows) {
      const s = processCpuSeconds(pid);
      if (s === undefined) return undefined;
      seen.set(pid, s);
    }
    return [...seen.values()].reduce((a, b) => a + b, 0);
  };
  return {
    driver,
    db,
    schema,
    dbCpuSeconds,
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

import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.ts';

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  readonly code = 'migration_failed';
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const out: Migration[] = [];
  for (const file of files) {
    const m = /^(\d{3,})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!m) throw new MigrationError(`migration file name ${file} must look like 001_name.sql`);
    const sql = await readFile(path.join(dir, file), 'utf8');
    out.push({ version: Number(m[1]), name: m[2]!, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  for (let i = 1; i < out.length; i++) {
    if (out[i]!.version === out[i - 1]!.version) throw new MigrationError(`two migrations numbered ${out[i]!.version}`);
  }
  return out;
}

/**
 * Applies pending migrations in order, each in its own transaction, recorded in
 * schema_migrations. An advisory lock (per schema) makes concurrent starts safe:
 * the second process waits, then finds nothing left to do.
 * @returns the versions applied by this call.
 */
export async function migrate(db: Db, migrations?: Migration[]): Promise<number[]> {
  const list = migrations ?? (await readMigrations());
  return db.session(async (conn) => {
    await conn.query(`SELECT pg_advisory_lock(727, hashtext(current_schema()))`);
    try {
      await conn.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version int PRIMARY KEY,
        name text NOT NULL,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now())`);
      const { rows } = await conn.query<{ version: number; checksum: string; name: string }>(
        'SELECT version, checksum, name FROM schema_migrations',
      );
      const applied = new Map(rows.map((r) => [r.version, r]));
      const done: number[] = [];
      for (const m of list) {
        const prior = applied.get(m.version);
        if (prior) {
          if (prior.checksum !== m.checksum) {
            throw new MigrationError(
              `migration ${m.version}_${m.name} was changed after it was applied; add a new migration instead`,
            );
          }
          continue;
        }
        await conn.query('BEGIN');
        try {
          await conn.multi(m.sql);
          await conn.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
            m.version,
            m.name,
            m.checksum,
          ]);
          await conn.query('COMMIT');
        } catch (err) {
          await conn.query('ROLLBACK').catch(() => undefined);
          throw new MigrationError(`migration ${m.version}_${m.name} failed: ${(err as Error).message}`, { cause: err });
        }
        done.push(m.version);
      }
      return done;
    } finally {
      await conn.query(`SELECT pg_advisory_unlock(727, hashtext(current_schema()))`).catch(() => undefined);
    }
  });
}

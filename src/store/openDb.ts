import { mkdir } from 'node:fs/promises';
import type { Db } from './db.ts';
import { PgDb } from './pgDriver.ts';
import { PgliteDb } from './pgliteDriver.ts';

export interface OpenDbOptions {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  poolMax?: number;
}

/** `pg` when a URL is given, otherwise PGlite in `dataDir`. */
export async function openDb(opts: OpenDbOptions): Promise<Db> {
  if (opts.databaseUrl) {
    return new PgDb({ connectionString: opts.databaseUrl, ...(opts.poolMax ? { max: opts.poolMax } : {}) });
  }
  if (opts.dataDir) await mkdir(opts.dataDir, { recursive: true });
  return PgliteDb.open(opts.dataDir);
}

import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable, QueryResult, Row, TransactionOptions, Tx } from './db.ts';
import { beginSql, lazyTx, withRetries } from './db.ts';
import { Mutex } from './mutex.ts';
import { initdbTemplate, isEmptyDataDir, keepInitdbTemplate } from './pgliteTemplate.ts';

/**
 * Embedded PostgreSQL (PGlite) in one folder. It has a single connection, so every
 * statement, transaction and session is queued through one Mutex here.
 */
export class PgliteDb implements Db {
  readonly driver = 'pglite' as const;
  readonly #pg: PGlite;
  readonly #lock = new Mutex();
  #roundTrips = 0;
  #closed = false;

  private constructor(pg: PGlite) {
    this.#pg = pg;
  }

  /** `dataDir` undefined means in memory (tests). */
  static async open(dataDir?: string): Promise<PgliteDb> {
    // An empty folder is filled from the kept initdb result when there is one (pgliteTemplate.ts).
    const fresh = dataDir !== undefined && isEmptyDataDir(dataDir);
    const template = fresh ? initdbTemplate() : undefined;
    const pg = await PGlite.create({
      ...(dataDir ? { dataDir } : {}),
      ...(template ? { loadDataDir: template } : {}),
      // int8 as number, like the pg driver (see pgDriver.ts).
      parsers: { 20: (v: string) => Number(v) },
    });
    if (fresh && !template) await keepInitdbTemplate(pg);
    return new PgliteDb(pg);
  }

  get roundTrips(): number {
    return this.#roundTrips;
  }

  get queued(): number {
    return this.#lock.waiting;
  }

  // Direct access for code already holding the lock.
  #raw: Queryable = {
    query: async <R extends Row>(sql: string, params?: unknown[]): Promise<QueryResult<R>> => {
      this.#roundTrips++;
      const r = await this.#pg.query<R>(sql, params);
      return { rows: r.rows, rowCount: r.fields.length > 0 ? r.rows.length : (r.affectedRows ?? 0) };
    },
    multi: async (sql: string): Promise<QueryResult[]> => {
      this.#roundTrips++;
      const results = await this.#pg.exec(sql);
      return results.map((r) => ({ rows: r.rows as Row[], rowCount: r.fields.length > 0 ? r.rows.length : (r.affectedRows ?? 0) }));
    },
  };

  query<R extends Row = Row>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
    return this.#lock.run(() => this.#raw.query<R>(sql, params));
  }

  multi(sql: string): Promise<QueryResult[]> {
    return this.#lock.run(() => this.#raw.multi(sql));
  }

  session<T>(fn: (conn: Queryable) => Promise<T>): Promise<T> {
    return this.#lock.run(() => fn(this.#raw));
  }

  transaction<T>(fn: (tx: Tx) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    return withRetries(
      () =>
        this.#lock.run(async () => {
          // One connection, queued here: nothing can block a statement, so there is nothing to cancel.
          const { tx, state } = lazyTx(this.#raw, beginSql(opts), async () => undefined);
          try {
            const out = await fn(tx);
            const s = state();
            if (s.opened && !s.committed) await this.#raw.query('COMMIT');
            return out;
          } catch (err) {
            // Always end the transaction: a failed statement must not leave the one connection aborted.
            if (state().opened && !state().committed) await this.#pg.query('ROLLBACK').catch(() => undefined);
            throw err;
          }
        }),
      opts.retries ?? 5,
    );
  }

  async listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    const unsub = await this.#pg.listen(channel, onPayload);
    return async () => unsub();
  }

  async ping(): Promise<void> {
    if (this.#closed) throw new Error('database is closed');
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Wait for queued work, then close; an unclosed PGlite makes the process exit 99.
    await this.#lock.run(() => this.#pg.close());
  }
}

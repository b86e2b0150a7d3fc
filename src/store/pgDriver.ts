import pg from 'pg';
import type { Db, Queryable, QueryResult, Row, TransactionOptions, Tx } from './db.ts';
import { beginSql, lazyTx, withRetries } from './db.ts';

// int8 and numeric come back as strings by default; int8 fits a JS number for our ids
// and counters (PGlite does the same), numeric stays a string on both to keep precision.
pg.types.setTypeParser(20, (v) => Number(v));

export interface PgDriverOptions {
  connectionString: string;
  max?: number;
  /** Extra search_path, used by tests to give each test file its own schema. */
  schema?: string;
}

type Conn = pg.PoolClient | pg.Pool;

export class PgDb implements Db {
  readonly driver = 'pg' as const;
  readonly pool: pg.Pool;
  #roundTrips = 0;

  constructor(opts: PgDriverOptions) {
    this.pool = new pg.Pool({
      connectionString: opts.connectionString,
      max: opts.max ?? 20,
      connectionTimeoutMillis: 5000,
      ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
    });
    // An idle client losing its connection must not crash the process.
    this.pool.on('error', () => undefined);
  }

  get roundTrips(): number {
    return this.#roundTrips;
  }

  #wrap(conn: Conn): Queryable {
    return {
      query: async <R extends Row>(sql: string, params?: unknown[]): Promise<QueryResult<R>> => {
        this.#roundTrips++;
        const r = await conn.query(sql, params as unknown[]);
        return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
      },
      multi: async (sql: string): Promise<QueryResult[]> => {
        this.#roundTrips++;
        const r = (await conn.query(sql)) as unknown as pg.QueryResult | pg.QueryResult[];
        const list = Array.isArray(r) ? r : [r];
        return list.map((x) => ({ rows: x.rows as Row[], rowCount: x.rowCount ?? 0 }));
      },
    };
  }

  query<R extends Row = Row>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
    return this.#wrap(this.pool).query<R>(sql, params);
  }

  multi(sql: string): Promise<QueryResult[]> {
    return this.#wrap(this.pool).multi(sql);
  }

  async session<T>(fn: (conn: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // A connection lost while checked out must fail its query, not crash the process.
    const onError = () => undefined;
    client.on('error', onError);
    let broken: Error | undefined;
    try {
      return await fn(this.#wrap(client));
    } catch (err) {
      // A connection left inside a failed transaction must not go back to the pool.
      broken = err instanceof Error ? err : new Error(String(err));
      throw err;
    } finally {
      // Only a connection that cannot even roll back is destroyed; a healthy one goes back.
      if (broken && (await client.query('ROLLBACK').then(() => true, () => false))) broken = undefined;
      client.off('error', onError);
      client.release(broken);
    }
  }

  transaction<T>(fn: (tx: Tx) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    return withRetries(async () => {
      const client = await this.pool.connect();
      // A connection lost while checked out must fail its query, not crash the process.
      const onError = () => undefined;
      client.on('error', onError);
      const pid = (client as unknown as { processID?: number }).processID;
      const { tx, state } = lazyTx(this.#wrap(client), beginSql(opts), async () => {
        // From another connection: the transaction's own is busy with the statement to cancel.
        if (pid) await this.pool.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => undefined);
      });
      let broken: Error | undefined;
      try {
        const out = await fn(tx);
        const s = state();
        if (s.opened && !s.committed) await client.query('COMMIT');
        return out;
      } catch (err) {
        // Roll back whatever was done; a connection that cannot even roll back is destroyed.
        const s = state();
        if (s.opened && !s.committed) {
          const rolledBack = await client.query('ROLLBACK').then(() => true, () => false);
          if (!rolledBack) broken = err instanceof Error ? err : new Error(String(err));
        }
        throw err;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    }, opts.retries ?? 5);
  }

  /**
   * LISTEN on a dedicated connection. If the connection drops (database restart, network),
   * it reconnects with backoff instead of crashing the process; `onReconnect` lets the caller
   * catch up on anything notified while it was away.
   */
  async listen(channel: string, onPayload: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>> {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
    let closed = false;
    let current: pg.PoolClient | undefined;
    let retry: NodeJS.Timeout | undefined;
    const connect = async (attempt: number): Promise<void> => {
      try {
        const client = await this.pool.connect();
        client.on('notification', (msg) => {
          if (msg.channel === channel) onPayload(msg.payload ?? '');
        });
        client.on('error', (err) => {
          if (current !== client) return;
          current = undefined;
          client.release(err);
          if (!closed) retry = setTimeout(() => void connect(1), 250);
        });
        await client.query(`LISTEN ${channel}`);
        if (closed) {
          client.release();
          return;
        }
        current = client;
        if (attempt > 0) onReconnect?.();
      } catch (err) {
        if (attempt === 0) throw err;
        if (!closed) retry = setTimeout(() => void connect(attempt + 1), Math.min(5000, 250 * 2 ** attempt));
      }
    };
    await connect(0);
    return async () => {
      closed = true;
      clearTimeout(retry);
      const client = current;
      current = undefined;
      if (!client) return;
      await client.query(`UNLISTEN ${channel}`).catch(() => undefined);
      client.release();
    };
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

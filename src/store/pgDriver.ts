import pg from 'pg';
import type { Db, Queryable, QueryResult, Row, TransactionOptions, Tx } from './db.ts';
import { beginSql, withRetries } from './db.ts';
import { TxSlots } from './txSlots.ts';

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

/** How long a transaction or query waits for a connection before it fails. */
const CONNECT_WAIT_MS = 5000;

function toResult(r: pg.QueryResult): QueryResult {
  return { rows: r.rows as Row[], rowCount: r.rowCount ?? 0 };
}

export class PgDb implements Db {
  readonly driver = 'pg' as const;
  readonly pool: pg.Pool;
  readonly #slots: TxSlots;
  #roundTrips = 0;

  constructor(opts: PgDriverOptions) {
    const max = opts.max ?? 20;
    this.pool = new pg.Pool({
      connectionString: opts.connectionString,
      max,
      connectionTimeoutMillis: CONNECT_WAIT_MS,
      ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
    });
    // An idle client losing its connection must not crash the process.
    this.pool.on('error', () => undefined);
    // Two connections stay out of reach of transactions: LISTEN, the stream's reads, cancels.
    this.#slots = new TxSlots(this.pool, max > 3 ? max - 2 : max - 1, CONNECT_WAIT_MS);
  }

  /** Transactions waiting for a connection right now. */
  get waitingTransactions(): number {
    return this.#slots.waiting;
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
        return list.map(toResult);
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
    return withRetries(() => this.#attempt(fn, opts), opts.retries ?? 5);
  }

  /**
   * One try of a transaction. The connection is taken with the first statement (BEGIN rides
   * along), so a transaction that waits for a connection can have its first batch sent for it by
   * the transaction ahead of it, in the round trip of that one's COMMIT (`commitWith`).
   */
  async #attempt<T>(fn: (tx: Tx) => Promise<T>, opts: TransactionOptions): Promise<T> {
    const begin = beginSql(opts);
    const beginCount = begin.split('; ').length;
    let client: pg.PoolClient | undefined;
    let opened = false;
    let committed = false;
    let handedOver = false;
    let broken: Error | undefined;
    // A connection lost while checked out must fail its query, not crash the process.
    const onError = () => undefined;
    const raw = () => this.#wrap(client!);
    const open = async (sql?: string): Promise<QueryResult[]> => {
      opened = true;
      const got = await this.#slots.acquire(sql === undefined ? undefined : `${begin};\n${sql}`);
      client = got.client;
      client.on('error', onError);
      if (got.results) return got.results.slice(beginCount).map(toResult);
      if (sql === undefined) {
        await raw().multi(begin);
        return [];
      }
      return (await raw().multi(`${begin};\n${sql}`)).slice(beginCount);
    };
    const guard = () => {
      if (committed) throw new Error('transaction already committed');
    };
    const tx: Tx = {
      query: async <R extends Row>(sql: string, params?: unknown[]): Promise<QueryResult<R>> => {
        guard();
        if (!opened) await open();
        return raw().query<R>(sql, params);
      },
      multi: async (sql: string) => {
        guard();
        return opened ? raw().multi(sql) : open(sql);
      },
      commitWith: async (sql: string) => {
        guard();
        if (!opened) await open();
        const body = sql.replace(/;\s*$/, '');
        const rider = this.#slots.takeRider();
        if (!rider) {
          await raw().multi(`${body};\nCOMMIT`);
          committed = true;
          return;
        }
        // The next waiting transaction's BEGIN and first batch ride after this COMMIT: one round
        // trip for two. Which statement failed, if one does, is told by whether COMMIT completed.
        const c = client!;
        const connection = (c as unknown as { connection: NodeJS.EventEmitter }).connection;
        let commitDone = false;
        const onComplete = (msg: { text?: string }) => {
          if (msg.text === 'COMMIT') commitDone = true;
        };
        connection.on('commandComplete', onComplete);
        try {
          this.#roundTrips++;
          const out = (await c.query(`${body};\nCOMMIT;\n${rider.first}`)) as unknown as pg.QueryResult[];
          committed = true;
          handedOver = true;
          c.off('error', onError);
          rider.grant({ client: c, results: out.slice(out.findIndex((r) => r.command === 'COMMIT') + 1) });
        } catch (err) {
          if (!commitDone) {
            // This transaction's own statements failed: it rolls back as usual and the rider
            // waits at the head of the queue for the connection.
            this.#slots.putBack(rider);
            throw err;
          }
          // Committed; the rider's first batch failed: it gets the connection, rolled back, and
          // runs its batch itself (a real fault in it then fails it, not this transaction).
          committed = true;
          const rolledBack = await c.query('ROLLBACK').then(() => true, () => false);
          if (rolledBack) {
            handedOver = true;
            c.off('error', onError);
            rider.grant({ client: c });
          } else {
            this.#slots.putBack(rider);
            broken = err instanceof Error ? err : new Error(String(err));
          }
        } finally {
          connection.off('commandComplete', onComplete);
        }
      },
      cancel: async () => {
        // From another connection: the transaction's own is busy with the statement to cancel.
        // Never after the connection has moved on to another transaction.
        const pid = (client as unknown as { processID?: number } | undefined)?.processID;
        if (pid && !committed && !handedOver) await this.pool.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => undefined);
      },
    };
    try {
      const out = await fn(tx);
      if (opened && !committed) {
        this.#roundTrips++;
        await client!.query('COMMIT');
        committed = true;
      }
      return out;
    } catch (err) {
      // Roll back whatever was done; a connection that cannot even roll back is destroyed.
      if (client && opened && !committed) {
        const rolledBack = await client.query('ROLLBACK').then(() => true, () => false);
        if (!rolledBack) broken = err instanceof Error ? err : new Error(String(err));
      }
      throw err;
    } finally {
      if (client && !handedOver) {
        client.off('error', onError);
        this.#slots.release(client, broken);
      }
    }
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

/**
 * The one query interface every repository uses. Two drivers implement it:
 * `pg` (a Pool, real PostgreSQL) and PGlite (embedded, one connection).
 * The same SQL runs on both.
 */
export type Row = Record<string, unknown>;

export interface QueryResult<R extends Row = Row> {
  rows: R[];
  rowCount: number;
}

export interface Queryable {
  query<R extends Row = Row>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
  /**
   * Runs several statements in one round trip (simple query protocol, no
   * parameters: callers embed values with `literal()`). Returns one result per statement.
   */
  multi(sql: string): Promise<QueryResult[]>;
}

export interface TransactionOptions {
  /** How many times to retry a serialization failure or deadlock (default 5). */
  retries?: number;
  isolation?: 'read committed' | 'repeatable read' | 'serializable';
  /**
   * `SET LOCAL statement_timeout` (and `lock_timeout`) for the transaction: the database itself
   * cancels a statement that runs or waits longer, so no work outlives its caller.
   */
  statementTimeoutMs?: number;
}

/**
 * The handle of one open transaction. BEGIN is sent with its first statement (in the same
 * round trip when that is a `multi`), so a turn costs two round trips: its load and `commitWith`.
 */
export interface Tx extends Queryable {
  /**
   * Runs a final batch and COMMIT in one round trip; the transaction ends with it. On PostgreSQL
   * under load the same round trip may carry the next waiting transaction's BEGIN and first batch.
   */
  commitWith(sql: string): Promise<void>;
  /**
   * Cancels the statement running on this transaction's connection (on PostgreSQL from another
   * connection, `pg_cancel_backend`); the caller then rolls back. A no-op where nothing can block.
   */
  cancel(): Promise<void>;
}

export interface Db extends Queryable {
  readonly driver: 'pg' | 'pglite';
  /** Runs `fn` in one transaction: COMMIT when it returns, ROLLBACK when it throws; the connection stays usable. */
  transaction<T>(fn: (tx: Tx) => Promise<T>, opts?: TransactionOptions): Promise<T>;
  /**
   * Holds one connection for `fn` without starting a transaction (migrations keep a
   * session advisory lock across their own transactions). Turns use `transaction`.
   */
  session<T>(fn: (conn: Queryable) => Promise<T>): Promise<T>;
  /** Database round trips made so far (benchmarks read it). */
  readonly roundTrips: number;
  /** Listen on a NOTIFY channel; returns an unsubscribe function. `onReconnect` runs after a dropped connection is restored. */
  listen(channel: string, onPayload: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** SQLSTATEs worth retrying: serialization_failure, deadlock_detected. */
export const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

export function isRetryable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_SQLSTATES.has(code);
}

/** The statements that open a transaction with these options. */
export function beginSql(opts: TransactionOptions): string {
  const parts = [opts.isolation ? `BEGIN ISOLATION LEVEL ${opts.isolation.toUpperCase()}` : 'BEGIN'];
  if (opts.statementTimeoutMs !== undefined) {
    const ms = Math.max(1, Math.trunc(opts.statementTimeoutMs));
    parts.push(`SET LOCAL statement_timeout = ${ms}`, `SET LOCAL lock_timeout = ${ms}`);
  }
  return parts.join('; ');
}

/**
 * A transaction handle over a raw connection: BEGIN rides with the first batch, COMMIT with
 * the last (`commitWith`). `state()` tells the owner what is left to do when `fn` ends.
 */
export function lazyTx(raw: Queryable, begin: string, cancel: () => Promise<void>) {
  let opened = false;
  let committed = false;
  const guard = () => {
    if (committed) throw new Error('transaction already committed');
  };
  const open = async () => {
    if (!opened) {
      opened = true;
      await raw.multi(begin);
    }
  };
  const tx: Tx = {
    async query(sql, params) {
      guard();
      await open();
      return raw.query(sql, params);
    },
    async multi(sql) {
      guard();
      if (opened) return raw.multi(sql);
      opened = true;
      const prefix = begin.split('; ').length;
      return (await raw.multi(`${begin};\n${sql}`)).slice(prefix);
    },
    async commitWith(sql) {
      guard();
      const prefix = opened ? 0 : begin.split('; ').length;
      opened = true;
      await raw.multi(`${prefix ? `${begin};\n` : ''}${sql.replace(/;\s*$/, '')};\nCOMMIT`);
      committed = true;
    },
    cancel,
  };
  return { tx, state: () => ({ opened, committed }) };
}

export async function withRetries<T>(attempt: () => Promise<T>, retries: number): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isRetryable(err) || i >= retries) throw err;
      // Jittered backoff so two retrying transactions do not collide again at once.
      await new Promise((r) => setTimeout(r, Math.random() * 5 * 2 ** i));
    }
  }
}

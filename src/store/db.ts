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
}

export interface Db extends Queryable {
  readonly driver: 'pg' | 'pglite';
  transaction<T>(fn: (tx: Queryable) => Promise<T>, opts?: TransactionOptions): Promise<T>;
  /**
   * Holds one connection for `fn` without starting a transaction; the engine uses it
   * to keep a row lock across a turn in two round trips.
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

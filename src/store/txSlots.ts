import type pg from 'pg';

/** What a waiting transaction is given: its connection, and the results of its first batch when a commit carried it. */
export interface Granted {
  client: pg.PoolClient;
  /** Results of `first` (BEGIN's statements included), run by the transaction that handed the connection over. */
  results?: pg.QueryResult[];
}

/** A transaction waiting for a connection. */
export interface Waiter {
  /** BEGIN and the transaction's first batch (simple protocol), when it starts with one: it can ride with another's COMMIT. */
  first?: string;
  grant(got: Granted): void;
  fail(err: unknown): void;
}

/**
 * How many transactions of this process hold a PostgreSQL connection at once, and who gets one
 * next. A transaction that ends hands its connection straight to the next waiting one (no trip
 * through the pool); and a turn's commit can carry the next waiting turn's BEGIN and load in
 * the same round trip (`takeRider`), so under load a turn costs one round trip, not two.
 *
 * A few of the pool's connections are kept out of reach of transactions, for LISTEN, the stream's
 * reads and `pg_cancel_backend`; and while anything waits in the pool itself, connections go back
 * to the pool rather than to the next transaction, so plain queries are never starved.
 */
export class TxSlots {
  readonly #pool: pg.Pool;
  readonly #slots: number;
  readonly #waitMs: number;
  #active = 0;
  readonly #queue: Waiter[] = [];

  constructor(pool: pg.Pool, slots: number, waitMs: number) {
    this.#pool = pool;
    this.#slots = Math.max(1, slots);
    this.#waitMs = waitMs;
  }

  /** Transactions waiting for a connection (benchmarks and metrics read it). */
  get waiting(): number {
    return this.#queue.length;
  }

  /** A connection for a new transaction; `first` may be run for it by a committing transaction. */
  acquire(first?: string): Promise<Granted> {
    if (this.#active < this.#slots) {
      this.#active++;
      return this.#connect().then((client) => ({ client }));
    }
    return new Promise<Granted>((resolve, reject) => {
      // As long as the pool's own wait for a connection: a turn is not kept waiting forever.
      const timer = setTimeout(() => {
        const i = this.#queue.indexOf(waiter);
        // Taken as a rider: a committing transaction is running its first batch and will grant it
        // the connection (or put it back); refusing it now would strand that connection.
        if (i < 0) return;
        this.#queue.splice(i, 1);
        reject(new Error('timeout exceeded when waiting for a database connection'));
      }, this.#waitMs);
      timer.unref();
      const waiter: Waiter = {
        ...(first === undefined ? {} : { first }),
        grant: (got) => (clearTimeout(timer), resolve(got)),
        fail: (err) => (clearTimeout(timer), reject(err)),
      };
      this.#queue.push(waiter);
    });
  }

  /**
   * The next waiting transaction, taken out of the queue, when it starts with a batch: the caller
   * sends that batch after its own COMMIT and then grants it the connection (or puts it back with
   * `putBack`). Only the head of the queue rides, so a transaction that starts with a plain query
   * (jobs, the handoff desk) is never overtaken; none while plain queries wait in the pool.
   */
  takeRider(): (Waiter & { first: string }) | undefined {
    if (this.#pool.waitingCount > 0 || this.#queue[0]?.first === undefined) return undefined;
    return this.#queue.shift() as Waiter & { first: string };
  }

  /** A rider whose trip did not happen goes back to the head of the queue. */
  putBack(w: Waiter): void {
    this.#queue.unshift(w);
  }

  /** The transaction is over: its connection goes to the next waiting transaction, or back to the pool. */
  release(client: pg.PoolClient, broken?: Error): void {
    if (!broken && this.#pool.waitingCount === 0) {
      const next = this.#queue.shift();
      if (next) {
        next.grant({ client });
        return;
      }
    }
    client.release(broken);
    this.#active--;
    this.#next();
  }

  /** A slot was freed: the next waiter gets a connection of its own. */
  #next(): void {
    if (this.#active >= this.#slots) return;
    const w = this.#queue.shift();
    if (!w) return;
    this.#active++;
    this.#connect().then((client) => w.grant({ client }), (err: unknown) => w.fail(err));
  }

  #connect(): Promise<pg.PoolClient> {
    return this.#pool.connect().catch((err: unknown) => {
      this.#active--;
      this.#next();
      throw err;
    });
  }
}

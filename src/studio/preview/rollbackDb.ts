import type { Db, Queryable, QueryResult, Row, TransactionOptions, Tx } from '../../store/db.ts';
import { readPreview, restorePreview, type PreviewMemory } from '../../store/previewConversations.ts';

/** Carries a transaction's result out through the driver's ROLLBACK path. */
class RolledBack<T> extends Error {
  constructor(
    readonly value: T,
    readonly after: PreviewMemory,
  ) {
    super('preview transaction rolled back on purpose');
  }
}

export interface PreviewConversationRef {
  readonly id: string;
  readonly userId: string;
  /** Where the conversation stands between turns; replaced after every transaction. */
  memory: PreviewMemory;
}

/**
 * A `Db` whose every transaction runs on the real database and is then rolled back: the preview
 * conversation is put back into the transaction first (from memory), the engine's turn runs with
 * real actions and real locks (a seat row `FOR UPDATE`), `commitWith` runs its batch without
 * COMMIT, the conversation's new state is read back into memory, and ROLLBACK undoes everything —
 * bookings, applications, handoff outbox rows, and `pg_notify` (NOTIFY is only delivered at
 * commit), so nothing reaches Slack, other processes or other residents. Locks end with the turn.
 *
 * The engine only uses `transaction`; the rest is here so that nothing else can commit either.
 */
export function rollbackDb(db: Db, conv: PreviewConversationRef): Db {
  const transaction = async <T>(fn: (tx: Tx) => Promise<T>, opts: TransactionOptions = {}): Promise<T> => {
    try {
      await db.transaction(async (real) => {
        await restorePreview(real, conv.id, conv.memory, conv.userId);
        let ended = false;
        const guard = () => {
          if (ended) throw new Error('transaction already committed');
        };
        const tx: Tx = {
          query: <R extends Row = Row>(sql: string, params?: unknown[]): Promise<QueryResult<R>> => (guard(), real.query<R>(sql, params)),
          multi: (sql) => (guard(), real.multi(sql)),
          // The turn's last batch, without the COMMIT the real `commitWith` would append.
          commitWith: async (sql) => {
            guard();
            await real.multi(sql);
            ended = true;
          },
          cancel: () => real.cancel(),
        };
        const value = await fn(tx);
        throw new RolledBack(value, await readPreview(real, conv.id, conv.memory));
      }, opts);
    } catch (err) {
      if (!(err instanceof RolledBack)) throw err;
      conv.memory = err.after;
      return err.value as T;
    }
    throw new Error('a preview transaction ended without rolling back');
  };
  // Reads outside a turn go through a rolled-back transaction too: the preview's own rows exist only there.
  const inRollback = <R>(fn: (q: Queryable) => Promise<R>) => transaction((tx) => fn(tx));
  return {
    driver: db.driver,
    get roundTrips() {
      return db.roundTrips;
    },
    query: <R extends Row = Row>(sql: string, params?: unknown[]) => inRollback((q) => q.query<R>(sql, params)),
    multi: (sql: string) => inRollback((q) => q.multi(sql)),
    transaction,
    session: () => Promise.reject(new Error('a preview has no sessions: every statement is rolled back')),
    // Nothing a preview does is ever notified (it is rolled back): there is nothing to listen for.
    listen: async () => async () => undefined,
    ping: () => db.ping(),
    // The real database belongs to the process, not to one preview.
    close: async () => undefined,
  };
}

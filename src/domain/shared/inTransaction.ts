import type { Db, Queryable } from '../../store/db.ts';

/**
 * Runs `fn` in a transaction. A `Db` opens one; any other Queryable is taken to be a
 * connection already inside one (a domain action gets the turn's transaction as ctx.tx),
 * so the work commits with the turn.
 */
export function inTransaction<T>(db: Db | Queryable, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return 'transaction' in db ? db.transaction(fn) : fn(db);
}

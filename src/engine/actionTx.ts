import type { Queryable, QueryResult, Tx } from '../store/db.ts';

const SAVEPOINT = 'anchorline_action';

export class ActionAbortedError extends Error {
  readonly code = 'action_aborted';
}

/**
 * The handle a domain action writes through: the turn's transaction behind a savepoint taken
 * with the action's first statement (in the same round trip when that is a batch), so a failed
 * action is undone alone and the turn can go on. After the signal aborts (timeout) every further
 * statement is refused: an action that outlives its time can never write again.
 */
export function actionTx(tx: Tx, signal: AbortSignal) {
  let savepoint = false;
  let inFlight: Promise<unknown> = Promise.resolve();
  const track = <T>(p: Promise<T>): Promise<T> => {
    inFlight = p.catch(() => undefined);
    return p;
  };
  const check = () => {
    if (signal.aborted) throw new ActionAbortedError('the action ran out of time; nothing more is written');
  };
  const handle: Queryable = {
    async query(sql, params) {
      check();
      if (!savepoint) {
        savepoint = true;
        await track(tx.query(`SAVEPOINT ${SAVEPOINT}`));
        check();
      }
      return track(tx.query(sql, params));
    },
    async multi(sql): Promise<QueryResult[]> {
      check();
      if (savepoint) return track(tx.multi(sql));
      savepoint = true;
      return (await track(tx.multi(`SAVEPOINT ${SAVEPOINT};\n${sql}`))).slice(1);
    },
  };
  return {
    handle,
    /** Waits for the statement in flight (cancelled or not), then undoes what the action wrote. */
    async undo(): Promise<void> {
      await inFlight;
      if (savepoint) await tx.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
      savepoint = false;
    },
  };
}

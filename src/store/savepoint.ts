import type { Queryable } from './db.ts';

export interface Savepoint {
  /** Keeps what was done since the savepoint. */
  release(): Promise<void>;
  /** Undoes what was done since the savepoint; the transaction carries on. */
  rollback(): Promise<void>;
}

/** Marks a point inside the transaction `tx` to roll back to, without ending the transaction. */
export async function savepoint(tx: Queryable, name: string): Promise<Savepoint> {
  // The name is spliced into SQL: only a plain identifier.
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`savepoint name ${JSON.stringify(name)} is not a plain identifier`);
  await tx.query(`SAVEPOINT ${name}`);
  return {
    release: async () => void (await tx.query(`RELEASE SAVEPOINT ${name}`)),
    rollback: async () => void (await tx.query(`ROLLBACK TO SAVEPOINT ${name}`)),
  };
}

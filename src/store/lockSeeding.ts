import type { Queryable } from './db.ts';

/**
 * Serialises seeding of coordinator data (flows/*.yaml) across processes that start at
 * once: the lock is held to the end of the transaction `tx`. Keyed per schema like
 * migrate's, so test schemas do not wait for each other.
 */
export async function lockSeeding(tx: Queryable): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(728, hashtext(current_schema()))`);
}

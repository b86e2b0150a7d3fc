import type { Db, Queryable } from '../../store/db.ts';

export type Eraser = (db: Queryable, conversationId: string) => Promise<void>;

/**
 * Retention: conversations idle since before `olderThan` are deleted with everything they
 * hold (answers, transcript, bookings, applications, handoffs), the same way "delete my data"
 * erases them — live bookings are cancelled first so their seats pass to the waiting list.
 * A conversation an adviser still owns is kept. The adviser audit trail (ids and times, no
 * message text) is kept on purpose. Each conversation is its own transaction; a batch at a time.
 * @returns how many conversations were deleted.
 */
export async function pruneIdleConversations(db: Db, opts: { olderThan: Date; erasers: Eraser[]; batch?: number }): Promise<number> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM conversations WHERE last_activity_at < $1 AND owner = 'bot' ORDER BY last_activity_at LIMIT $2`,
    [opts.olderThan, opts.batch ?? 500],
  );
  let deleted = 0;
  for (const { id } of rows) {
    deleted += await db.transaction(async (tx) => {
      // Re-check under the row lock: the resident may have come back since the SELECT.
      const still = await tx.query(`SELECT 1 FROM conversations WHERE id = $1 AND last_activity_at < $2 AND owner = 'bot' FOR UPDATE`, [id, opts.olderThan]);
      if (still.rowCount === 0) return 0;
      for (const erase of opts.erasers) await erase(tx, id);
      return (await tx.query('DELETE FROM conversations WHERE id = $1', [id])).rowCount;
    });
  }
  return deleted;
}

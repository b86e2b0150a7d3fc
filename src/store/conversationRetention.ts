import type { Queryable } from './db.ts';

/**
 * Retention's reads and deletes of `conversations` (to fold into the conversations
 * repository, the table's one writer). Only conversations the bot owns are touched: one an
 * adviser holds is kept until it is handed back or closed.
 */

/** Up to `limit` conversations idle since before `idleBefore`, longest idle first. */
export async function idleConversationIds(db: Queryable, idleBefore: Date, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM conversations WHERE last_activity_at < $1 AND owner = 'bot' ORDER BY last_activity_at LIMIT $2`,
    [idleBefore, limit],
  );
  return rows.map((r) => r.id);
}

/**
 * Locks the conversation if it is still idle and bot-owned (the resident may have come back
 * since it was listed); false when it is not. Inside the transaction that deletes it.
 */
export async function lockIfStillIdle(tx: Queryable, id: string, idleBefore: Date): Promise<boolean> {
  const { rowCount } = await tx.query(`SELECT 1 FROM conversations WHERE id = $1 AND last_activity_at < $2 AND owner = 'bot' FOR UPDATE`, [id, idleBefore]);
  return rowCount > 0;
}

/** Deletes the conversation; its transcript, dedupe records and handoffs go with it (ON DELETE CASCADE). */
export async function deleteConversation(tx: Queryable, id: string): Promise<boolean> {
  return (await tx.query('DELETE FROM conversations WHERE id = $1', [id])).rowCount > 0;
}

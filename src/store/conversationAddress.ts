import type { Queryable } from './db.ts';

/**
 * `conversations.address`: the Bot Framework conversation reference a proactive reply is
 * sent to (to fold into the conversations repository, the table's one writer).
 */

/** Stores the reference (only when it changed). */
export async function saveAddress(db: Queryable, conversationId: string, address: unknown): Promise<void> {
  await db.query(`UPDATE conversations SET address = $2::jsonb WHERE id = $1 AND address IS DISTINCT FROM $2::jsonb`, [
    conversationId,
    JSON.stringify(address),
  ]);
}

export async function loadAddress(db: Queryable, conversationId: string): Promise<unknown> {
  const { rows } = await db.query<{ address: unknown }>(`SELECT address FROM conversations WHERE id = $1`, [conversationId]);
  return rows[0]?.address ?? null;
}

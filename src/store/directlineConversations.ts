import type { Queryable } from './db.ts';

/** `directline_conversations`: the Direct Line conversation ids handed out, with who they were issued to. */

export interface DirectLineConversation {
  id: string;
  userId: string;
  locale: string | null;
}

/** Records a conversation id handed out by /conversations or /tokens/generate (idempotent). */
export async function saveConversation(db: Queryable, c: DirectLineConversation): Promise<void> {
  await db.query(`INSERT INTO directline_conversations (id, user_id, locale) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`, [
    c.id,
    c.userId,
    c.locale,
  ]);
}

export async function findConversation(db: Queryable, id: string): Promise<DirectLineConversation | null> {
  const { rows } = await db.query<{ id: string; user_id: string; locale: string | null }>(
    `SELECT id, user_id, locale FROM directline_conversations WHERE id = $1`,
    [id],
  );
  const r = rows[0];
  return r ? { id: r.id, userId: r.user_id, locale: r.locale } : null;
}

/**
 * Forgets conversation ids handed out before `before` that never reached the engine or whose
 * engine conversation is gone (erased or expired). For the retention job; returns rows removed.
 */
export async function pruneConversations(db: Queryable, before: Date): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM directline_conversations d
      WHERE d.created_at < $1 AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.id = d.id)`,
    [before],
  );
  return rowCount;
}

/**
 * Erasure: the user id an embedding site gave with its Direct Line secret may name the person;
 * it is replaced (the conversation id stays, so the chat can go on).
 */
export async function forgetDirectLineUser(db: Queryable, conversationId: string): Promise<void> {
  await db.query(`UPDATE directline_conversations SET user_id = 'erased' WHERE id = $1`, [conversationId]);
}

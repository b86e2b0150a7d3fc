import { replySchema, type Reply } from '../engine/reply.ts';
import type { Queryable } from './db.ts';

/**
 * Bot Framework delivery state lives on the engine's own rows: `messages.delivered_at` marks
 * an outbound message as claimed for sending (the conversation reference is in
 * conversationAddress.ts). Claiming is one conditional UPDATE, so when several processes hear
 * the same NOTIFY only one of them sends each message.
 */
export async function claimUndelivered(db: Queryable, conversationId: string): Promise<Array<{ seq: number; reply: Reply }>> {
  const { rows } = await db.query<{ seq: number; body: unknown }>(
    `UPDATE messages SET delivered_at = now()
      WHERE conversation_id = $1 AND direction = 'out' AND delivered_at IS NULL
      RETURNING seq, body`,
    [conversationId],
  );
  // RETURNING has no order; the resident must see replies in the order they were written.
  return rows.map((r) => ({ seq: Number(r.seq), reply: replySchema.parse(r.body) })).sort((a, b) => a.seq - b.seq);
}

/** Gives claimed messages back after a failed send, so the next delivery attempt retries them. */
export async function releaseClaims(db: Queryable, conversationId: string, seqs: number[]): Promise<void> {
  if (seqs.length === 0) return;
  await db.query(`UPDATE messages SET delivered_at = NULL WHERE conversation_id = $1 AND seq = ANY($2::bigint[])`, [conversationId, seqs]);
}

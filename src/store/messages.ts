import { z } from 'zod';
import { replySchema } from '../engine/reply.ts';
import type { Queryable } from './db.ts';

export const inboundBodySchema = z.object({
  text: z.string().optional(),
  value: z.unknown().optional(),
  userId: z.string().optional(),
  userName: z.string().optional(),
  /** Set by channels that must echo the resident's own message (Direct Line). */
  clientActivityId: z.string().optional(),
  channelData: z.record(z.string(), z.unknown()).optional(),
});
export type InboundBody = z.infer<typeof inboundBodySchema>;

export type MessageRow =
  | { conversationId: string; seq: number; direction: 'in'; activityId: string | null; body: InboundBody; createdAt: Date }
  | { conversationId: string; seq: number; direction: 'out'; activityId: string | null; body: z.infer<typeof replySchema>; createdAt: Date };

interface Raw extends Record<string, unknown> {
  conversation_id: string;
  seq: number;
  direction: 'in' | 'out';
  activity_id: string | null;
  body: unknown;
  created_at: Date;
}

function toRow(r: Raw): MessageRow {
  const base = { conversationId: r.conversation_id, seq: Number(r.seq), activityId: r.activity_id, createdAt: r.created_at };
  return r.direction === 'in'
    ? { ...base, direction: 'in', body: inboundBodySchema.parse(r.body) }
    : { ...base, direction: 'out', body: replySchema.parse(r.body) };
}

/** Messages after a watermark, oldest first (the Direct Line activity log). */
export async function listMessages(db: Queryable, conversationId: string, afterSeq = 0, limit = 500): Promise<MessageRow[]> {
  const { rows } = await db.query<Raw>(
    `SELECT conversation_id, seq, direction, activity_id, body, created_at FROM messages
      WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    [conversationId, afterSeq, limit],
  );
  return rows.map(toRow);
}

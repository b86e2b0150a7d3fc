import type { Queryable } from '../../../store/db.ts';
import { listMessages, type MessageRow } from '../../../store/messages.ts';
import { renderReply, type OutboundActivity } from '../renderReply.ts';

/** A Direct Line activity as the client receives it (stream frames and GET /activities). */
export type DirectLineActivity = (
  | OutboundActivity
  | {
      type: 'message';
      from: { id: string; name?: string; role: 'user' };
      text?: string;
      textFormat: 'plain';
      value?: unknown;
      channelData?: { clientActivityID?: string };
    }
  | { type: 'event'; name?: string; from: { id: string; role: 'user' }; channelData?: { clientActivityID?: string } }
) & { id: string; conversation: { id: string }; channelId: 'directline'; timestamp: string; replyToId?: string };

export interface ActivitySet {
  activities: DirectLineActivity[];
  /** Highest seq read, as a string (Direct Line watermarks are opaque strings). */
  watermark: string;
}

/** Server-side activity id: conversation id and zero-padded seq, so ids sort in order. */
export function activityId(conversationId: string, seq: number): string {
  return `${conversationId}|${String(seq).padStart(7, '0')}`;
}

/**
 * One stored message as a Direct Line activity, or null for a row the resident never sees: an
 * inbound row with no text that no client waits for (the conversation-start turn).
 */
export function rowToActivity(row: MessageRow): DirectLineActivity | null {
  const base = {
    id: activityId(row.conversationId, row.seq),
    conversation: { id: row.conversationId },
    channelId: 'directline' as const,
    timestamp: row.createdAt.toISOString(),
  };
  if (row.direction === 'out') return { ...renderReply(row.body), ...base };
  const b = row.body;
  if (b.text === undefined && !b.clientActivityId) return null;
  return {
    ...base,
    type: 'message',
    from: { id: b.userId ?? 'user', ...(b.userName ? { name: b.userName } : {}), role: 'user' },
    // The resident's words are shown as typed, never as markdown.
    textFormat: 'plain',
    ...(b.text !== undefined ? { text: b.text } : {}),
    ...(b.value !== undefined ? { value: b.value } : {}),
    // Web Chat matches its pending message to this echo by clientActivityID ("Send failed" otherwise).
    ...(b.clientActivityId ? { channelData: { clientActivityID: b.clientActivityId } } : {}),
  };
}

export function toActivitySet(rows: MessageRow[], afterSeq: number): ActivitySet {
  const activities: DirectLineActivity[] = [];
  let watermark = afterSeq;
  for (const row of rows) {
    watermark = Math.max(watermark, row.seq);
    const a = rowToActivity(row);
    if (a) activities.push(a);
  }
  return { activities, watermark: String(watermark) };
}

/**
 * Activities after `afterSeq`, oldest first (at most `limit` rows, default 500); the watermark
 * moves past rows that render to nothing.
 */
export async function readActivityLog(db: Queryable, conversationId: string, afterSeq: number, limit?: number): Promise<ActivitySet> {
  return toActivitySet(await listMessages(db, conversationId, afterSeq, limit), afterSeq);
}

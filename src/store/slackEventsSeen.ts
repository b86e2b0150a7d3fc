import type { Queryable } from './db.ts';

/** Records a Slack event id; false when it was already seen (Slack retried it). */
export async function markSlackEventSeen(db: Queryable, eventId: string): Promise<boolean> {
  const { rowCount } = await db.query(`INSERT INTO slack_events_seen (event_id) VALUES ($1) ON CONFLICT DO NOTHING`, [eventId]);
  return rowCount > 0;
}

/** Slack retries within minutes: ids older than `before` are forgotten. */
export async function pruneSlackEventsSeen(db: Queryable, before: Date): Promise<void> {
  await db.query(`DELETE FROM slack_events_seen WHERE received_at < $1`, [before]);
}

import type { Queryable } from './db.ts';

/** Where a handoff's card sits in Slack. Written only by the Slack channel. */
export interface SlackCard {
  handoffId: number;
  channel: string;
  ts: string;
}

export async function saveSlackCard(db: Queryable, card: SlackCard): Promise<void> {
  await db.query(`INSERT INTO slack_cards (handoff_id, channel, ts) VALUES ($1, $2, $3) ON CONFLICT (handoff_id) DO NOTHING`, [
    card.handoffId,
    card.channel,
    card.ts,
  ]);
}

export async function findSlackCard(db: Queryable, handoffId: number): Promise<SlackCard | undefined> {
  const { rows } = await db.query<{ channel: string; ts: string }>(`SELECT channel, ts FROM slack_cards WHERE handoff_id = $1`, [handoffId]);
  return rows[0] ? { handoffId, channel: rows[0].channel, ts: rows[0].ts } : undefined;
}

/** The handoff whose card is this message (an adviser replying in its thread). */
export async function findHandoffIdByCard(db: Queryable, channel: string, ts: string): Promise<number | undefined> {
  const { rows } = await db.query<{ handoff_id: number }>(`SELECT handoff_id FROM slack_cards WHERE channel = $1 AND ts = $2`, [channel, ts]);
  return rows[0] ? Number(rows[0].handoff_id) : undefined;
}

/** Of these handoff ids, those with no card yet. */
export async function withoutSlackCard(db: Queryable, handoffIds: number[]): Promise<number[]> {
  if (handoffIds.length === 0) return [];
  const { rows } = await db.query<{ id: number }>(
    `SELECT id FROM unnest($1::bigint[]) AS id WHERE NOT EXISTS (SELECT 1 FROM slack_cards c WHERE c.handoff_id = id) ORDER BY id`,
    [handoffIds],
  );
  return rows.map((r) => Number(r.id));
}

/** A thread post that carries what the resident wrote: remembered so erasure can delete it. */
export async function recordSlackPost(db: Queryable, handoffId: number, ts: string): Promise<void> {
  await db.query(`INSERT INTO slack_posts (handoff_id, ts) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [handoffId, ts]);
}

export async function listSlackPosts(db: Queryable, handoffId: number): Promise<string[]> {
  const { rows } = await db.query<{ ts: string }>(`SELECT ts FROM slack_posts WHERE handoff_id = $1 ORDER BY ts`, [handoffId]);
  return rows.map((r) => r.ts);
}

export async function forgetSlackPost(db: Queryable, handoffId: number, ts: string): Promise<void> {
  await db.query(`DELETE FROM slack_posts WHERE handoff_id = $1 AND ts = $2`, [handoffId, ts]);
}

import { z } from 'zod';
import type { Queryable } from '../../store/db.ts';

/** NOTIFY channel: a new Slack post is waiting (delivered when the writing transaction commits). */
export const OUTBOX_CHANNEL = 'anchorline_slack_outbox';

export const outboxKindSchema = z.enum(['card', 'update', 'relay', 'escalate', 'notice']);
export type OutboxKind = z.infer<typeof outboxKindSchema>;

const outboxRowSchema = z
  .object({
    id: z.coerce.number(),
    handoff_id: z.coerce.number(),
    kind: outboxKindSchema,
    key: z.string(),
    payload: z.record(z.string(), z.unknown()),
    attempts: z.coerce.number(),
    created_at: z.coerce.date(),
  })
  .transform((r) => ({ id: r.id, handoffId: r.handoff_id, kind: r.kind, key: r.key, payload: r.payload, attempts: r.attempts, createdAt: r.created_at }));
export type OutboxItem = z.output<typeof outboxRowSchema>;

/**
 * Queues one Slack post. `key` is our idempotency key: a second enqueue with the same
 * key (a retried event, a repeated turn) is a no-op. Returns false when it already existed.
 */
export async function enqueueSlack(
  db: Queryable,
  item: { handoffId: number; kind: OutboxKind; key: string; payload?: Record<string, unknown>; runAt: Date },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO slack_outbox (handoff_id, kind, key, payload, run_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO NOTHING`,
    [item.handoffId, item.kind, item.key, JSON.stringify(item.payload ?? {}), item.runAt],
  );
  if (rowCount > 0) await db.query(`SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
  return rowCount > 0;
}

/**
 * Takes the next due post, marking it 'sending'. Posts of one handoff go out in order
 * (a relay never overtakes its card); escalations wait on their own clock and block nothing.
 * SKIP LOCKED lets several processes share the outbox.
 */
export async function takeNextSlackPost(db: Queryable, now: Date): Promise<OutboxItem | undefined> {
  const { rows } = await db.query(
    `UPDATE slack_outbox SET status = 'sending', attempts = attempts + 1, locked_at = $1
      WHERE id = (
        SELECT o.id FROM slack_outbox o
         WHERE o.status = 'pending' AND o.run_at <= $1
           AND NOT EXISTS (SELECT 1 FROM slack_outbox p
                            WHERE p.handoff_id = o.handoff_id AND p.id < o.id AND p.kind <> 'escalate'
                              AND p.status IN ('pending', 'sending'))
         ORDER BY o.run_at, o.id LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING id, handoff_id, kind, key, payload, attempts, created_at`,
    [now],
  );
  return rows[0] ? outboxRowSchema.parse(rows[0]) : undefined;
}

export async function finishSlackPost(
  db: Queryable,
  id: number,
  outcome: { status: 'sent'; ts?: string } | { status: 'skipped' } | { status: 'failed'; error: string } | { status: 'retry'; error: string; runAt: Date },
): Promise<void> {
  switch (outcome.status) {
    case 'sent':
      await db.query(`UPDATE slack_outbox SET status = 'sent', sent_ts = $2, error = NULL WHERE id = $1`, [id, outcome.ts ?? null]);
      return;
    case 'skipped':
      await db.query(`UPDATE slack_outbox SET status = 'skipped' WHERE id = $1`, [id]);
      return;
    case 'failed':
      await db.query(`UPDATE slack_outbox SET status = 'failed', error = $2 WHERE id = $1`, [id, outcome.error]);
      return;
    case 'retry':
      await db.query(`UPDATE slack_outbox SET status = 'pending', error = $2, run_at = $3 WHERE id = $1`, [id, outcome.error, outcome.runAt]);
      return;
    default: {
      const never: never = outcome;
      throw new Error(`unknown outcome ${JSON.stringify(never)}`);
    }
  }
}

/** Posts left 'sending' by a process that stopped mid-post: the worker checks Slack for each before any re-send. */
export async function listInterruptedSlackPosts(db: Queryable, olderThan: Date): Promise<OutboxItem[]> {
  const { rows } = await db.query(
    `SELECT id, handoff_id, kind, key, payload, attempts, created_at FROM slack_outbox
      WHERE status = 'sending' AND locked_at < $1 ORDER BY id LIMIT 20`,
    [olderThan],
  );
  return rows.map((r) => outboxRowSchema.parse(r));
}

/**
 * Queues a card for every open, unclaimed handoff that has none: those raised while Slack
 * was off (or before a restart with Slack newly configured). The card key makes it idempotent.
 */
export async function backfillCards(db: Queryable, now: Date, escalateAt: Date): Promise<number> {
  const cards = await db.query(
    `INSERT INTO slack_outbox (handoff_id, kind, key, run_at)
     SELECT id, 'card', 'card:' || id, $1 FROM handoffs
      WHERE status IN ('requested', 'queued') AND slack_ts IS NULL
     ON CONFLICT (key) DO NOTHING RETURNING handoff_id`,
    [now],
  );
  const ids = cards.rows.map((r) => Number(r.handoff_id));
  if (ids.length > 0) {
    await db.query(
      `INSERT INTO slack_outbox (handoff_id, kind, key, run_at)
       SELECT id, 'escalate', 'escalate:' || id, $2 FROM unnest($1::bigint[]) AS id
       ON CONFLICT (key) DO NOTHING`,
      [ids, escalateAt],
    );
  }
  return ids.length;
}

import { z } from 'zod';
import { type HandoffEvent, handoffEventSchema, PERSONAL_EVENT_TYPES } from '../domain/handoffs/handoffEvents.ts';
import type { Queryable } from './db.ts';

/** NOTIFY channel: a handoff event is waiting (delivered when the writing transaction commits). */
export const HANDOFF_OUTBOX_CHANNEL = 'anchorline_handoff_outbox';

const rowSchema = z
  .object({
    id: z.coerce.number(),
    handoff_id: z.coerce.number(),
    type: z.string(),
    key: z.string(),
    payload: z.record(z.string(), z.unknown()),
    attempts: z.coerce.number(),
    created_at: z.coerce.date(),
  })
  .transform((r) => ({
    id: r.id,
    handoffId: r.handoff_id,
    key: r.key,
    attempts: r.attempts,
    createdAt: r.created_at,
    event: handoffEventSchema.parse({ type: r.type, payload: r.payload }),
  }));
export type OutboxItem = z.output<typeof rowSchema>;

const RETURNING = 'id, handoff_id, type, key, payload, attempts, created_at';

/**
 * Queues one handoff event. `key` is our idempotency key: a second append with the same key
 * (a retried event, a repeated turn) is a no-op. Returns false when it already existed.
 */
export async function appendHandoffEvent(db: Queryable, item: { handoffId: number; key: string; event: HandoffEvent; runAt: Date }): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO handoff_outbox (handoff_id, type, key, payload, run_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO NOTHING`,
    [item.handoffId, item.event.type, item.key, JSON.stringify(item.event.payload), item.runAt],
  );
  if (rowCount > 0) await db.query(`SELECT pg_notify($1, '')`, [HANDOFF_OUTBOX_CHANNEL]);
  return rowCount > 0;
}

/**
 * Takes the next due event, marking it 'sending'. Events of one handoff go out in order
 * (a message never overtakes its request); escalations wait on their own clock and block
 * nothing. SKIP LOCKED lets several processes share the outbox.
 */
export async function takeNextHandoffEvent(db: Queryable, now: Date): Promise<OutboxItem | undefined> {
  const { rows } = await db.query(
    `UPDATE handoff_outbox SET status = 'sending', attempts = attempts + 1, locked_at = $1
      WHERE id = (
        SELECT o.id FROM handoff_outbox o
         WHERE o.status = 'pending' AND o.run_at <= $1
           AND NOT EXISTS (SELECT 1 FROM handoff_outbox p
                            WHERE p.handoff_id = o.handoff_id AND p.id < o.id AND p.type <> 'escalation_due'
                              AND p.status IN ('pending', 'sending'))
         ORDER BY o.run_at, o.id LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING ${RETURNING}`,
    [now],
  );
  return rows[0] ? rowSchema.parse(rows[0]) : undefined;
}

export type OutboxOutcome = { status: 'sent'; ts?: string } | { status: 'skipped' } | { status: 'failed'; error: string } | { status: 'retry'; error: string; runAt: Date };

export async function finishHandoffEvent(db: Queryable, id: number, outcome: OutboxOutcome): Promise<void> {
  switch (outcome.status) {
    case 'sent':
      await db.query(`UPDATE handoff_outbox SET status = 'sent', sent_ts = $2, error = NULL WHERE id = $1`, [id, outcome.ts ?? null]);
      return;
    case 'skipped':
      await db.query(`UPDATE handoff_outbox SET status = 'skipped' WHERE id = $1`, [id]);
      return;
    case 'failed':
      await db.query(`UPDATE handoff_outbox SET status = 'failed', error = $2 WHERE id = $1`, [id, outcome.error]);
      return;
    case 'retry':
      await db.query(`UPDATE handoff_outbox SET status = 'pending', error = $2, run_at = $3 WHERE id = $1`, [id, outcome.error, outcome.runAt]);
      return;
    default: {
      const never: never = outcome;
      throw new Error(`unknown outcome ${JSON.stringify(never)}`);
    }
  }
}

/** Events left 'sending' by a process that stopped mid-delivery: the consumer checks before any re-send. */
export async function listInterruptedHandoffEvents(db: Queryable, olderThan: Date): Promise<OutboxItem[]> {
  const { rows } = await db.query(
    `SELECT ${RETURNING} FROM handoff_outbox WHERE status = 'sending' AND locked_at < $1 ORDER BY id LIMIT 20`,
    [olderThan],
  );
  return rows.map((r) => rowSchema.parse(r));
}

/** Erasure: events of these handoffs forget what the resident wrote or gave (messages, call-back numbers). */
export async function emptyPersonalPayloads(db: Queryable, handoffIds: number[]): Promise<void> {
  if (handoffIds.length === 0) return;
  await db.query(`UPDATE handoff_outbox SET payload = '{}' WHERE handoff_id = ANY($1::bigint[]) AND type = ANY($2::text[]) AND payload <> '{}'`, [
    handoffIds,
    PERSONAL_EVENT_TYPES,
  ]);
}

/** Forgets delivered events created before `before` (the audit table is the lasting record). */
export async function pruneHandoffOutbox(db: Queryable, before: Date): Promise<void> {
  await db.query(`DELETE FROM handoff_outbox WHERE status IN ('sent', 'skipped') AND created_at < $1`, [before]);
}

/**
 * Whether an adviser channel may show the handoff: an event of it was queued (delivered events are
 * pruned after a while), or Slack still has its card (kept as long as the handoff).
 */
export async function handoffHasEvents(db: Queryable, handoffId: number): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM handoff_outbox WHERE handoff_id = $1 UNION ALL SELECT 1 FROM slack_cards WHERE handoff_id = $1 LIMIT 1`,
    [handoffId],
  );
  return rows.length > 0;
}

import { z } from 'zod';
import type { HandoffReason } from '../../engine/port.ts';
import type { Queryable } from '../../store/db.ts';
import { type HandoffEvent, handoffStatusSchema, handoffTransition, OPEN_STATUSES, TRANSITIONS, type TransitionResult } from './handoffTransition.ts';

const handoffRowSchema = z.object({
  id: z.coerce.number(),
  conversation_id: z.string(),
  reason: z.enum(['resident_asked', 'flow_step', 'failed_answers', 'safeguarding']),
  urgency: z.enum(['normal', 'urgent']),
  status: handoffStatusSchema,
  locale: z.string(),
  partner: z.string(),
  summary: z.record(z.string(), z.unknown()),
  adviser_id: z.string().nullable(),
  adviser_name: z.string().nullable(),
  slack_channel: z.string().nullable(),
  slack_ts: z.string().nullable(),
  requested_at: z.coerce.date(),
  claimed_at: z.coerce.date().nullable(),
  ended_at: z.coerce.date().nullable(),
});

export const handoffSchema = handoffRowSchema.transform((r) => ({
  id: r.id,
  conversationId: r.conversation_id,
  reason: r.reason,
  urgency: r.urgency,
  status: r.status,
  locale: r.locale,
  partner: r.partner,
  summary: r.summary,
  adviserId: r.adviser_id,
  adviserName: r.adviser_name,
  slackChannel: r.slack_channel,
  slackTs: r.slack_ts,
  requestedAt: r.requested_at,
  claimedAt: r.claimed_at,
  endedAt: r.ended_at,
}));
export type Handoff = z.output<typeof handoffSchema>;

const COLUMNS = `id, conversation_id, reason, urgency, status, locale, partner, summary, adviser_id, adviser_name,
  slack_channel, slack_ts, requested_at, claimed_at, ended_at`;

const parse = (rows: unknown[]): Handoff[] => rows.map((r) => handoffSchema.parse(r));

export interface NewHandoff {
  conversationId: string;
  reason: HandoffReason;
  urgency: 'normal' | 'urgent';
  locale: string;
  partner: string;
  summary: Record<string, unknown>;
  status: 'requested' | 'queued';
  now: Date;
}

/**
 * Opens a handoff, or returns the one already open for the conversation (a second
 * "talk to a person" must not post a second card). An urgent request upgrades an open one.
 */
export async function openHandoff(db: Queryable, h: NewHandoff): Promise<{ handoff: Handoff; created: boolean }> {
  const inserted = await db.query(
    `INSERT INTO handoffs (conversation_id, reason, urgency, status, locale, partner, summary, requested_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
     ON CONFLICT (conversation_id) WHERE status IN ('requested', 'queued', 'claimed', 'active') DO NOTHING
     RETURNING ${COLUMNS}`,
    [h.conversationId, h.reason, h.urgency, h.status, h.locale, h.partner, JSON.stringify(h.summary), h.now],
  );
  if (inserted.rows[0]) return { handoff: parse(inserted.rows)[0]!, created: true };
  const { rows } = await db.query(
    `UPDATE handoffs SET urgency = CASE WHEN $2 = 'urgent' THEN 'urgent' ELSE urgency END,
            reason = CASE WHEN $2 = 'urgent' THEN $3 ELSE reason END, updated_at = $4
      WHERE conversation_id = $1 AND status = ANY($5::text[]) RETURNING ${COLUMNS}`,
    [h.conversationId, h.urgency, h.reason, h.now, OPEN_STATUSES],
  );
  const open = parse(rows)[0];
  if (!open) throw Object.assign(new Error('open handoff vanished during insert'), { code: 'handoff_conflict' });
  return { handoff: open, created: false };
}

export async function getHandoff(db: Queryable, id: number): Promise<Handoff | undefined> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM handoffs WHERE id = $1`, [id]);
  return parse(rows)[0];
}

export async function findHandoffByCard(db: Queryable, channel: string, ts: string): Promise<Handoff | undefined> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM handoffs WHERE slack_channel = $1 AND slack_ts = $2`, [channel, ts]);
  return parse(rows)[0];
}

export async function findOpenHandoff(db: Queryable, conversationId: string): Promise<Handoff | undefined> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM handoffs WHERE conversation_id = $1 AND status = ANY($2::text[])`, [
    conversationId,
    OPEN_STATUSES,
  ]);
  return parse(rows)[0];
}

export async function listOpenHandoffs(db: Queryable, limit = 50): Promise<Handoff[]> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM handoffs WHERE status = ANY($1::text[]) ORDER BY urgency DESC, requested_at LIMIT $2`,
    [OPEN_STATUSES, limit],
  );
  return parse(rows);
}

export async function listClaimedBy(db: Queryable, adviserId: string, limit = 50): Promise<Handoff[]> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM handoffs WHERE adviser_id = $1 AND status IN ('claimed', 'active') ORDER BY claimed_at LIMIT $2`,
    [adviserId, limit],
  );
  return parse(rows);
}

export async function countQueued(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM handoffs WHERE status IN ('requested', 'queued')`);
  return Number(rows[0]?.n ?? 0);
}

export async function setCard(db: Queryable, id: number, channel: string, ts: string): Promise<void> {
  await db.query(`UPDATE handoffs SET slack_channel = $2, slack_ts = $3 WHERE id = $1`, [id, channel, ts]);
}

export type ApplyResult = { ok: true; handoff: Handoff } | Exclude<TransitionResult, { ok: true }> | { ok: false; code: 'not_found' };

/**
 * Applies one event with a single conditional UPDATE, so two advisers pressing Claim
 * together (on any number of processes) leave exactly one owner: the loser's UPDATE
 * matches no row, and the re-read tells them who won.
 */
export async function applyHandoffEvent(
  db: Queryable,
  id: number,
  event: HandoffEvent,
  now: Date,
  adviserName?: string,
): Promise<ApplyResult> {
  const t = TRANSITIONS[event.type];
  const adviserId = 'adviserId' in event ? event.adviserId : null;
  let set: string;
  let ownerCheck = '';
  switch (event.type) {
    case 'queued':
      set = '';
      break;
    case 'claim':
      set = `, adviser_id = $4, adviser_name = $5, claimed_at = $3`;
      break;
    case 'release':
      set = `, adviser_id = NULL, adviser_name = NULL, claimed_at = NULL`;
      ownerCheck = `AND adviser_id = $4`;
      break;
    case 'message':
      set = '';
      ownerCheck = `AND adviser_id = $4`;
      break;
    case 'return':
    case 'close':
      set = `, ended_at = $3`;
      ownerCheck = `AND (adviser_id IS NULL OR adviser_id = $4)`;
      break;
    default: {
      const never: never = event;
      throw new Error(`unknown handoff event ${JSON.stringify(never)}`);
    }
  }
  const params: unknown[] = [id, t.from, now];
  if (event.type === 'claim') params.push(adviserId, adviserName ?? null);
  else if (ownerCheck) params.push(adviserId);
  const { rows } = await db.query(
    `UPDATE handoffs SET status = '${t.to}', updated_at = $3${set}
      WHERE id = $1 AND status = ANY($2::text[]) ${ownerCheck}
      RETURNING ${COLUMNS}`,
    params,
  );
  const row = rows[0];
  if (row) return { ok: true, handoff: handoffSchema.parse(row) };
  const current = await getHandoff(db, id);
  if (!current) return { ok: false, code: 'not_found' };
  const why = handoffTransition(current.status, current.adviserId, event);
  // The row changed between our UPDATE and this read; report it as not allowed now.
  return why.ok ? { ok: false, code: 'not_allowed', from: current.status } : why;
}

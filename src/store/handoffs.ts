import { z } from 'zod';
import { handoffStatusSchema, OPEN_STATUSES, type HandoffStatus } from '../domain/handoffs/handoffTransition.ts';
import type { HandoffLeaveReason, HandoffReason } from '../engine/port.ts';
import type { Queryable } from './db.ts';

/** One fact on an adviser's card: a label the flow declared and the resident's value. */
export type SummaryEntry = [label: string, value: unknown];

/** Rows written before issue 10 held `{programme, eligibility, answers: {...}, turns}`: one level is flattened. */
function legacySummary(o: Record<string, unknown>): SummaryEntry[] {
  const out: SummaryEntry[] = [];
  for (const [k, v] of Object.entries(o)) {
    if (k === 'partner') continue;
    if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k2, v2] of Object.entries(v)) out.push([k2.replace(/_/g, ' '), v2]);
    else out.push([k.replace(/_/g, ' '), v]);
  }
  return out;
}

// Stored as an array of pairs: jsonb keeps array order, not the order of an object's keys.
const summarySchema = z.union([z.array(z.tuple([z.string(), z.unknown()])), z.record(z.string(), z.unknown()).transform(legacySummary)]);

export const contactStepSchema = z.enum(['method', 'phone', 'email', 'consent', 'done']);
export type ContactStep = z.infer<typeof contactStepSchema>;
export const contactMethodSchema = z.enum(['chat', 'phone', 'email']);
export type ContactMethod = z.infer<typeof contactMethodSchema>;

const handoffRowSchema = z.object({
  id: z.coerce.number(),
  conversation_id: z.string(),
  reason: z.enum(['resident_asked', 'flow_step', 'failed_answers', 'safeguarding', 'flow_changed']),
  urgency: z.enum(['normal', 'urgent']),
  status: handoffStatusSchema,
  locale: z.string(),
  partner: z.string(),
  summary: summarySchema,
  age: z.string().nullable(),
  adviser_id: z.string().nullable(),
  adviser_name: z.string().nullable(),
  requested_at: z.coerce.date(),
  claimed_at: z.coerce.date().nullable(),
  ended_at: z.coerce.date().nullable(),
  left_reason: z.enum(['erased', 'stopped', 'restarted']).nullable(),
  erased_at: z.coerce.date().nullable(),
  contact_step: contactStepSchema.nullable(),
  contact_method: contactMethodSchema.nullable(),
  contact_value: z.string().nullable(),
  contact_consent_at: z.coerce.date().nullable(),
  waiting_notes: z.coerce.number(),
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
  age: r.age,
  adviserId: r.adviser_id,
  adviserName: r.adviser_name,
  requestedAt: r.requested_at,
  claimedAt: r.claimed_at,
  endedAt: r.ended_at,
  leftReason: r.left_reason,
  erasedAt: r.erased_at,
  contact: { step: r.contact_step, method: r.contact_method, value: r.contact_value, consentAt: r.contact_consent_at },
  waitingNotes: r.waiting_notes,
}));
export type Handoff = z.output<typeof handoffSchema>;

const COLUMNS = `id, conversation_id, reason, urgency, status, locale, partner, summary, age, adviser_id, adviser_name,
  requested_at, claimed_at, ended_at, left_reason, erased_at, contact_step, contact_method, contact_value, contact_consent_at, waiting_notes`;

const parse = (rows: unknown[]): Handoff[] => rows.map((r) => handoffSchema.parse(r));

export interface NewHandoff {
  conversationId: string;
  reason: HandoffReason;
  urgency: 'normal' | 'urgent';
  locale: string;
  partner: string;
  summary: SummaryEntry[];
  age: string | null;
  status: 'requested' | 'queued';
  /** Where the contact exchange starts (`method`: the resident is asked how to be contacted). */
  contactStep: ContactStep | null;
  now: Date;
}

/**
 * Opens a handoff, or returns the one already open for the conversation (a second
 * "talk to a person" must not post a second card). An urgent request upgrades an open one;
 * an age known now is kept.
 */
export async function openHandoff(db: Queryable, h: NewHandoff): Promise<{ handoff: Handoff; created: boolean }> {
  const inserted = await db.query(
    `INSERT INTO handoffs (conversation_id, reason, urgency, status, locale, partner, summary, age, requested_at, updated_at, contact_step)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)
     ON CONFLICT (conversation_id) WHERE status IN ('requested', 'queued', 'claimed', 'active') DO NOTHING
     RETURNING ${COLUMNS}`,
    [h.conversationId, h.reason, h.urgency, h.status, h.locale, h.partner, JSON.stringify(h.summary), h.age, h.now, h.contactStep],
  );
  if (inserted.rows[0]) return { handoff: parse(inserted.rows)[0]!, created: true };
  const { rows } = await db.query(
    `UPDATE handoffs SET urgency = CASE WHEN $2 = 'urgent' THEN 'urgent' ELSE urgency END,
            reason = CASE WHEN $2 = 'urgent' THEN $3 ELSE reason END, age = COALESCE($6, age), updated_at = $4
      WHERE conversation_id = $1 AND status = ANY($5::text[]) RETURNING ${COLUMNS}`,
    [h.conversationId, h.urgency, h.reason, h.now, OPEN_STATUSES, h.age],
  );
  const open = parse(rows)[0];
  if (!open) throw Object.assign(new Error('open handoff vanished during insert'), { code: 'handoff_conflict' });
  return { handoff: open, created: false };
}

export async function getHandoff(db: Queryable, id: number): Promise<Handoff | undefined> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM handoffs WHERE id = $1`, [id]);
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

/** Ids of open handoffs nobody has claimed yet, oldest first. */
export async function listWaitingHandoffIds(db: Queryable): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(`SELECT id FROM handoffs WHERE status IN ('requested', 'queued') ORDER BY id`);
  return rows.map((r) => Number(r.id));
}

export async function countQueued(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM handoffs WHERE status IN ('requested', 'queued')`);
  return Number(rows[0]?.n ?? 0);
}

export interface StatusChange {
  from: readonly HandoffStatus[];
  to: HandoffStatus;
  at: Date;
  /** Only when this adviser owns it; with `orNobody`, also when nobody does. */
  ownedBy?: { adviserId: string; orNobody: boolean };
  /** Set the owner (claim) or clear it (`null`, release). */
  adviser?: { id: string; name: string | null } | null;
  /** Stamp `ended_at`. */
  ends?: boolean;
  leftReason?: HandoffLeaveReason;
}

/**
 * One conditional UPDATE (`WHERE status = ANY(from)` and the owner check), so two advisers
 * pressing Claim together, on any number of processes, leave exactly one owner: the loser's
 * UPDATE matches no row. Returns the changed row, or undefined when nothing matched.
 */
export async function changeHandoffStatus(db: Queryable, id: number, c: StatusChange): Promise<Handoff | undefined> {
  const params: unknown[] = [id, c.from, c.at, c.to];
  const p = (v: unknown) => `$${params.push(v)}`;
  const sets = ['status = $4', 'updated_at = $3'];
  if (c.adviser) sets.push(`adviser_id = ${p(c.adviser.id)}`, `adviser_name = ${p(c.adviser.name)}`, 'claimed_at = $3');
  if (c.adviser === null) sets.push('adviser_id = NULL', 'adviser_name = NULL', 'claimed_at = NULL');
  if (c.ends) sets.push('ended_at = $3');
  if (c.leftReason) sets.push(`left_reason = ${p(c.leftReason)}`);
  let owner = '';
  if (c.ownedBy) owner = c.ownedBy.orNobody ? `AND (adviser_id IS NULL OR adviser_id = ${p(c.ownedBy.adviserId)})` : `AND adviser_id = ${p(c.ownedBy.adviserId)}`;
  const { rows } = await db.query(
    `UPDATE handoffs SET ${sets.join(', ')} WHERE id = $1 AND status = ANY($2::text[]) ${owner} RETURNING ${COLUMNS}`,
    params,
  );
  return parse(rows)[0];
}

/** Erasure: every handoff of the conversation loses its summary, age and contact details. Returns their ids. */
export async function eraseHandoffSummaries(db: Queryable, conversationId: string, at: Date): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `UPDATE handoffs SET summary = '[]', age = NULL, contact_value = NULL, contact_consent_at = NULL, erased_at = COALESCE(erased_at, $2), updated_at = $2
      WHERE conversation_id = $1 RETURNING id`,
    [conversationId, at],
  );
  return rows.map((r) => Number(r.id));
}

export interface ContactChange {
  step: ContactStep;
  /** Leave unchanged when undefined. */
  method?: ContactMethod | null;
  value?: string | null;
  consentAt?: Date | null;
  /** Count one more short "passed on" answer. */
  noted?: boolean;
}

/** The contact exchange moves on (in the turn's transaction). */
export async function setHandoffContact(db: Queryable, id: number, c: ContactChange, at: Date): Promise<Handoff | undefined> {
  const params: unknown[] = [id, at, c.step];
  const p = (v: unknown) => `$${params.push(v)}`;
  const sets = ['contact_step = $3', 'updated_at = $2'];
  if (c.method !== undefined) sets.push(`contact_method = ${p(c.method)}`);
  if (c.value !== undefined) sets.push(`contact_value = ${p(c.value)}`);
  if (c.consentAt !== undefined) sets.push(`contact_consent_at = ${p(c.consentAt)}`);
  if (c.noted) sets.push('waiting_notes = waiting_notes + 1');
  const { rows } = await db.query(`UPDATE handoffs SET ${sets.join(', ')} WHERE id = $1 RETURNING ${COLUMNS}`, params);
  return parse(rows)[0];
}

import { z } from 'zod';
import type { Queryable } from './db.ts';

/** The studio's audit trail (`studio_audit`): who did what, when. Never resident data. */

export const studioAuditActionSchema = z.string().regex(/^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)+$/, 'an action such as flows.publish: dotted lower-case words');

export type StudioAuditActor = { via: 'studio'; staffId: string; email: string } | { via: 'cli' };

export interface StudioAuditInput {
  at: Date;
  actor: StudioAuditActor;
  action: string;
  subject: string;
  detail?: Record<string, unknown> | undefined;
}

export async function insertStudioAudit(db: Queryable, e: StudioAuditInput): Promise<void> {
  const action = studioAuditActionSchema.parse(e.action);
  const [staffId, email] = e.actor.via === 'studio' ? [e.actor.staffId, e.actor.email] : [null, null];
  await db.query(`INSERT INTO studio_audit (at, via, staff_id, staff_email, action, subject, detail) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`, [
    e.at,
    e.actor.via,
    staffId,
    email,
    action,
    e.subject.slice(0, 500),
    e.detail === undefined ? null : JSON.stringify(e.detail),
  ]);
}

const auditRow = z
  .object({
    id: z.coerce.number(),
    at: z.coerce.date(),
    via: z.enum(['studio', 'cli']),
    staff_id: z.coerce.string().nullable(),
    staff_email: z.string().nullable(),
    action: z.string(),
    subject: z.string(),
    // pg parses jsonb; PGlite too. Either way an object or null.
    detail: z.record(z.string(), z.unknown()).nullable(),
  })
  .transform((r) => ({
    id: r.id,
    at: r.at,
    via: r.via,
    staffId: r.staff_id,
    email: r.staff_email,
    action: r.action,
    subject: r.subject,
    detail: r.detail,
  }));
export type StudioAuditEntry = z.output<typeof auditRow>;

/** The newest `limit` entries, oldest first. */
export async function listStudioAudit(db: Queryable, limit: number): Promise<StudioAuditEntry[]> {
  const { rows } = await db.query(
    `SELECT * FROM (SELECT id, at, via, staff_id, staff_email, action, subject, detail FROM studio_audit ORDER BY at DESC, id DESC LIMIT $1) t ORDER BY at, id`,
    [limit],
  );
  return rows.map((r) => auditRow.parse(r));
}

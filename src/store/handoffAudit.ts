import { z } from 'zod';
import type { Queryable } from './db.ts';

export const auditActionSchema = z.enum(['view', 'claim', 'release', 'message', 'note', 'return', 'close', 'callback', 'resident_left']);
export type AuditAction = z.infer<typeof auditActionSchema>;

const auditRowSchema = z
  .object({
    conversation_id: z.string(),
    handoff_id: z.coerce.number().nullable(),
    adviser_id: z.string(),
    action: auditActionSchema,
    at: z.coerce.date(),
  })
  .transform((r) => ({ conversationId: r.conversation_id, handoffId: r.handoff_id, adviserId: r.adviser_id, action: r.action, at: r.at }));
export type AuditEntry = z.output<typeof auditRowSchema>;

/** One row of who did what to which conversation. Never the message text. */
export async function insertAudit(db: Queryable, e: AuditEntry): Promise<void> {
  await db.query(`INSERT INTO handoff_audit (conversation_id, handoff_id, adviser_id, action, at) VALUES ($1, $2, $3, $4, $5)`, [
    e.conversationId,
    e.handoffId,
    e.adviserId,
    e.action,
    e.at,
  ]);
}

/** The audit trail of one conversation, oldest first. */
export async function selectAudit(db: Queryable, conversationId: string): Promise<AuditEntry[]> {
  const { rows } = await db.query(
    `SELECT conversation_id, handoff_id, adviser_id, action, at FROM handoff_audit WHERE conversation_id = $1 ORDER BY at, id`,
    [conversationId],
  );
  return rows.map((r) => auditRowSchema.parse(r));
}

import { z } from 'zod';
import type { Queryable } from '../../store/db.ts';

export const auditActionSchema = z.enum(['view', 'claim', 'release', 'message', 'note', 'return', 'close', 'callback']);
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

/** Records who did what to which conversation. Never the message text. */
export async function recordAudit(
  db: Queryable,
  e: { conversationId: string; handoffId: number | null; adviserId: string; action: AuditAction; at: Date },
): Promise<void> {
  await db.query(`INSERT INTO handoff_audit (conversation_id, handoff_id, adviser_id, action, at) VALUES ($1, $2, $3, $4, $5)`, [
    e.conversationId,
    e.handoffId,
    e.adviserId,
    e.action,
    e.at,
  ]);
}

/** The audit trail of one conversation, oldest first (`anchorline audit --conversation <id>`). */
export async function listAudit(db: Queryable, conversationId: string): Promise<AuditEntry[]> {
  const { rows } = await db.query(
    `SELECT conversation_id, handoff_id, adviser_id, action, at FROM handoff_audit WHERE conversation_id = $1 ORDER BY at, id`,
    [conversationId],
  );
  return rows.map((r) => auditRowSchema.parse(r));
}

/** One line per entry for `anchorline audit --conversation <id>`. */
export function formatAudit(entries: AuditEntry[]): string {
  if (entries.length === 0) return 'No adviser activity recorded for this conversation.';
  return entries.map((e) => `${e.at.toISOString()}  ${e.action.padEnd(8)}  ${e.adviserId}${e.handoffId === null ? '' : `  handoff ${e.handoffId}`}`).join('\n');
}

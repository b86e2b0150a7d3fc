import { z } from 'zod';
import type { Queryable } from './db.ts';

export const privacyActionSchema = z.enum(['erased', 'export_link_created', 'exported', 'consent_withdrawn']);
export type PrivacyAction = z.infer<typeof privacyActionSchema>;

/** `resident`, `retention`, or `staff:<name>` — never a resident's personal value. */
export const privacyActorSchema = z.string().regex(/^(resident|retention|staff:[\w.@+-]{1,80})$/, 'resident, retention or staff:<name>');

const rowSchema = z
  .object({ action: privacyActionSchema, actor: z.string(), at: z.coerce.date() })
  .transform((r) => ({ action: r.action, actor: r.actor, at: r.at }));
export type PrivacyAuditEntry = z.output<typeof rowSchema>;

/** A content-free fact: what was done to a conversation's data, by whom, when. Survives erasure. */
export async function recordPrivacyAction(db: Queryable, e: { conversationId: string; action: PrivacyAction; actor: string; at: Date }): Promise<void> {
  privacyActorSchema.parse(e.actor);
  await db.query(`INSERT INTO privacy_audit (conversation_id, action, actor, at) VALUES ($1, $2, $3, $4)`, [e.conversationId, e.action, e.actor, e.at]);
}

export async function privacyAuditOf(db: Queryable, conversationId: string): Promise<PrivacyAuditEntry[]> {
  const { rows } = await db.query(`SELECT action, actor, at FROM privacy_audit WHERE conversation_id = $1 ORDER BY at, id`, [conversationId]);
  return rows.map((r) => rowSchema.parse(r));
}

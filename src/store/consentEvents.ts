import { z } from 'zod';
import type { Queryable } from './db.ts';
import { literal as L } from './literal.ts';

export const consentPurposeSchema = z.enum(['keep_answers', 'share_application', 'contact']);
export type ConsentPurpose = z.infer<typeof consentPurposeSchema>;

const rowSchema = z
  .object({
    purpose: consentPurposeSchema,
    scope: z.string(),
    granted: z.boolean(),
    wording_key: z.string(),
    wording_version: z.string(),
    locale: z.string(),
    at: z.coerce.date(),
  })
  .transform((r) => ({ purpose: r.purpose, scope: r.scope, granted: r.granted, wordingKey: r.wording_key, wordingVersion: r.wording_version, locale: r.locale, at: r.at }));
export type ConsentEvent = z.output<typeof rowSchema>;

export interface NewConsentEvent {
  conversationId: string;
  purpose: ConsentPurpose;
  /** The partner id (share_application), the contact method (contact), or '' (keep_answers). */
  scope?: string;
  granted: boolean;
  wordingKey: string;
  wordingVersion: string;
  locale: string;
  at: Date;
}

/** Records consents given or withdrawn (one event per scope), in the caller's transaction. */
export async function recordConsent(db: Queryable, events: NewConsentEvent[]): Promise<void> {
  if (events.length > 0) await db.multi(recordConsentSql(events));
}

/**
 * The same INSERT as `recordConsent`, as one statement of literals to ride in the turn's commit
 * (TurnState.extraSql): no round trip of its own. Only for events nothing later in the turn reads.
 */
export function recordConsentSql(events: NewConsentEvent[]): string {
  const rows = events.map(
    (e) => `(${L(e.conversationId)}, ${L(e.purpose)}, ${L(e.scope ?? '')}, ${L(e.granted)}, ${L(e.wordingKey)}, ${L(e.wordingVersion)}, ${L(e.locale)}, ${L(e.at)})`,
  );
  return `INSERT INTO consent_events (conversation_id, purpose, scope, granted, wording_key, wording_version, locale, at) VALUES ${rows.join(', ')};`;
}

/** Every consent event of a conversation, oldest first (the resident's copy of their data shows them all). */
export async function consentHistory(db: Queryable, conversationId: string): Promise<ConsentEvent[]> {
  const { rows } = await db.query(
    `SELECT purpose, scope, granted, wording_key, wording_version, locale, at FROM consent_events WHERE conversation_id = $1 ORDER BY id`,
    [conversationId],
  );
  return rows.map((r) => rowSchema.parse(r));
}

/** The scopes (partner ids, contact methods) a purpose is currently consented for: the latest event per scope (in the order recorded) is granted. */
export async function grantedScopes(db: Queryable, conversationId: string, purpose: ConsentPurpose): Promise<string[]> {
  const { rows } = await db.query<{ scope: string }>(
    `SELECT scope FROM (
       SELECT DISTINCT ON (scope) scope, granted FROM consent_events
        WHERE conversation_id = $1 AND purpose = $2 ORDER BY scope, id DESC) latest
      WHERE granted ORDER BY scope`,
    [conversationId, purpose],
  );
  return rows.map((r) => r.scope);
}

/** SQL condition: the application's conversation currently consents to sharing with the partner (for partner-facing queries). */
export const SHARED_WITH_PARTNER_SQL = (conversationCol: string, partnerCol: string) =>
  `(SELECT ce.granted FROM consent_events ce
     WHERE ce.conversation_id = ${conversationCol} AND ce.purpose = 'share_application' AND ce.scope = ${partnerCol}
     ORDER BY ce.id DESC LIMIT 1) IS TRUE`;

/** Erasure: the consent record goes with the data it was for (the privacy audit keeps the fact of erasure). */
export async function deleteConsentOf(db: Queryable, conversationId: string): Promise<void> {
  await db.query(`DELETE FROM consent_events WHERE conversation_id = $1`, [conversationId]);
}

import type { Queryable } from './db.ts';

/** Stores a new one-time link (only the hash of its secret). */
export async function insertExportLink(db: Queryable, l: { tokenHash: string; conversationId: string; createdAt: Date; expiresAt: Date }): Promise<void> {
  await db.query(`INSERT INTO data_export_links (token_hash, conversation_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`, [
    l.tokenHash,
    l.conversationId,
    l.createdAt,
    l.expiresAt,
  ]);
}

/**
 * Uses a link: marks it used and returns its conversation, atomically, only if it exists,
 * was never used and has not expired. A second use (or a race of two) gets undefined.
 */
export async function useExportLink(db: Queryable, tokenHash: string, now: Date): Promise<string | undefined> {
  const { rows } = await db.query<{ conversation_id: string }>(
    `UPDATE data_export_links SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING conversation_id`,
    [tokenHash, now],
  );
  return rows[0]?.conversation_id;
}

/** Whether a link is still usable (for the page that asks before using it). */
export async function exportLinkUsable(db: Queryable, tokenHash: string, now: Date): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM data_export_links WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`, [tokenHash, now]);
  return rows.length > 0;
}

/** Erasure (and housekeeping of expired ones). */
export async function deleteExportLinksOf(db: Queryable, conversationId: string): Promise<void> {
  await db.query(`DELETE FROM data_export_links WHERE conversation_id = $1`, [conversationId]);
}

export async function deleteExpiredExportLinks(db: Queryable, now: Date): Promise<number> {
  const { rowCount } = await db.query(`DELETE FROM data_export_links WHERE expires_at <= $1 OR used_at IS NOT NULL`, [now]);
  return rowCount;
}

const MASK = `regexp_replace(%s::text, '(/privacy/export/)[A-Za-z0-9_-]{16,}', '\\1[used or expired]', 'g')`;

/**
 * A link in the transcript (and in the stored replies of the turn that gave it) is a key to the
 * resident's data: once it was used — or, for `olderThan`, once it can no longer work — it is
 * masked where it is kept. Returns how many rows changed.
 */
export async function maskExportLinks(db: Queryable, which: { conversationId: string } | { olderThan: Date }): Promise<number> {
  const [cond, param] = 'conversationId' in which ? ['conversation_id = $1', which.conversationId] : ['created_at < $1', which.olderThan];
  const m = await db.query(
    `UPDATE messages SET body = ${MASK.replace('%s', 'body')}::jsonb WHERE ${cond} AND direction = 'out' AND body::text LIKE '%/privacy/export/%'`,
    [param],
  );
  const p = await db.query(
    `UPDATE processed_activities SET replies = ${MASK.replace('%s', 'replies')}::jsonb WHERE ${cond} AND replies::text LIKE '%/privacy/export/%'`,
    [param],
  );
  return m.rowCount + p.rowCount;
}

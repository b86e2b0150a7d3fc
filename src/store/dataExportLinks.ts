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

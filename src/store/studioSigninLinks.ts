import { z } from 'zod';
import type { Queryable } from './db.ts';

/** One-time studio sign-in links (`studio_signin_links`): only the SHA-256 of the token is kept. */

export async function insertStudioSigninLink(db: Queryable, l: { tokenSha256: string; staffId: string; createdAt: Date; expiresAt: Date }): Promise<void> {
  await db.query(`INSERT INTO studio_signin_links (token_sha256, staff_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`, [
    l.tokenSha256,
    l.staffId,
    l.createdAt,
    l.expiresAt,
  ]);
}

/** Whether a link would sign someone in now: unused, unexpired, of an active account (the page that asks before using it). */
export async function studioSigninLinkUsable(db: Queryable, tokenSha256: string, now: Date): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM studio_signin_links l JOIN studio_staff s ON s.id = l.staff_id
     WHERE l.token_sha256 = $1 AND l.used_at IS NULL AND l.expires_at > $2 AND s.disabled_at IS NULL`,
    [tokenSha256, now],
  );
  return rows.length > 0;
}

/**
 * Uses a link: marks it used and returns its staff id, atomically, only if it is unused,
 * unexpired and its account active. A second use (or the loser of a race of two) gets undefined.
 */
export async function useStudioSigninLink(db: Queryable, tokenSha256: string, now: Date): Promise<string | undefined> {
  const { rows } = await db.query(
    `UPDATE studio_signin_links l SET used_at = $2 FROM studio_staff s
     WHERE l.token_sha256 = $1 AND l.used_at IS NULL AND l.expires_at > $2 AND s.id = l.staff_id AND s.disabled_at IS NULL
     RETURNING l.staff_id`,
    [tokenSha256, now],
  );
  return rows.length ? z.coerce.string().parse(rows[0]!.staff_id) : undefined;
}

/** A removed account's outstanding links stop working; so do used and expired ones (housekeeping). */
export async function deleteStudioSigninLinks(db: Queryable, which: { staffId: string } | { before: Date }): Promise<number> {
  const { rowCount } =
    'staffId' in which
      ? await db.query(`DELETE FROM studio_signin_links WHERE staff_id = $1`, [which.staffId])
      : await db.query(`DELETE FROM studio_signin_links WHERE expires_at <= $1 OR used_at IS NOT NULL`, [which.before]);
  return rowCount;
}

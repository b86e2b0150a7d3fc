import { z } from 'zod';
import type { Queryable } from './db.ts';
import { studioRoleSchema } from './studioStaff.ts';

/** Studio sessions (`studio_sessions`), found by the SHA-256 of the cookie's session id. */

export interface StudioSessionRecord {
  idSha256: string;
  staffId: string;
  email: string;
  role: z.infer<typeof studioRoleSchema>;
  csrf: string;
  createdAt: Date;
  lastSeenAt: Date;
}

const sessionRow = z
  .object({
    id_sha256: z.string(),
    staff_id: z.coerce.string(),
    email: z.string(),
    role: studioRoleSchema,
    csrf: z.string(),
    created_at: z.coerce.date(),
    last_seen_at: z.coerce.date(),
  })
  .transform(
    (r): StudioSessionRecord => ({
      idSha256: r.id_sha256,
      staffId: r.staff_id,
      email: r.email,
      role: r.role,
      csrf: r.csrf,
      createdAt: r.created_at,
      lastSeenAt: r.last_seen_at,
    }),
  );

export async function insertStudioSession(db: Queryable, s: { idSha256: string; staffId: string; csrf: string; at: Date }): Promise<void> {
  await db.query(`INSERT INTO studio_sessions (id_sha256, staff_id, csrf, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)`, [
    s.idSha256,
    s.staffId,
    s.csrf,
    s.at,
  ]);
}

/**
 * The live session with this id hash: seen since `idleSince`, begun after `startedSince`, of an
 * active account (its current role: a change of role applies to open sessions at once).
 */
export async function findStudioSession(db: Queryable, idSha256: string, limits: { idleSince: Date; startedSince: Date }): Promise<StudioSessionRecord | undefined> {
  const { rows } = await db.query(
    `SELECT x.id_sha256, x.staff_id, s.email, s.role, x.csrf, x.created_at, x.last_seen_at
     FROM studio_sessions x JOIN studio_staff s ON s.id = x.staff_id
     WHERE x.id_sha256 = $1 AND x.last_seen_at > $2 AND x.created_at > $3 AND s.disabled_at IS NULL`,
    [idSha256, limits.idleSince, limits.startedSince],
  );
  return rows.length ? sessionRow.parse(rows[0]) : undefined;
}

export async function touchStudioSession(db: Queryable, idSha256: string, at: Date): Promise<void> {
  await db.query(`UPDATE studio_sessions SET last_seen_at = $2 WHERE id_sha256 = $1 AND last_seen_at < $2`, [idSha256, at]);
}

export async function deleteStudioSession(db: Queryable, idSha256: string): Promise<void> {
  await db.query(`DELETE FROM studio_sessions WHERE id_sha256 = $1`, [idSha256]);
}

/** Every session of one account (removal), or every session that can no longer be used (housekeeping). Returns how many. */
export async function deleteStudioSessions(db: Queryable, which: { staffId: string } | { idleSince: Date; startedSince: Date }): Promise<number> {
  const { rowCount } =
    'staffId' in which
      ? await db.query(`DELETE FROM studio_sessions WHERE staff_id = $1`, [which.staffId])
      : await db.query(`DELETE FROM studio_sessions WHERE last_seen_at <= $1 OR created_at <= $2`, [which.idleSince, which.startedSince]);
  return rowCount;
}

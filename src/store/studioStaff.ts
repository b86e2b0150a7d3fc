import { z } from 'zod';
import type { Queryable } from './db.ts';

/**
 * Studio staff (`studio_staff`): invited from the command line, with one role each. Removing
 * someone disables the account (and ends their sessions, see studioSessions.ts); a later
 * invitation enables it again.
 */

export const studioRoleSchema = z.enum(['coordinator', 'translator', 'viewer']);

export interface StudioStaffRecord {
  id: string;
  email: string;
  role: z.infer<typeof studioRoleSchema>;
  createdAt: Date;
  lastSigninAt: Date | null;
  disabledAt: Date | null;
}

const staffRow = z
  .object({
    id: z.coerce.string(),
    email: z.string(),
    role: studioRoleSchema,
    created_at: z.coerce.date(),
    last_signin_at: z.coerce.date().nullable(),
    disabled_at: z.coerce.date().nullable(),
  })
  .transform((r): StudioStaffRecord => ({ id: r.id, email: r.email, role: r.role, createdAt: r.created_at, lastSigninAt: r.last_signin_at, disabledAt: r.disabled_at }));
const COLUMNS = 'id, email, role, created_at, last_signin_at, disabled_at';

/** The account of an address (lower-cased by the caller), active or not; locked for the transaction when `lock`. */
export async function findStudioStaff(db: Queryable, email: string, lock = false): Promise<StudioStaffRecord | undefined> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM studio_staff WHERE email = $1${lock ? ' FOR UPDATE' : ''}`, [email]);
  return rows.length ? staffRow.parse(rows[0]) : undefined;
}

export async function insertStudioStaff(db: Queryable, s: { email: string; role: StudioStaffRecord['role']; at: Date }): Promise<StudioStaffRecord> {
  const { rows } = await db.query(`INSERT INTO studio_staff (email, role, created_at) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`, [s.email, s.role, s.at]);
  return staffRow.parse(rows[0]);
}

/** Sets the role and enables the account. */
export async function updateStudioStaff(db: Queryable, id: string, role: StudioStaffRecord['role']): Promise<StudioStaffRecord> {
  const { rows } = await db.query(`UPDATE studio_staff SET role = $2, disabled_at = NULL WHERE id = $1 RETURNING ${COLUMNS}`, [id, role]);
  return staffRow.parse(rows[0]);
}

export async function disableStudioStaff(db: Queryable, id: string, at: Date): Promise<StudioStaffRecord> {
  const { rows } = await db.query(`UPDATE studio_staff SET disabled_at = $2 WHERE id = $1 RETURNING ${COLUMNS}`, [id, at]);
  return staffRow.parse(rows[0]);
}

export async function markStudioSignin(db: Queryable, id: string, at: Date): Promise<void> {
  await db.query(`UPDATE studio_staff SET last_signin_at = $2 WHERE id = $1`, [id, at]);
}

/** Everyone, active first, then by address. */
export async function listStudioStaff(db: Queryable): Promise<StudioStaffRecord[]> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM studio_staff ORDER BY disabled_at IS NOT NULL, email`);
  return rows.map((r) => staffRow.parse(r));
}

/**
 * Sessions of the outcomes dashboard (`outcomes_sessions`, migration 092), found by the SHA-256 of
 * the cookie's random id. A session says who signed in (the operator, a partner through one of its
 * credentials, or a studio member of staff) and when it ends; the lookup re-checks, on every
 * request, that what granted the session still grants it: the operator token it was signed in with
 * is still the server's ADMIN_TOKEN (migration 093 keeps its SHA-256), a partner's credential is not
 * revoked, a staff account is not disabled and its role still opens the dashboard.
 */
import { z } from 'zod';
import type { Queryable } from './db.ts';

export type OutcomesSessionWho =
  | { kind: 'operator'; operatorTokenSha256: string }
  | { kind: 'partner'; partnerId: string; credentialId: string }
  | { kind: 'staff'; staffId: string };

export type OutcomesSession = (
  | { kind: 'operator' }
  | { kind: 'partner'; partnerId: string; credentialId: string }
  | { kind: 'staff'; staffId: string }
) & { idSha256: string; csrf: string; expiresAt: Date };

/** What grants a session now: the hash of the current ADMIN_TOKEN (none when it is unset), and the staff roles that may see the figures. */
export interface OutcomesSessionGrants {
  operatorTokenSha256: string | undefined;
  staffRoles: readonly string[];
}

const row = z.object({
  id_sha256: z.string(),
  kind: z.enum(['operator', 'partner', 'staff']),
  partner_id: z.string().nullable(),
  credential_id: z.string().nullable(),
  staff_id: z.coerce.string().nullable(),
  csrf: z.string(),
  expires_at: z.coerce.date(),
});

function sessionOf(r: z.infer<typeof row>): OutcomesSession {
  const base = { idSha256: r.id_sha256, csrf: r.csrf, expiresAt: r.expires_at };
  if (r.kind === 'partner') return { ...base, kind: 'partner', partnerId: r.partner_id!, credentialId: r.credential_id! };
  if (r.kind === 'staff') return { ...base, kind: 'staff', staffId: r.staff_id! };
  return { ...base, kind: 'operator' };
}

export async function insertOutcomesSession(db: Queryable, s: { idSha256: string; who: OutcomesSessionWho; csrf: string; at: Date; expiresAt: Date }): Promise<void> {
  const w = s.who;
  await db.query(
    `INSERT INTO outcomes_sessions (id_sha256, kind, partner_id, credential_id, staff_id, operator_token_sha256, csrf, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      s.idSha256,
      w.kind,
      w.kind === 'partner' ? w.partnerId : null,
      w.kind === 'partner' ? w.credentialId : null,
      w.kind === 'staff' ? w.staffId : null,
      w.kind === 'operator' ? w.operatorTokenSha256 : null,
      s.csrf,
      s.at,
      s.expiresAt,
    ],
  );
}

/**
 * The live session with this id hash at `at`: not expired; an operator's signed in with the token
 * whose hash is `grants.operatorTokenSha256` (none matches when ADMIN_TOKEN is unset); its partner
 * credential not revoked; its staff account not disabled and of a role in `grants.staffRoles`.
 * Undefined otherwise (the caller signs in again).
 */
export async function findOutcomesSession(db: Queryable, idSha256: string, at: Date, grants: OutcomesSessionGrants): Promise<OutcomesSession | undefined> {
  const { rows } = await db.query(
    `SELECT o.id_sha256, o.kind, o.partner_id, o.credential_id, o.staff_id, o.csrf, o.expires_at
     FROM outcomes_sessions o
     LEFT JOIN partner_credentials c ON c.id = o.credential_id
     LEFT JOIN studio_staff s ON s.id = o.staff_id
     WHERE o.id_sha256 = $1 AND o.expires_at > $2
       AND (o.kind <> 'partner' OR (c.revoked_at IS NULL AND c.partner_id = o.partner_id))
       AND (o.kind <> 'operator' OR o.operator_token_sha256 = $3)
       AND (o.kind <> 'staff' OR (s.disabled_at IS NULL AND s.role = ANY($4::text[])))`,
    [idSha256, at, grants.operatorTokenSha256 ?? null, [...grants.staffRoles]],
  );
  return rows[0] ? sessionOf(row.parse(rows[0])) : undefined;
}

export async function deleteOutcomesSession(db: Queryable, idSha256: string): Promise<void> {
  await db.query('DELETE FROM outcomes_sessions WHERE id_sha256 = $1', [idSha256]);
}

/** Housekeeping at each sign-in: sessions that can no longer be used. */
export async function deleteExpiredOutcomesSessions(db: Queryable, at: Date): Promise<void> {
  await db.query('DELETE FROM outcomes_sessions WHERE expires_at <= $1', [at]);
}

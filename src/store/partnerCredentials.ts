import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Db, Queryable } from './db.ts';

/**
 * Partner credentials (`partner_credentials`) and the audit of their use (`partner_access_audit`).
 *
 * A credential reads `alp_<id>_<secret>`: the id (64 random bits, hex) is public and finds the
 * row; the secret (256 random bits, base64url) is never stored, only its SHA-256, compared in
 * constant time. A fast hash is enough for a secret this random (nothing to guess from a
 * dictionary); the prefix lets secret scanners and people recognise a leaked one.
 */

export const CREDENTIAL_PREFIX = 'alp_';
export const credentialIdSchema = z.string().regex(/^[0-9a-f]{16}$/, 'a credential id is 16 characters 0-9 and a-f');
const tokenSchema = z.string().regex(/^alp_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/);

export const partnerAccessActionSchema = z.enum([
  'applications.export',
  'application.set_status',
  'credential.create',
  'credential.revoke',
  // The outcomes dashboard (issue 15, migration 092): signing in, looking, exporting, a poster.
  'outcomes.signin',
  'outcomes.view',
  'outcomes.export',
  'referral.poster',
]);
export type PartnerAccessAction = z.infer<typeof partnerAccessActionSchema>;
export const partnerAccessOutcomeSchema = z.enum(['allowed', 'forbidden', 'invalid', 'revoked', 'bad_secret', 'done']);
export type PartnerAccessOutcome = z.infer<typeof partnerAccessOutcomeSchema>;

/** What may be shown of a credential: never its secret or hash. */
export interface CredentialInfo {
  id: string;
  partnerId: string;
  label: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const infoRow = z
  .object({
    id: z.string(),
    partner_id: z.string(),
    label: z.string(),
    created_at: z.coerce.date(),
    last_used_at: z.coerce.date().nullable(),
    revoked_at: z.coerce.date().nullable(),
  })
  .transform((r): CredentialInfo => ({ id: r.id, partnerId: r.partner_id, label: r.label, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at }));
const INFO_COLUMNS = 'id, partner_id, label, created_at, last_used_at, revoked_at';

const sha256 = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

/** The id and secret of a presented credential, or undefined when it does not have the shape of one. */
export function parseCredential(token: string): { id: string; secret: string } | undefined {
  const m = tokenSchema.safeParse(token);
  if (!m.success) return undefined;
  const [, id, secret] = /^alp_([0-9a-f]{16})_(.+)$/.exec(m.data)!;
  return { id: id!, secret: secret! };
}

export type CreateResult = { type: 'created'; credential: CredentialInfo; token: string } | { type: 'unknownPartner'; partnerId: string };

/** Mints a credential for a partner; the returned token is the only copy of the secret. */
export async function createPartnerCredential(db: Db, input: { partnerId: string; label: string }): Promise<CreateResult> {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return db.transaction(async (tx) => {
    const { rows } = await tx.query(
      `INSERT INTO partner_credentials (id, partner_id, label, secret_sha256)
       SELECT $1, p.id, $3, $4 FROM partners p WHERE p.id = $2
       RETURNING ${INFO_COLUMNS}`,
      [id, input.partnerId, input.label, sha256(secret)],
    );
    if (rows.length === 0) return { type: 'unknownPartner', partnerId: input.partnerId } as const;
    const credential = infoRow.parse(rows[0]);
    await recordPartnerAccess(tx, { credentialId: id, partnerId: credential.partnerId, action: 'credential.create', outcome: 'done' });
    return { type: 'created', credential, token: `${CREDENTIAL_PREFIX}${id}_${secret}` } as const;
  });
}

/** Credentials, newest first; of one partner when given. */
export async function listPartnerCredentials(db: Queryable, partnerId?: string): Promise<CredentialInfo[]> {
  const { rows } = await db.query(
    `SELECT ${INFO_COLUMNS} FROM partner_credentials WHERE $1::text IS NULL OR partner_id = $1 ORDER BY created_at DESC, id`,
    [partnerId ?? null],
  );
  return rows.map((r) => infoRow.parse(r));
}

export type RevokeResult = { type: 'revoked' | 'alreadyRevoked'; credential: CredentialInfo } | { type: 'notFound' };

/** Revokes a credential for good (its next use is refused with 401); revoking twice changes nothing. */
export async function revokePartnerCredential(db: Db, id: string): Promise<RevokeResult> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query(`SELECT ${INFO_COLUMNS} FROM partner_credentials WHERE id = $1 FOR UPDATE`, [id]);
    if (rows.length === 0) return { type: 'notFound' } as const;
    const before = infoRow.parse(rows[0]);
    if (before.revokedAt) return { type: 'alreadyRevoked', credential: before } as const;
    const after = await tx.query(`UPDATE partner_credentials SET revoked_at = now() WHERE id = $1 RETURNING ${INFO_COLUMNS}`, [id]);
    await recordPartnerAccess(tx, { credentialId: id, partnerId: before.partnerId, action: 'credential.revoke', outcome: 'done' });
    return { type: 'revoked', credential: infoRow.parse(after.rows[0]) } as const;
  });
}

export type VerifyResult =
  | { type: 'ok'; credentialId: string; partnerId: string }
  /** Not the shape of a credential, or no credential has this id: nothing to audit against. */
  | { type: 'unknown' }
  | { type: 'badSecret' | 'revoked'; credentialId: string; partnerId: string };

const verifyRow = z.object({ partner_id: z.string(), secret_sha256: z.string().regex(/^[0-9a-f]{64}$/), revoked: z.boolean() });

/** Checks a presented `alp_…` token: found by id, the secret compared by hash in constant time. */
export async function verifyPartnerCredential(db: Queryable, token: string): Promise<VerifyResult> {
  const parsed = parseCredential(token);
  if (!parsed) return { type: 'unknown' };
  const { rows } = await db.query(`SELECT partner_id, secret_sha256, revoked_at IS NOT NULL AS revoked FROM partner_credentials WHERE id = $1`, [parsed.id]);
  if (rows.length === 0) return { type: 'unknown' };
  const row = verifyRow.parse(rows[0]);
  const same = timingSafeEqual(Buffer.from(sha256(parsed.secret), 'hex'), Buffer.from(row.secret_sha256, 'hex'));
  const who = { credentialId: parsed.id, partnerId: row.partner_id };
  if (!same) return { type: 'badSecret', ...who };
  // Checked after the secret: only a holder of the real secret learns that it was revoked.
  if (row.revoked) return { type: 'revoked', ...who };
  return { type: 'ok', ...who };
}

export interface PartnerAccessEntry {
  credentialId: string;
  partnerId: string;
  action: PartnerAccessAction;
  outcome: PartnerAccessOutcome;
  requestedPartnerId?: string | undefined;
  applicationVacancyId?: number | undefined;
}

/**
 * One audit row. A use by the rightful holder (the secret matched, not revoked) also sets
 * the credential's `last_used_at`, in the same statement.
 */
export async function recordPartnerAccess(db: Queryable, e: PartnerAccessEntry): Promise<void> {
  const used = e.outcome === 'allowed' || e.outcome === 'forbidden' || e.outcome === 'invalid';
  await db.query(
    `WITH used AS (UPDATE partner_credentials SET last_used_at = now() WHERE id = $1 AND $7::boolean RETURNING id)
     INSERT INTO partner_access_audit (credential_id, partner_id, action, outcome, requested_partner_id, application_vacancy_id)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [e.credentialId, e.partnerId, e.action, e.outcome, e.requestedPartnerId ?? null, e.applicationVacancyId ?? null, used],
  );
}

const auditRow = z
  .object({
    credential_id: z.string(),
    partner_id: z.string(),
    action: partnerAccessActionSchema,
    outcome: partnerAccessOutcomeSchema,
    requested_partner_id: z.string().nullable(),
    application_vacancy_id: z.coerce.number().nullable(),
    at: z.coerce.date(),
  })
  .transform((r) => ({
    credentialId: r.credential_id,
    partnerId: r.partner_id,
    action: r.action,
    outcome: r.outcome,
    requestedPartnerId: r.requested_partner_id,
    applicationVacancyId: r.application_vacancy_id,
    at: r.at,
  }));
export type PartnerAccessRecord = z.output<typeof auditRow>;

/** The audit trail of one credential, oldest first. */
export async function listPartnerAccess(db: Queryable, credentialId: string, limit = 1000): Promise<PartnerAccessRecord[]> {
  const { rows } = await db.query(
    `SELECT credential_id, partner_id, action, outcome, requested_partner_id, application_vacancy_id, at
     FROM partner_access_audit WHERE credential_id = $1 ORDER BY at, id LIMIT $2`,
    [credentialId, limit],
  );
  return rows.map((r) => auditRow.parse(r));
}

/** The partner whose vacancy an application line is for; undefined when there is no such line. */
export async function partnerOfApplicationVacancy(db: Queryable, applicationVacancyId: number): Promise<string | undefined> {
  const { rows } = await db.query(
    `SELECT v.partner_id FROM application_vacancies av JOIN vacancies v ON v.id = av.vacancy_id WHERE av.id = $1`,
    [applicationVacancyId],
  );
  return rows.length ? z.string().parse(rows[0]!.partner_id) : undefined;
}

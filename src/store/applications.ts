import { SHARED_WITH_PARTNER_SQL } from './consentEvents.ts';
import { z } from 'zod';
import type { Queryable } from './db.ts';

/**
 * `applications` (one per conversation, with the resident's profile) and
 * `application_vacancies` (one line per vacancy applied to, with its status).
 * Statuses are checked by the domain (domain/applications/applicationProfile.ts).
 */

/** Creates the conversation's application or updates its profile; returns its id. */
export async function upsertApplication(tx: Queryable, conversationId: string, profile: unknown): Promise<number> {
  const { rows } = await tx.query<{ id: number }>(
    `INSERT INTO applications (conversation_id, profile) VALUES ($1, $2::jsonb)
     ON CONFLICT (conversation_id) DO UPDATE SET profile = EXCLUDED.profile, updated_at = now()
     RETURNING id`,
    [conversationId, JSON.stringify(profile)],
  );
  return rows[0]!.id;
}

/** Links vacancies to an application; returns the ones that were not linked already. */
export async function linkVacancies(tx: Queryable, applicationId: number, vacancyIds: string[]): Promise<string[]> {
  const { rows } = await tx.query<{ vacancy_id: string }>(
    `INSERT INTO application_vacancies (application_id, vacancy_id)
     SELECT $1, x FROM unnest($2::text[]) AS x
     ON CONFLICT (application_id, vacancy_id) DO NOTHING
     RETURNING vacancy_id`,
    [applicationId, vacancyIds],
  );
  return rows.map((r) => r.vacancy_id);
}

const lineSchema = z.object({
  id: z.number(),
  vacancy_id: z.string(),
  role: z.string(),
  partner_name: z.string(),
  site_name: z.string(),
  status: z.string(),
  updated_at: z.date(),
});

export interface ApplicationLine {
  applicationVacancyId: number;
  vacancyId: string;
  role: string;
  partnerName: string;
  siteName: string;
  status: string;
  updatedAt: Date;
}

/** The conversation's application and its lines (oldest first), or undefined when it has none. */
export async function findApplication(db: Queryable, conversationId: string): Promise<{ applicationId: number; lines: ApplicationLine[] } | undefined> {
  const { rows } = await db.query<{ application_id: number; id: number | null }>(
    `SELECT a.id AS application_id, av.id, av.vacancy_id, v.role, p.name AS partner_name, v.site_name, av.status, av.updated_at
     FROM applications a
     LEFT JOIN application_vacancies av ON av.application_id = a.id
     LEFT JOIN vacancies v ON v.id = av.vacancy_id
     LEFT JOIN partners p ON p.id = v.partner_id
     WHERE a.conversation_id = $1
     ORDER BY av.id`,
    [conversationId],
  );
  if (!rows[0]) return undefined;
  const lines = rows
    .filter((r) => r.id !== null)
    .map((raw) => {
      const r = lineSchema.parse(raw);
      return { applicationVacancyId: r.id, vacancyId: r.vacancy_id, role: r.role, partnerName: r.partner_name, siteName: r.site_name, status: r.status, updatedAt: r.updated_at };
    });
  return { applicationId: z.number().parse(rows[0].application_id), lines };
}

/**
 * Locks one application line for a status change and returns its status (undefined: no such
 * line — or, with `partnerId`, not one of that partner's vacancies with the resident's consent to
 * share in force: checked in the same statement as the lock, so no change slips between).
 */
export async function lockLineStatus(tx: Queryable, applicationVacancyId: number, partnerId?: string): Promise<string | undefined> {
  const { rows } =
    partnerId === undefined
      ? await tx.query<{ status: string }>(`SELECT status FROM application_vacancies WHERE id = $1 FOR NO KEY UPDATE`, [applicationVacancyId])
      : await tx.query<{ status: string }>(
          `SELECT av.status FROM application_vacancies av
             JOIN vacancies v ON v.id = av.vacancy_id
             JOIN applications a ON a.id = av.application_id
            WHERE av.id = $1 AND v.partner_id = $2 AND ${SHARED_WITH_PARTNER_SQL('a.conversation_id', 'v.partner_id')}
            FOR NO KEY UPDATE OF av`,
          [applicationVacancyId, partnerId],
        );
  return rows[0]?.status;
}

export async function setLineStatus(tx: Queryable, applicationVacancyId: number, status: string): Promise<void> {
  await tx.query(`UPDATE application_vacancies SET status = $2, updated_at = now() WHERE id = $1`, [applicationVacancyId, status]);
}

/** Whose line it is and whose vacancy, for the funnel event of a status change (no personal values). */
export async function findLineOwner(db: Queryable, applicationVacancyId: number): Promise<{ conversationId: string; vacancyId: string; partnerId: string } | undefined> {
  const { rows } = await db.query(
    `SELECT a.conversation_id, av.vacancy_id, v.partner_id
     FROM application_vacancies av JOIN applications a ON a.id = av.application_id JOIN vacancies v ON v.id = av.vacancy_id
     WHERE av.id = $1`,
    [applicationVacancyId],
  );
  if (!rows[0]) return undefined;
  const r = z.object({ conversation_id: z.string(), vacancy_id: z.string(), partner_id: z.string() }).parse(rows[0]);
  return { conversationId: r.conversation_id, vacancyId: r.vacancy_id, partnerId: r.partner_id };
}

const noticeSchema = z.object({
  conversation_id: z.string(),
  role: z.string(),
  partner_name: z.string(),
  status: z.string(),
  locale: z.string(),
});

/** What a status notice needs: whose line it is, in which language, and its current status. */
export async function findLineForNotice(
  db: Queryable,
  applicationVacancyId: number,
): Promise<{ conversationId: string; role: string; partnerName: string; status: string; locale: string } | undefined> {
  const { rows } = await db.query(
    `SELECT a.conversation_id, v.role, p.name AS partner_name, av.status, c.locale
     FROM application_vacancies av JOIN applications a ON a.id = av.application_id
     JOIN conversations c ON c.id = a.conversation_id
     JOIN vacancies v ON v.id = av.vacancy_id JOIN partners p ON p.id = v.partner_id
     WHERE av.id = $1`,
    [applicationVacancyId],
  );
  if (!rows[0]) return undefined;
  const r = noticeSchema.parse(rows[0]);
  return { conversationId: r.conversation_id, role: r.role, partnerName: r.partner_name, status: r.status, locale: r.locale };
}

const exportSchema = z.object({
  id: z.number(),
  application_id: z.number(),
  vacancy_id: z.string(),
  role: z.string(),
  site_name: z.string(),
  status: z.string(),
  created_at: z.date(),
  updated_at: z.date(),
  profile: z.unknown(),
});

/**
 * The application lines for one partner's vacancies, oldest first. Only that partner's
 * rows: the partner id is in the WHERE clause, never a filter applied afterwards.
 */
export async function listPartnerApplicationLines(db: Queryable, partnerId: string) {
  const { rows } = await db.query(
    `SELECT av.id, av.application_id, av.vacancy_id, v.role, v.site_name, av.status, av.created_at, av.updated_at, a.profile
     FROM application_vacancies av
     JOIN vacancies v ON v.id = av.vacancy_id
     JOIN applications a ON a.id = av.application_id
     WHERE v.partner_id = $1 AND ${SHARED_WITH_PARTNER_SQL('a.conversation_id', 'v.partner_id')}
     ORDER BY av.id`,
    [partnerId],
  );
  return rows.map((raw) => {
    const r = exportSchema.parse(raw);
    return {
      applicationVacancyId: r.id,
      applicationId: r.application_id,
      vacancyId: r.vacancy_id,
      role: r.role,
      siteName: r.site_name,
      status: r.status,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      profile: r.profile,
    };
  });
}

/**
 * "Stop sharing with …": the conversation's application lines for those partners' vacancies are
 * withdrawn (the partner no longer sees them: exports need a consent in force as well).
 * @returns the vacancy ids withdrawn now.
 */
export async function withdrawPartnerLines(tx: Queryable, conversationId: string, partnerIds: string[]): Promise<string[]> {
  const { rows } = await tx.query<{ vacancy_id: string }>(
    `UPDATE application_vacancies av SET status = 'withdrawn', updated_at = now()
       FROM applications a, vacancies v
      WHERE a.id = av.application_id AND v.id = av.vacancy_id AND a.conversation_id = $1 AND v.partner_id = ANY($2::text[])
        AND av.status <> 'withdrawn'
      RETURNING av.vacancy_id`,
    [conversationId, partnerIds],
  );
  return rows.map((r) => r.vacancy_id);
}

/** Erasure: the conversation's application and its lines (they cascade). */
export async function deleteApplicationOf(tx: Queryable, conversationId: string): Promise<void> {
  await tx.query(`DELETE FROM applications WHERE conversation_id = $1`, [conversationId]);
}

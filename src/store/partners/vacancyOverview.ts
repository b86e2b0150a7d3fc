import { z } from 'zod';
import type { Queryable } from '../db.ts';
import type { VacancyValues } from './vacanciesRepo.ts';

/** Reads for the studio's programme data pages (issue 13): partners and their vacancies, with applications counted. */

export interface PartnerOverview {
  id: string;
  name: string;
}

/** A vacancy as a coordinator sees it (the file's values, dates YYYY-MM-DD), with how many applied. */
export type VacancyOverview = VacancyValues & { applications: number };

const partnerRow = z.object({ id: z.string(), name: z.string() });
const vacancyRow = z.object({
  id: z.string(),
  partner_id: z.string(),
  role: z.string(),
  job_family: z.string(),
  band: z.string(),
  hours_per_week: z.number(),
  site_id: z.string(),
  site_name: z.string(),
  closing_date: z.string(),
  start_date: z.string().nullable(),
  min_age: z.number(),
  requirements: z.array(z.string()),
  applications: z.number(),
});

export async function listPartners(db: Queryable, ids?: string[]): Promise<PartnerOverview[]> {
  const { rows } = await db.query(`SELECT id, name FROM partners WHERE $1::text[] IS NULL OR id = ANY ($1::text[]) ORDER BY name, id`, [ids ?? null]);
  return rows.map((r) => partnerRow.parse(r));
}

/** Vacancies (of one partner, one vacancy, or all), latest closing first. */
export async function listVacancyOverview(db: Queryable, f: { partnerId?: string; vacancyId?: string } = {}): Promise<VacancyOverview[]> {
  const { rows } = await db.query(
    `SELECT v.id, v.partner_id, v.role, v.job_family, v.band, v.hours_per_week::float8 AS hours_per_week, v.site_id, v.site_name,
       v.closing_date::text AS closing_date, v.start_date::text AS start_date, v.min_age, v.requirements,
       (SELECT count(*)::int FROM application_vacancies a WHERE a.vacancy_id = v.id) AS applications
     FROM vacancies v
     WHERE ($1::text IS NULL OR v.partner_id = $1) AND ($2::text IS NULL OR v.id = $2)
     ORDER BY v.closing_date DESC, v.id`,
    [f.partnerId ?? null, f.vacancyId ?? null],
  );
  return rows.map((r) => {
    const v = vacancyRow.parse(r);
    return {
      id: v.id,
      partnerId: v.partner_id,
      role: v.role,
      jobFamily: v.job_family,
      band: v.band,
      hoursPerWeek: v.hours_per_week,
      siteId: v.site_id,
      siteName: v.site_name,
      closingDate: v.closing_date,
      startDate: v.start_date,
      minAge: v.min_age,
      requirements: v.requirements,
      applications: v.applications,
    };
  });
}

import { z } from 'zod';
import type { Queryable } from '../db.ts';

/**
 * Reads of `vacancies` (with their partner's name) for matching and applying. Seeding
 * writes them (domain/vacancies/seedPartners.ts).
 */

// Dates are cast to text in SQL: a DATE read as a JS Date would shift with the time zone.
const COLUMNS = `v.id, v.partner_id, p.name AS partner_name, v.role, v.job_family, v.band,
  v.hours_per_week::float8 AS hours_per_week, v.site_id, v.site_name, v.closing_date::text AS closing_date,
  v.start_date::text AS start_date, v.min_age, v.requirements`;

const rowSchema = z.object({
  id: z.string(),
  partner_id: z.string(),
  partner_name: z.string(),
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
});

/** One vacancy row; dates are YYYY-MM-DD. The domain checks job family and requirements. */
export interface VacancyRecord {
  id: string;
  partnerId: string;
  partnerName: string;
  role: string;
  jobFamily: string;
  band: string;
  hoursPerWeek: number;
  site: { id: string; name: string };
  closingDate: string;
  startDate: string | null;
  minAge: number;
  requirements: string[];
}

function toRecord(raw: unknown): VacancyRecord {
  const r = rowSchema.parse(raw);
  return {
    id: r.id,
    partnerId: r.partner_id,
    partnerName: r.partner_name,
    role: r.role,
    jobFamily: r.job_family,
    band: r.band,
    hoursPerWeek: r.hours_per_week,
    site: { id: r.site_id, name: r.site_name },
    closingDate: r.closing_date,
    startDate: r.start_date,
    minAge: r.min_age,
    requirements: r.requirements,
  };
}

/** The vacancies with these ids (unknown ids are simply missing). */
export async function findVacancies(db: Queryable, ids: string[]): Promise<VacancyRecord[]> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM vacancies v JOIN partners p ON p.id = v.partner_id WHERE v.id = ANY ($1::text[])`, [ids]);
  return rows.map(toRecord);
}

/** Every vacancy closing on or after `fromDate` (YYYY-MM-DD), soonest first. */
export async function listVacanciesClosingFrom(db: Queryable, fromDate: string): Promise<VacancyRecord[]> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM vacancies v JOIN partners p ON p.id = v.partner_id
     WHERE v.closing_date >= $1::date
     ORDER BY v.closing_date, v.id`,
    [fromDate],
  );
  return rows.map(toRecord);
}

export async function partnerExists(db: Queryable, partnerId: string): Promise<boolean> {
  return (await db.query(`SELECT 1 FROM partners WHERE id = $1`, [partnerId])).rowCount > 0;
}

/** Partners' official names by id (the names a resident is asked to share their application with). */
export async function partnerNames(db: Queryable, ids: readonly string[]): Promise<Array<{ id: string; name: string }>> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<{ id: string; name: string }>(`SELECT id, name FROM partners WHERE id = ANY($1::text[]) ORDER BY name`, [ids]);
  return rows.map((r) => ({ id: r.id, name: r.name }));
}

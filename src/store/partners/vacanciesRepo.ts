import { z } from 'zod';
import type { Queryable } from '../db.ts';

/** A vacancy as flows/partners.yaml writes it (dates as YYYY-MM-DD). */
export interface VacancyValues {
  id: string;
  partnerId: string;
  role: string;
  jobFamily: string;
  band: string;
  hoursPerWeek: number;
  siteId: string;
  siteName: string;
  closingDate: string;
  startDate: string | null;
  minAge: number;
  requirements: string[];
}

/** Who last wrote a vacancy's values (migration 084): the file, or the studio's data pages. */
export const vacancySourceSchema = z.enum(['yaml', 'studio']);
export type VacancySource = z.infer<typeof vacancySourceSchema>;

/** A stored vacancy, with who last wrote it. */
export type StoredVacancy = VacancyValues & { source: VacancySource };

const vacancyRow = z
  .object({
    id: z.string(),
    partner_id: z.string(),
    role: z.string(),
    job_family: z.string(),
    band: z.string(),
    // numeric comes back as a string on both drivers (store/pgDriver.ts).
    hours_per_week: z.coerce.number(),
    site_id: z.string(),
    site_name: z.string(),
    closing_date: z.string(),
    start_date: z.string().nullable(),
    min_age: z.number(),
    requirements: z.array(z.string()),
    source: vacancySourceSchema,
  })
  .transform(
    (r): StoredVacancy => ({
      id: r.id,
      partnerId: r.partner_id,
      role: r.role,
      jobFamily: r.job_family,
      band: r.band,
      hoursPerWeek: r.hours_per_week,
      siteId: r.site_id,
      siteName: r.site_name,
      closingDate: r.closing_date,
      startDate: r.start_date,
      minAge: r.min_age,
      requirements: r.requirements,
      source: r.source,
    }),
  );

const params = (v: VacancyValues): unknown[] => [
  v.id, v.partnerId, v.role, v.jobFamily, v.band, v.hoursPerWeek, v.siteId, v.siteName, v.closingDate, v.startDate, v.minAge, v.requirements,
];

/** The one writer of `vacancies` (from flows/partners.yaml and the studio's data pages); matching reads them through `vacancyQueries.ts` beside it. */
export const vacanciesRepo = {
  /** Inserts a vacancy that does not exist yet; an existing one is left as it is (returns false). */
  async insertIfMissing(tx: Queryable, v: VacancyValues, source: VacancySource = 'yaml'): Promise<boolean> {
    const r = await tx.query(
      `INSERT INTO vacancies (id, partner_id, role, job_family, band, hours_per_week, site_id, site_name,
         closing_date, start_date, min_age, requirements, source)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [...params(v), source],
    );
    return r.rowCount > 0;
  },

  async update(tx: Queryable, v: VacancyValues): Promise<void> {
    await tx.query(
      `UPDATE vacancies SET partner_id = $2, role = $3, job_family = $4, band = $5, hours_per_week = $6, site_id = $7,
         site_name = $8, closing_date = $9, start_date = $10, min_age = $11, requirements = $12, updated_at = now()
       WHERE id = $1`,
      params(v),
    );
  },

  /**
   * Closes (a date in the past) or reopens (today or later) a vacancy from the studio, as matching
   * reads it: open up to and including its closing date. Marked the studio's, so `db seed` leaves it.
   */
  async setClosingDate(tx: Queryable, id: string, closingDate: string): Promise<boolean> {
    const r = await tx.query(`UPDATE vacancies SET closing_date = $2::date, source = 'studio', updated_at = now() WHERE id = $1`, [id, closingDate]);
    return r.rowCount > 0;
  },

  /** The stored vacancies among `ids`; with `lock`, their rows stay locked to the end of the transaction. */
  async byIds(tx: Queryable, ids: string[], opts: { lock?: boolean } = {}): Promise<StoredVacancy[]> {
    const { rows } = await tx.query(
      `SELECT id, partner_id, role, job_family, band, hours_per_week, site_id, site_name,
         closing_date::text AS closing_date, start_date::text AS start_date, min_age, requirements, source
       FROM vacancies WHERE id = ANY ($1::text[]) ORDER BY id${opts.lock ? ' FOR NO KEY UPDATE' : ''}`,
      [ids],
    );
    return rows.map((r) => vacancyRow.parse(r));
  },
};

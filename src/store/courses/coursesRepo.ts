import { z } from 'zod';
import type { Queryable } from '../db.ts';

export interface CourseValues {
  id: string;
  name: string;
  programmeId: string;
  jobFamily: string;
  lengthWeeks: number;
  guaranteedInterview: boolean;
  languages: string[];
}

const courseRow = z
  .object({
    id: z.string(),
    name: z.string(),
    programme_id: z.string(),
    job_family: z.string(),
    length_weeks: z.number(),
    guaranteed_interview: z.boolean(),
    languages: z.array(z.string()),
  })
  .transform(
    (r): CourseValues => ({
      id: r.id,
      name: r.name,
      programmeId: r.programme_id,
      jobFamily: r.job_family,
      lengthWeeks: r.length_weeks,
      guaranteedInterview: r.guaranteed_interview,
      languages: r.languages,
    }),
  );

const params = (c: CourseValues) => [c.id, c.name, c.programmeId, c.jobFamily, c.lengthWeeks, c.guaranteedInterview, c.languages];

/** The one writer of courses (written from flows/courses.yaml only). */
export const coursesRepo = {
  /** Inserts a course that does not exist yet; an existing one is left as it is (returns false). */
  async insertIfMissing(tx: Queryable, c: CourseValues): Promise<boolean> {
    const r = await tx.query(
      `INSERT INTO courses (id, name, programme_id, job_family, length_weeks, guaranteed_interview, languages)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      params(c),
    );
    return r.rowCount > 0;
  },

  async update(tx: Queryable, c: CourseValues): Promise<void> {
    await tx.query(
      `UPDATE courses SET name = $2, programme_id = $3, job_family = $4, length_weeks = $5,
         guaranteed_interview = $6, languages = $7, updated_at = now()
       WHERE id = $1`,
      params(c),
    );
  },

  /** The stored courses among `ids`; with `lock`, their rows stay locked to the end of the transaction. */
  async byIds(tx: Queryable, ids: string[], opts: { lock?: boolean } = {}): Promise<CourseValues[]> {
    const { rows } = await tx.query(
      `SELECT id, name, programme_id, job_family, length_weeks, guaranteed_interview, languages
       FROM courses WHERE id = ANY ($1::text[]) ORDER BY id${opts.lock ? ' FOR NO KEY UPDATE' : ''}`,
      [ids],
    );
    return rows.map((r) => courseRow.parse(r));
  },
};

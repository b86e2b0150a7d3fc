import { z } from 'zod';
import type { Queryable } from '../../store/db.ts';
import { matchVacancy, mismatchSchema } from './matchVacancy.ts';
import type { PersonSpec } from './personSpec.ts';
import { toVacancySummary, VACANCY_COLUMNS, vacancySummarySchema } from './vacancySummary.ts';

export const matchResultSchema = z.object({
  fitting: z.array(vacancySummarySchema),
  notFitting: z.array(z.object({ vacancy: vacancySummarySchema, reasons: z.array(mismatchSchema).min(1) })),
});
export type MatchResult = z.infer<typeof matchResultSchema>;

/** Today's date in London, as the YYYY-MM-DD closing dates are written. */
export function londonDate(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(now);
}

/**
 * Every vacancy still open or closed in the last 30 days, split into those that fit the
 * person and those that do not, with the reasons. Older closed ones are left out.
 */
export async function matchVacancies(db: Queryable, spec: PersonSpec, now: Date): Promise<MatchResult> {
  const today = londonDate(now);
  const { rows } = await db.query(
    `SELECT ${VACANCY_COLUMNS} FROM vacancies v JOIN partners p ON p.id = v.partner_id
     WHERE v.closing_date >= $1::date - 30
     ORDER BY v.closing_date, v.id`,
    [today],
  );
  const out: MatchResult = { fitting: [], notFitting: [] };
  for (const vacancy of rows.map(toVacancySummary)) {
    const reasons = matchVacancy(vacancy, spec, today);
    if (reasons.length === 0) out.fitting.push(vacancy);
    else out.notFitting.push({ vacancy, reasons });
  }
  return out;
}

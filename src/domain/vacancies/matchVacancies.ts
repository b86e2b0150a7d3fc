import { z } from 'zod';
import type { Queryable } from '../../store/db.ts';
import { listVacanciesClosingFrom } from '../../store/partners/vacancyQueries.ts';
import { matchVacancy, mismatchSchema } from './matchVacancy.ts';
import type { PersonSpec } from './personSpec.ts';
import { toVacancySummary, vacancySummarySchema } from './vacancySummary.ts';

export const matchResultSchema = z.object({
  fitting: z.array(vacancySummarySchema),
  notFitting: z.array(z.object({ vacancy: vacancySummarySchema, reasons: z.array(mismatchSchema).min(1) })),
});
export type MatchResult = z.infer<typeof matchResultSchema>;

/** Today's date in London, as the YYYY-MM-DD closing dates are written. */
export function londonDate(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(now);
}

/** The YYYY-MM-DD date `days` before a YYYY-MM-DD date. */
function daysBefore(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Every vacancy still open or closed in the last 30 days, split into those that fit the
 * person and those that do not, with the reasons. Older closed ones are left out.
 */
export async function matchVacancies(db: Queryable, spec: PersonSpec, now: Date): Promise<MatchResult> {
  const today = londonDate(now);
  const rows = await listVacanciesClosingFrom(db, daysBefore(today, 30));
  const out: MatchResult = { fitting: [], notFitting: [] };
  for (const vacancy of rows.map(toVacancySummary)) {
    const reasons = matchVacancy(vacancy, spec, today);
    if (reasons.length === 0) out.fitting.push(vacancy);
    else out.notFitting.push({ vacancy, reasons });
  }
  return out;
}

import { z } from 'zod';
import type { Queryable } from '../../store/db.ts';
import { londonDate } from '../vacancies/matchVacancies.ts';
import { matchVacancy, mismatchSchema } from '../vacancies/matchVacancy.ts';
import { toVacancySummary, VACANCY_COLUMNS } from '../vacancies/vacancySummary.ts';
import type { ApplicationProfile } from './applicationProfile.ts';
import { applicationStatus, vacancyStatusSchema } from './applicationStatus.ts';

export const submitResultSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('submitted'),
    applicationId: z.number(),
    /** The vacancies added by this call (already-applied ones are not repeated). */
    added: z.array(z.string()),
    vacancies: z.array(vacancyStatusSchema),
  }),
  /** Nothing written: some chosen vacancies are unknown or do not fit. */
  z.object({
    type: z.literal('refused'),
    problems: z.array(
      z.object({ vacancyId: z.string(), unknown: z.boolean(), reasons: z.array(mismatchSchema) }),
    ),
  }),
]);
export type SubmitResult = z.infer<typeof submitResultSchema>;

/**
 * One application per conversation, linked to every chosen vacancy (run in a
 * transaction). Applying again adds the new vacancies to the same application and
 * updates the profile; each vacancy is checked against the profile first, and if any
 * does not fit nothing is written.
 */
export async function submitApplication(
  tx: Queryable,
  input: { conversationId: string; profile: ApplicationProfile; vacancyIds: string[] },
  now: Date,
): Promise<SubmitResult> {
  const ids = [...new Set(input.vacancyIds)];
  const today = londonDate(now);
  const { rows } = await tx.query(
    `SELECT ${VACANCY_COLUMNS} FROM vacancies v JOIN partners p ON p.id = v.partner_id WHERE v.id = ANY ($1::text[])`,
    [ids],
  );
  const found = new Map(rows.map(toVacancySummary).map((v) => [v.id, v]));
  const problems = ids.flatMap((id) => {
    const v = found.get(id);
    if (!v) return [{ vacancyId: id, unknown: true, reasons: [] }];
    const reasons = matchVacancy(v, input.profile, today);
    return reasons.length ? [{ vacancyId: id, unknown: false, reasons }] : [];
  });
  if (problems.length || ids.length === 0) return { type: 'refused', problems };

  const app = await tx.query<{ id: number }>(
    `INSERT INTO applications (conversation_id, profile) VALUES ($1, $2::jsonb)
     ON CONFLICT (conversation_id) DO UPDATE SET profile = EXCLUDED.profile, updated_at = now()
     RETURNING id`,
    [input.conversationId, JSON.stringify(input.profile)],
  );
  const applicationId = app.rows[0]!.id;
  const added = await tx.query<{ vacancy_id: string }>(
    `INSERT INTO application_vacancies (application_id, vacancy_id)
     SELECT $1, x FROM unnest($2::text[]) AS x
     ON CONFLICT (application_id, vacancy_id) DO NOTHING
     RETURNING vacancy_id`,
    [applicationId, ids],
  );
  const status = await applicationStatus(tx, input.conversationId);
  return {
    type: 'submitted',
    applicationId,
    added: added.rows.map((r) => r.vacancy_id),
    vacancies: status.type === 'found' ? status.vacancies : [],
  };
}

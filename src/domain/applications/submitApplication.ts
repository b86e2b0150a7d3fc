import { z } from 'zod';
import { linkVacancies, upsertApplication } from '../../store/applications.ts';
import type { Queryable } from '../../store/db.ts';
import { recordFunnelEvent } from '../../store/funnelEvents.ts';
import { findVacancies } from '../../store/partners/vacancyQueries.ts';
import { londonDate } from '../vacancies/matchVacancies.ts';
import { matchVacancy, mismatchSchema } from '../vacancies/matchVacancy.ts';
import { toVacancySummary } from '../vacancies/vacancySummary.ts';
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
      z.object({
        vacancyId: z.string(),
        unknown: z.boolean(),
        reasons: z.array(mismatchSchema),
        /** The resident has not agreed to share their application with this vacancy's partner. */
        notShared: z.boolean().optional(),
      }),
    ),
  }),
]);
export type SubmitResult = z.infer<typeof submitResultSchema>;

/**
 * One application per conversation, linked to every chosen vacancy (pass a transaction:
 * the turn's, so it commits with the turn), and only to partners the resident agreed to share
 * it with (`sharedWith`: UK GDPR consent per purpose and per partner).
 * Applying again adds the new vacancies to the same application and
 * updates the profile; each vacancy is checked against the profile first, and if any
 * does not fit nothing is written.
 */
export async function submitApplication(
  tx: Queryable,
  input: {
    conversationId: string;
    profile: ApplicationProfile;
    vacancyIds: string[];
    /** The partners the resident agreed to share the application with (consent in force); a vacancy of any other is refused. */
    sharedWith: readonly string[];
  },
  now: Date,
): Promise<SubmitResult> {
  const ids = [...new Set(input.vacancyIds)];
  const today = londonDate(now);
  const found = new Map((await findVacancies(tx, ids)).map(toVacancySummary).map((v) => [v.id, v]));
  const problems = ids.flatMap((id) => {
    const v = found.get(id);
    if (!v) return [{ vacancyId: id, unknown: true, reasons: [] }];
    if (!input.sharedWith.includes(v.partnerId)) return [{ vacancyId: id, unknown: false, reasons: [], notShared: true }];
    const reasons = matchVacancy(v, input.profile, today);
    return reasons.length ? [{ vacancyId: id, unknown: false, reasons }] : [];
  });
  if (problems.length || ids.length === 0) return { type: 'refused', problems };

  const applicationId = await upsertApplication(tx, input.conversationId, input.profile);
  const added = await linkVacancies(tx, applicationId, ids);
  // The figures count one `applied` per vacancy, with the employer whose vacancy it is.
  for (const vacancyId of added) await recordFunnelEvent(tx, input.conversationId, 'applied', now, { vacancyId, partnerId: found.get(vacancyId)?.partnerId ?? null });
  const status = await applicationStatus(tx, input.conversationId);
  return {
    type: 'submitted',
    applicationId,
    added,
    vacancies: status.type === 'found' ? status.vacancies : [],
  };
}

import { z } from 'zod';
import { findApplication } from '../../store/applications.ts';
import type { Queryable } from '../../store/db.ts';
import { applicationStatusSchema } from './applicationProfile.ts';

export const vacancyStatusSchema = z.object({
  applicationVacancyId: z.number(),
  vacancyId: z.string(),
  role: z.string(),
  partnerName: z.string(),
  siteName: z.string(),
  status: applicationStatusSchema,
  updatedAt: z.string(),
});
export type VacancyStatus = z.infer<typeof vacancyStatusSchema>;

export const applicationStatusResultSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }),
  z.object({ type: z.literal('found'), applicationId: z.number(), vacancies: z.array(vacancyStatusSchema) }),
]);
export type ApplicationStatusResult = z.infer<typeof applicationStatusResultSchema>;

/** "Where is my application?": the conversation's application, one line per vacancy. */
export async function applicationStatus(db: Queryable, conversationId: string): Promise<ApplicationStatusResult> {
  const found = await findApplication(db, conversationId);
  if (!found) return { type: 'none' };
  const vacancies = found.lines.map((l) => vacancyStatusSchema.parse({ ...l, updatedAt: l.updatedAt.toISOString() }));
  return { type: 'found', applicationId: found.applicationId, vacancies };
}

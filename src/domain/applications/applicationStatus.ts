import { z } from 'zod';
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

const rowSchema = z.object({
  application_id: z.number(),
  id: z.number().nullable(),
  vacancy_id: z.string().nullable(),
  role: z.string().nullable(),
  partner_name: z.string().nullable(),
  site_name: z.string().nullable(),
  status: applicationStatusSchema.nullable(),
  updated_at: z.date().nullable(),
});

/** "Where is my application?": the conversation's application, one line per vacancy. */
export async function applicationStatus(db: Queryable, conversationId: string): Promise<ApplicationStatusResult> {
  const { rows } = await db.query(
    `SELECT a.id AS application_id, av.id, av.vacancy_id, v.role, p.name AS partner_name, v.site_name, av.status, av.updated_at
     FROM applications a
     LEFT JOIN application_vacancies av ON av.application_id = a.id
     LEFT JOIN vacancies v ON v.id = av.vacancy_id
     LEFT JOIN partners p ON p.id = v.partner_id
     WHERE a.conversation_id = $1
     ORDER BY av.id`,
    [conversationId],
  );
  const parsed = rows.map((r) => rowSchema.parse(r));
  if (!parsed[0]) return { type: 'none' };
  const vacancies: VacancyStatus[] = [];
  for (const r of parsed) {
    if (r.id === null) continue;
    vacancies.push({
      applicationVacancyId: r.id,
      vacancyId: r.vacancy_id!,
      role: r.role!,
      partnerName: r.partner_name!,
      siteName: r.site_name!,
      status: r.status!,
      updatedAt: r.updated_at!.toISOString(),
    });
  }
  return { type: 'found', applicationId: parsed[0].application_id, vacancies };
}

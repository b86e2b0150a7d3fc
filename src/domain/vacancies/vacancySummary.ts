import { z } from 'zod';
import { jobFamilySchema } from '../courses/courseFileSchema.ts';
import type { VacancyRecord } from '../../store/partners/vacancyQueries.ts';
import { localName } from '../shared/localName.ts';
import type { NoticeWriter } from '../shared/notices.ts';
import { requirementSchema } from './partnerFileSchema.ts';

/** A vacancy as flows see it (dates as YYYY-MM-DD strings). */
export const vacancySummarySchema = z.object({
  id: z.string(),
  partnerId: z.string(),
  partnerName: z.string(),
  role: z.string(),
  jobFamily: jobFamilySchema,
  band: z.string(),
  hoursPerWeek: z.number(),
  site: z.object({ id: z.string(), name: z.string() }),
  closingDate: z.string(),
  startDate: z.string().nullable(),
  minAge: z.number(),
  requirements: z.array(requirementSchema),
  /** A button (flows: choicesFrom with label: label, value: id), at most 40 characters where it can be (vacancyLabel). */
  label: z.string(),
});
export type VacancySummary = z.infer<typeof vacancySummarySchema>;

const MAX_LABEL = 40;

/**
 * A vacancy's button in the resident's language: "Porter, Heartlands Hospital", or the job
 * alone when that would be over 40 characters (issue 11: details belong in the message,
 * which lists the employer, hours and closing date). English without a writer.
 */
export function vacancyLabel(v: { role: string; site: { name: string } }, w?: Pick<NoticeWriter, 't'>): string {
  const role = w ? localName(w, 'role', v.role) : v.role;
  const site = w ? localName(w, 'site', v.site.name) : v.site.name;
  const both = w ? w.t('notices.vacancy.label', { role, site }) : `${role}, ${site}`;
  return both.length <= MAX_LABEL ? both : role;
}

/** A stored vacancy as flows see it, with its (English) button label; job family and requirements are checked here. */
export function toVacancySummary(r: VacancyRecord): VacancySummary {
  return vacancySummarySchema.parse({ ...r, label: vacancyLabel(r) });
}

import { z } from 'zod';
import { jobFamilySchema } from '../courses/courseFileSchema.ts';
import type { VacancyRecord } from '../../store/partners/vacancyQueries.ts';
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
  /** One line for a button (flows: choicesFrom with label: label, value: id). */
  label: z.string(),
});
export type VacancySummary = z.infer<typeof vacancySummarySchema>;

/** A stored vacancy as flows see it, with its button label; job family and requirements are checked here. */
export function toVacancySummary(r: VacancyRecord): VacancySummary {
  return vacancySummarySchema.parse({ ...r, label: `${r.role}, ${r.partnerName}, ${r.site.name}` });
}

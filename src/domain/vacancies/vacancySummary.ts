import { z } from 'zod';
import { jobFamilySchema } from '../courses/courseFileSchema.ts';
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

// Dates are cast to text in SQL: a DATE read as a JS Date would shift with the time zone.
export const VACANCY_COLUMNS = `v.id, v.partner_id, p.name AS partner_name, v.role, v.job_family, v.band,
  v.hours_per_week::float8 AS hours_per_week, v.site_id, v.site_name, v.closing_date::text AS closing_date,
  v.start_date::text AS start_date, v.min_age, v.requirements`;

const rowSchema = z.object({
  id: z.string(),
  partner_id: z.string(),
  partner_name: z.string(),
  role: z.string(),
  job_family: jobFamilySchema,
  band: z.string(),
  hours_per_week: z.number(),
  site_id: z.string(),
  site_name: z.string(),
  closing_date: z.string(),
  start_date: z.string().nullable(),
  min_age: z.number(),
  requirements: z.array(requirementSchema),
});

export function toVacancySummary(raw: unknown): VacancySummary {
  const r = rowSchema.parse(raw);
  return {
    id: r.id,
    partnerId: r.partner_id,
    partnerName: r.partner_name,
    role: r.role,
    jobFamily: r.job_family,
    band: r.band,
    hoursPerWeek: r.hours_per_week,
    site: { id: r.site_id, name: r.site_name },
    closingDate: r.closing_date,
    startDate: r.start_date,
    minAge: r.min_age,
    requirements: r.requirements,
    label: `${r.role}, ${r.partner_name}, ${r.site_name}`,
  };
}

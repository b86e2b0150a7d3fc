import { z } from 'zod';

/** What the person has told us; every field is optional: a rule that needs a missing one says so. */
export const employmentStatusSchema = z.enum([
  /** In paid work, including zero-hours and agency work. */
  'employed',
  'selfEmployed',
  /** Out of work and looking for work. */
  'unemployed',
  /** At school, college, university or on a training course. */
  'inEducation',
  /** Not working and not looking, e.g. caring or unwell. */
  'notWorking',
]);
export type EmploymentStatus = z.infer<typeof employmentStatusSchema>;

export const profileSchema = z.object({
  age: z.number().int().min(0).max(130).optional(),
  /** When only an age band was asked (e.g. 18-24): rules decide when the whole band agrees. */
  ageBand: z
    .object({ min: z.number().int().min(0), max: z.number().int().max(130) })
    .refine((b) => b.min <= b.max, 'min must not be more than max')
    .optional(),
  /** Local authority code, e.g. E08000025. */
  council: z.string().optional(),
  councilName: z.string().optional(),
  /** True when a postcode was typed but postcodes.io was down and its district told us nothing. */
  postcodeUnchecked: z.boolean().optional(),
  /** True when the council came from the postcode district only (postcodes.io was down). */
  councilApproximate: z.boolean().optional(),
  ward: z.string().nullable().optional(),
  wardName: z.string().nullable().optional(),
  /** IMD 2019 decile of the person's 2011 LSOA; null when the place is known but the decile is not. */
  imdDecile: z.number().int().min(1).max(10).nullable().optional(),
  /** False when the place is known to lie outside the councils the IMD table covers. */
  imdCovered: z.boolean().optional(),
  employmentStatus: employmentStatusSchema.optional(),
  /** Years since the person last worked in hospitality: 0 = works there now, null = never has. */
  hospitalityYearsAgo: z.number().min(0).max(80).nullable().optional(),
  atRiskOfRedundancy: z.boolean().optional(),
  rightToWork: z.boolean().optional(),
});
export type Profile = z.infer<typeof profileSchema>;

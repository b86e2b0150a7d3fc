import { z } from 'zod';
import { jobFamilySchema } from '../courses/courseFileSchema.ts';

/**
 * The universal person specification: one set of answers, matched against every
 * partner's vacancies.
 */
export const personSpecSchema = z.object({
  jobFamilies: z.array(jobFamilySchema).min(1),
  /** Hours a week the person can work; either end may be open. */
  hoursPerWeek: z.object({ min: z.number().min(0).optional(), max: z.number().max(60).optional() }).default({}),
  /** Sites the person can travel to; absent means anywhere. */
  sites: z.array(z.string()).optional(),
  /** Earliest date they can start (YYYY-MM-DD). */
  availableFrom: z.iso.date().optional(),
  age: z.number().int().min(14).max(100),
  hasDrivingLicence: z.boolean().default(false),
});
export type PersonSpec = z.infer<typeof personSpecSchema>;

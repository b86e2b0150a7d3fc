import { z } from 'zod';
import { personSpecSchema } from '../vacancies/personSpec.ts';

/** `started`: the resident started the job (partners set it, as the others; migration 090). */
export const applicationStatusSchema = z.enum(['submitted', 'shortlisted', 'interview', 'offered', 'started', 'unsuccessful', 'withdrawn']);
export type ApplicationStatus = z.infer<typeof applicationStatusSchema>;

/** What one application carries to every partner: the person specification and values statements. */
export const applicationProfileSchema = personSpecSchema.extend({
  /** Answers to the NHS values questions, in the resident's words. */
  valuesStatements: z.array(z.string().trim().min(1).max(2000)).max(6).default([]),
});
export type ApplicationProfile = z.infer<typeof applicationProfileSchema>;

import { z } from 'zod';
import { jobFamilySchema, localizedNameSchema } from '../courses/courseFileSchema.ts';

const idSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'use lower-case letters, digits and dashes');

/** Requirements a resident's answers can be checked against. */
export const requirementSchema = z.enum(['drivingLicence']);
export type Requirement = z.infer<typeof requirementSchema>;

export const vacancyInputSchema = z
  .strictObject({
    id: idSchema,
    role: localizedNameSchema,
    jobFamily: jobFamilySchema,
    /** Agenda for Change band, e.g. "2" or "2-3". */
    band: z.string().regex(/^\d(-\d)?$/, 'a band like "2" or "2-3"'),
    hoursPerWeek: z.number().positive().max(48),
    site: z.strictObject({ id: idSchema, name: localizedNameSchema }),
    closingDate: z.iso.date(),
    startDate: z.iso.date().optional(),
    /** 16-year-olds may work in clinical settings, but many vacancies say 18+. */
    minAge: z.number().int().min(16).max(70),
    requirements: z.array(requirementSchema).default([]),
  })
  .refine((v) => !v.startDate || v.startDate >= v.closingDate, {
    message: 'startDate must not be before closingDate',
    path: ['startDate'],
  });
export type VacancyInput = z.infer<typeof vacancyInputSchema>;

export const partnerInputSchema = z.strictObject({
  id: idSchema,
  /** The partner's official name, as advisers and partners read it. */
  name: z.string().min(1),
  /** What residents are told instead of the official name (no NHS trust names: issue 11). */
  residentName: localizedNameSchema.optional(),
  vacancies: z.array(vacancyInputSchema).default([]),
});

export const partnerFileSchema = z
  .strictObject({ partners: z.array(partnerInputSchema) })
  .superRefine((file, ctx) => {
    const partners = new Set<string>();
    const vacancies = new Set<string>();
    file.partners.forEach((p, i) => {
      if (partners.has(p.id)) ctx.addIssue({ code: 'custom', message: `partner id ${p.id} used twice`, path: ['partners', i, 'id'] });
      partners.add(p.id);
      p.vacancies.forEach((v, j) => {
        if (vacancies.has(v.id)) {
          ctx.addIssue({ code: 'custom', message: `vacancy id ${v.id} used twice`, path: ['partners', i, 'vacancies', j, 'id'] });
        }
        vacancies.add(v.id);
      });
    });
  });
export type PartnerFile = z.infer<typeof partnerFileSchema>;

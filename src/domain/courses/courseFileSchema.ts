import { z } from 'zod';

export const jobFamilySchema = z.enum(['administration', 'facilities', 'medical']);
export type JobFamily = z.infer<typeof jobFamilySchema>;

const idSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'use lower-case letters, digits and dashes');
const dateSchema = z.iso.date();
const timeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM (24-hour)');

/**
 * A name residents see, in English or per language: `Porter` or
 * `{ en: Porter, ur: پورٹر }`. English is required: it is what the database keeps and
 * the fallback for every language without its own name (issue 11, item 8).
 */
export const localizedNameSchema = z.union([
  z.string().min(1),
  z.strictObject({ en: z.string().min(1) }).catchall(z.string().min(1)),
]);
export type LocalizedName = z.infer<typeof localizedNameSchema>;

/** The English name, which the database keeps. */
export const englishOf = (n: LocalizedName): string => (typeof n === 'string' ? n : n.en);

export const venueSchema = z.strictObject({
  name: localizedNameSchema,
  address: z.string().min(1),
  /** Step-free access, accessible toilet: what residents ask about. */
  accessible: z.boolean(),
});

/** One session of a course. Dates and times are local to Birmingham (Europe/London). */
export const sessionInputSchema = z
  .strictObject({
    id: idSchema,
    venue: venueSchema,
    startDate: dateSchema,
    startTime: timeSchema,
    endTime: timeSchema,
    capacity: z.number().int().min(1).max(500),
  })
  .refine((s) => s.endTime > s.startTime, { message: 'endTime must be after startTime', path: ['endTime'] });
export type SessionInput = z.infer<typeof sessionInputSchema>;

export const courseInputSchema = z.strictObject({
  id: idSchema,
  name: localizedNameSchema,
  programme: idSchema,
  jobFamily: jobFamilySchema,
  lengthWeeks: z.number().int().min(1).max(52),
  guaranteedInterview: z.boolean(),
  languages: z.array(z.string().regex(/^[a-z]{2,3}$/)).min(1),
  sessions: z.array(sessionInputSchema).default([]),
});
export type CourseInput = z.infer<typeof courseInputSchema>;

export const courseFileSchema = z
  .strictObject({ courses: z.array(courseInputSchema) })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.courses.forEach((c, i) => {
      if (seen.has(c.id)) ctx.addIssue({ code: 'custom', message: `course id ${c.id} used twice`, path: ['courses', i, 'id'] });
      seen.add(c.id);
    });
    const sessions = new Set<string>();
    file.courses.forEach((c, i) =>
      c.sessions.forEach((s, j) => {
        if (sessions.has(s.id)) {
          ctx.addIssue({ code: 'custom', message: `session id ${s.id} used twice`, path: ['courses', i, 'sessions', j, 'id'] });
        }
        sessions.add(s.id);
      }),
    );
  });
export type CourseFile = z.infer<typeof courseFileSchema>;

import { z } from 'zod';
import { jobFamilySchema } from './courseFileSchema.ts';
import { formatWhen } from './formatWhen.ts';

/** A session as residents and flows see it (JSON-safe: dates are ISO strings). */
export const sessionSummarySchema = z.object({
  id: z.string(),
  courseId: z.string(),
  courseName: z.string(),
  programmeId: z.string(),
  jobFamily: jobFamilySchema,
  lengthWeeks: z.number(),
  guaranteedInterview: z.boolean(),
  languages: z.array(z.string()),
  venue: z.object({ name: z.string(), address: z.string(), accessible: z.boolean() }),
  startsAt: z.string(),
  endsAt: z.string(),
  capacity: z.number(),
  seatsLeft: z.number(),
  /**
   * One line for a button (flows: choicesFrom with label: label, value: id). English here;
   * the journey actions reword it in the resident's language (sessionLabel).
   */
  label: z.string(),
});
export type SessionSummary = z.infer<typeof sessionSummarySchema>;

/** Columns to select (with `s` = course_sessions, `c` = courses) for `toSessionSummary`. */
export const SESSION_COLUMNS = `s.id, s.course_id, c.name AS course_name, c.programme_id, c.job_family, c.length_weeks,
  c.guaranteed_interview, c.languages, s.venue_name, s.venue_address, s.venue_accessible, s.starts_at, s.ends_at,
  s.capacity, s.taken`;

const rowSchema = z.object({
  id: z.string(),
  course_id: z.string(),
  course_name: z.string(),
  programme_id: z.string(),
  job_family: jobFamilySchema,
  length_weeks: z.number(),
  guaranteed_interview: z.boolean(),
  languages: z.array(z.string()),
  venue_name: z.string(),
  venue_address: z.string(),
  venue_accessible: z.boolean(),
  starts_at: z.date(),
  ends_at: z.date(),
  capacity: z.number(),
  taken: z.number(),
});

export function toSessionSummary(raw: unknown): SessionSummary {
  const r = rowSchema.parse(raw);
  return {
    id: r.id,
    courseId: r.course_id,
    courseName: r.course_name,
    programmeId: r.programme_id,
    jobFamily: r.job_family,
    lengthWeeks: r.length_weeks,
    guaranteedInterview: r.guaranteed_interview,
    languages: r.languages,
    venue: { name: r.venue_name, address: r.venue_address, accessible: r.venue_accessible },
    startsAt: r.starts_at.toISOString(),
    endsAt: r.ends_at.toISOString(),
    capacity: r.capacity,
    seatsLeft: Math.max(0, r.capacity - r.taken),
    label: `${r.course_name}: ${formatWhen(r.starts_at.toISOString())}, ${r.venue_name}`,
  };
}

import { z } from 'zod';
import type { SessionRow } from '../../store/courses/sessionRow.ts';
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
   * A button (flows: choicesFrom with label: label, value: id): the start, at most 40
   * characters. English here; the journey actions reword it in the resident's language (sessionLabel).
   */
  label: z.string(),
});
export type SessionSummary = z.infer<typeof sessionSummarySchema>;

/** A stored session as residents and flows see it. */
export function toSessionSummary(r: SessionRow): SessionSummary {
  return {
    id: r.id,
    courseId: r.courseId,
    courseName: r.courseName,
    programmeId: r.programmeId,
    jobFamily: jobFamilySchema.parse(r.jobFamily),
    lengthWeeks: r.lengthWeeks,
    guaranteedInterview: r.guaranteedInterview,
    languages: r.languages,
    venue: r.venue,
    startsAt: r.startsAt.toISOString(),
    endsAt: r.endsAt.toISOString(),
    capacity: r.capacity,
    seatsLeft: Math.max(0, r.capacity - r.taken),
    label: formatWhen(r.startsAt.toISOString()),
  };
}

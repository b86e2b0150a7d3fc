import { z } from 'zod';

/** Columns to select (with `s` = course_sessions, `c` = courses) for `sessionRowSchema`. */
export const SESSION_COLUMNS = `s.id, s.course_id, c.name AS course_name, c.programme_id, c.job_family, c.length_weeks,
  c.guaranteed_interview, c.languages, s.venue_name, s.venue_address, s.venue_accessible, s.starts_at, s.ends_at,
  s.capacity, s.taken`;

/** A session joined with its course, as the repositories return it. */
export const sessionRowSchema = z
  .object({
    id: z.string(),
    course_id: z.string(),
    course_name: z.string(),
    programme_id: z.string(),
    job_family: z.string(),
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
  })
  .transform((r) => ({
    id: r.id,
    courseId: r.course_id,
    courseName: r.course_name,
    programmeId: r.programme_id,
    jobFamily: r.job_family,
    lengthWeeks: r.length_weeks,
    guaranteedInterview: r.guaranteed_interview,
    languages: r.languages,
    venue: { name: r.venue_name, address: r.venue_address, accessible: r.venue_accessible },
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    capacity: r.capacity,
    /** Seats held: bookings 'booked' plus open seat offers. */
    taken: r.taken,
  }));
export type SessionRow = z.output<typeof sessionRowSchema>;

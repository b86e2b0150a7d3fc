import { z } from 'zod';
import type { Queryable } from '../db.ts';

/** Reads for the studio's programme data pages (issue 13): courses, their sessions and who is booked, counted. */

const courseRow = z.object({
  id: z.string(),
  name: z.string(),
  programme_id: z.string(),
  job_family: z.string(),
  length_weeks: z.number(),
  guaranteed_interview: z.boolean(),
  languages: z.array(z.string()),
});

const sessionRow = z.object({
  id: z.string(),
  course_id: z.string(),
  venue_name: z.string(),
  venue_address: z.string(),
  venue_accessible: z.boolean(),
  start_date: z.string(),
  start_time: z.string(),
  end_time: z.string(),
  starts_at: z.date(),
  capacity: z.number(),
  taken: z.number(),
  booked: z.number(),
  offered: z.number(),
  waiting: z.number(),
  source: z.string(),
  cancelled_at: z.date().nullable(),
});

export interface CourseOverview {
  id: string;
  name: string;
  programmeId: string;
  jobFamily: string;
  lengthWeeks: number;
  guaranteedInterview: boolean;
  languages: string[];
}

/** A session as a coordinator sees it: local date and times, seats, and how many wait. */
export interface SessionOverview {
  id: string;
  courseId: string;
  venueName: string;
  venueAddress: string;
  venueAccessible: boolean;
  startDate: string;
  startTime: string;
  endTime: string;
  startsAt: Date;
  capacity: number;
  /** Seats held: booked plus open seat offers. */
  taken: number;
  booked: number;
  offered: number;
  waiting: number;
  source: string;
  cancelledAt: Date | null;
}

/** Who holds or waits for a place in a session, and the language to tell them in. */
export interface LiveBookingTarget {
  bookingId: number;
  conversationId: string;
  status: 'booked' | 'waiting' | 'offered';
  locale: string;
}

const liveRow = z.object({ id: z.number(), conversation_id: z.string(), status: z.enum(['booked', 'waiting', 'offered']), locale: z.string() });

export async function listCourses(db: Queryable, ids?: string[]): Promise<CourseOverview[]> {
  const { rows } = await db.query(
    `SELECT id, name, programme_id, job_family, length_weeks, guaranteed_interview, languages FROM courses
     WHERE $1::text[] IS NULL OR id = ANY ($1::text[]) ORDER BY programme_id, name, id`,
    [ids ?? null],
  );
  return rows.map((r) => {
    const c = courseRow.parse(r);
    return {
      id: c.id,
      name: c.name,
      programmeId: c.programme_id,
      jobFamily: c.job_family,
      lengthWeeks: c.length_weeks,
      guaranteedInterview: c.guaranteed_interview,
      languages: c.languages,
    };
  });
}

/**
 * Sessions (of one course, or all) ending after `after`, soonest first, cancelled ones included,
 * with bookings counted by status. Dates and times are local to `timeZone`.
 */
export async function listSessionOverview(
  db: Queryable,
  f: { after: Date; timeZone: string; courseId?: string; sessionId?: string },
): Promise<SessionOverview[]> {
  const { rows } = await db.query(
    `SELECT s.id, s.course_id, s.venue_name, s.venue_address, s.venue_accessible,
       to_char(s.starts_at AT TIME ZONE $2::text, 'YYYY-MM-DD') AS start_date,
       to_char(s.starts_at AT TIME ZONE $2::text, 'HH24:MI') AS start_time,
       to_char(s.ends_at AT TIME ZONE $2::text, 'HH24:MI') AS end_time,
       s.starts_at, s.capacity, s.taken, s.source, s.cancelled_at,
       (SELECT count(*)::int FROM bookings b WHERE b.session_id = s.id AND b.status = 'booked') AS booked,
       (SELECT count(*)::int FROM bookings b WHERE b.session_id = s.id AND b.status = 'offered') AS offered,
       (SELECT count(*)::int FROM bookings b WHERE b.session_id = s.id AND b.status = 'waiting') AS waiting
     FROM course_sessions s
     WHERE s.ends_at > $1 AND ($3::text IS NULL OR s.course_id = $3) AND ($4::text IS NULL OR s.id = $4)
     ORDER BY s.starts_at, s.id`,
    [f.after, f.timeZone, f.courseId ?? null, f.sessionId ?? null],
  );
  return rows.map((r) => {
    const s = sessionRow.parse(r);
    return {
      id: s.id,
      courseId: s.course_id,
      venueName: s.venue_name,
      venueAddress: s.venue_address,
      venueAccessible: s.venue_accessible,
      startDate: s.start_date,
      startTime: s.start_time,
      endTime: s.end_time,
      startsAt: s.starts_at,
      capacity: s.capacity,
      taken: s.taken,
      booked: s.booked,
      offered: s.offered,
      waiting: s.waiting,
      source: s.source,
      cancelledAt: s.cancelled_at,
    };
  });
}

/** The session's state under its row lock (held to the end of the transaction). */
export async function lockSessionState(
  tx: Queryable,
  sessionId: string,
): Promise<{ startsAt: Date; taken: number; cancelledAt: Date | null } | undefined> {
  const { rows } = await tx.query(`SELECT starts_at, taken, cancelled_at FROM course_sessions WHERE id = $1 FOR NO KEY UPDATE`, [sessionId]);
  if (!rows[0]) return undefined;
  const r = z.object({ starts_at: z.date(), taken: z.number(), cancelled_at: z.date().nullable() }).parse(rows[0]);
  return { startsAt: r.starts_at, taken: r.taken, cancelledAt: r.cancelled_at };
}

/**
 * Everyone with a live booking in the session, waiting first, then open offers, then seats:
 * cancelled in that order, no freed seat is offered to someone about to be told it is cancelled.
 */
export async function liveBookingTargets(tx: Queryable, sessionId: string): Promise<LiveBookingTarget[]> {
  const { rows } = await tx.query(
    `SELECT b.id, b.conversation_id, b.status, c.locale FROM bookings b JOIN conversations c ON c.id = b.conversation_id
     WHERE b.session_id = $1 AND b.status IN ('waiting', 'offered', 'booked')
     ORDER BY CASE b.status WHEN 'waiting' THEN 0 WHEN 'offered' THEN 1 ELSE 2 END, b.id`,
    [sessionId],
  );
  return rows.map((r) => {
    const l = liveRow.parse(r);
    return { bookingId: l.id, conversationId: l.conversation_id, status: l.status, locale: l.locale };
  });
}

import { z } from 'zod';
import type { Queryable } from './db.ts';

/**
 * Attendance at course sessions (`session_attendance`, migration 090): whether a booked resident
 * went, marked by a coordinator or answered by the resident. The rules (who wins, which bookings may
 * be marked) are the domain's (domain/outcomes/attendance.ts); this module only reads and writes.
 */

export const attendanceSourceSchema = z.enum(['coordinator', 'resident']);
export type AttendanceSource = z.infer<typeof attendanceSourceSchema>;

/** The mark a booking has: who gave it (`cli`, `csv`, `staff:<id>` or `resident`), never a name. */
export interface AttendanceMark {
  attended: boolean;
  source: AttendanceSource;
  markedBy: string;
  markedAt: Date;
}

/** A booking as marking needs it, with its session's times and the course's programme. */
export interface MarkableBooking {
  bookingId: number;
  sessionId: string;
  conversationId: string;
  status: string;
  startsAt: Date;
  endsAt: Date;
  programmeId: string;
  mark: AttendanceMark | null;
}

const markCols = z.object({
  attended: z.boolean().nullable(),
  source: attendanceSourceSchema.nullable(),
  marked_by: z.string().nullable(),
  marked_at: z.date().nullable(),
});

function markOf(r: z.infer<typeof markCols>): AttendanceMark | null {
  if (r.attended === null || r.source === null || r.marked_by === null || r.marked_at === null) return null;
  return { attended: r.attended, source: r.source, markedBy: r.marked_by, markedAt: r.marked_at };
}

const markableRow = markCols.extend({
  id: z.coerce.number(),
  session_id: z.string(),
  conversation_id: z.string(),
  status: z.string(),
  starts_at: z.date(),
  ends_at: z.date(),
  programme_id: z.string(),
});

const MARKABLE_SELECT = `SELECT b.id, b.session_id, b.conversation_id, b.status, s.starts_at, s.ends_at, c.programme_id,
       a.attended, a.source, a.marked_by, a.marked_at
     FROM bookings b JOIN course_sessions s ON s.id = b.session_id JOIN courses c ON c.id = s.course_id
     LEFT JOIN session_attendance a ON a.booking_id = b.id`;

function markable(r: unknown): MarkableBooking {
  const m = markableRow.parse(r);
  return {
    bookingId: m.id,
    sessionId: m.session_id,
    conversationId: m.conversation_id,
    status: m.status,
    startsAt: m.starts_at,
    endsAt: m.ends_at,
    programmeId: m.programme_id,
    mark: markOf(m),
  };
}

/** One register line as a coordinator sees it: a booking number and facts, never what the resident wrote. */
export interface RegisterLine {
  bookingId: number;
  bookedAt: Date;
  /** The language of the resident's conversation (a coordinator may need an interpreter). */
  language: string;
  mark: AttendanceMark | null;
  /** The studio account's email when a member of staff marked it in the studio (`staff:<id>`). */
  markedByEmail: string | null;
}

const registerRow = markCols.extend({ id: z.coerce.number(), created_at: z.date(), locale: z.string(), marked_by_email: z.string().nullable() });

/** A session that has started, with its booked residents counted by mark. */
export interface StartedSession {
  id: string;
  courseId: string;
  courseName: string;
  venueName: string;
  startsAt: Date;
  endsAt: Date;
  booked: number;
  attended: number;
  absent: number;
  unmarked: number;
}

const startedRow = z.object({
  id: z.string(),
  course_id: z.string(),
  course_name: z.string(),
  venue_name: z.string(),
  starts_at: z.date(),
  ends_at: z.date(),
  booked: z.number(),
  attended: z.number(),
  absent: z.number(),
});

export const attendanceRepo = {
  /**
   * Holds the booking row to the end of the transaction, so marks of one booking queue. Every writer
   * of a mark takes it first and reads the mark in a later statement, which under READ COMMITTED
   * sees the mark a transaction that held the lock before us committed.
   */
  async lockBooking(tx: Queryable, bookingId: number): Promise<boolean> {
    const { rows } = await tx.query(`SELECT id FROM bookings WHERE id = $1 FOR NO KEY UPDATE`, [bookingId]);
    return rows.length > 0;
  },

  /** The booking with its session and mark. */
  async findBooking(tx: Queryable, bookingId: number): Promise<MarkableBooking | undefined> {
    const { rows } = await tx.query(`${MARKABLE_SELECT} WHERE b.id = $1`, [bookingId]);
    return rows[0] ? markable(rows[0]) : undefined;
  },

  /**
   * The booking a resident's "did you go?" answer is about (lock it before marking): one still held
   * for a session that has ENDED and that nobody has marked or answered yet — the one whose question
   * was sent most recently; failing that (not asked yet), the one whose session ended last.
   */
  async openQuestion(tx: Queryable, conversationId: string, now: Date): Promise<number | undefined> {
    const { rows } = await tx.query(
      `SELECT b.id FROM bookings b JOIN course_sessions s ON s.id = b.session_id
       LEFT JOIN attendance_questions q ON q.booking_id = b.id
       WHERE b.conversation_id = $1 AND b.status = 'booked' AND s.ends_at <= $2
         AND NOT EXISTS (SELECT 1 FROM session_attendance a WHERE a.booking_id = b.id)
       ORDER BY q.asked_at DESC NULLS LAST, s.ends_at DESC, b.id DESC LIMIT 1`,
      [conversationId, now],
    );
    return rows[0] ? z.coerce.number().parse(rows[0].id) : undefined;
  },

  /** The resident's latest booking for a session that has ended, answered or not (to say what is recorded). */
  async latestEnded(tx: Queryable, conversationId: string, now: Date): Promise<MarkableBooking | undefined> {
    const { rows } = await tx.query(
      `${MARKABLE_SELECT}
       WHERE b.conversation_id = $1 AND b.status = 'booked' AND s.ends_at <= $2
       ORDER BY s.ends_at DESC, b.id DESC LIMIT 1`,
      [conversationId, now],
    );
    return rows[0] ? markable(rows[0]) : undefined;
  },

  /** Records that the resident was asked "did you go?" about the booking (asked again: the later time). */
  async recordAsked(tx: Queryable, bookingId: number, at: Date): Promise<void> {
    await tx.query(
      `INSERT INTO attendance_questions (booking_id, asked_at) VALUES ($1, $2)
       ON CONFLICT (booking_id) DO UPDATE SET asked_at = EXCLUDED.asked_at`,
      [bookingId, at],
    );
  },

  /** The session's end, or undefined when there is no such session (or it was cancelled). */
  async sessionEnd(tx: Queryable, sessionId: string): Promise<Date | undefined> {
    const { rows } = await tx.query(`SELECT ends_at FROM course_sessions WHERE id = $1 AND cancelled_at IS NULL`, [sessionId]);
    return rows[0] ? z.date().parse(rows[0].ends_at) : undefined;
  },

  /**
   * Writes the booking's mark (one row per booking). A coordinator's replaces whatever is there (a
   * correction); a resident's is only ever a first mark, never over another: false when one exists.
   */
  async save(tx: Queryable, bookingId: number, m: { attended: boolean; source: AttendanceSource; markedBy: string; at: Date }): Promise<boolean> {
    const { rowCount } = await tx.query(
      `INSERT INTO session_attendance (booking_id, attended, source, marked_by, marked_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (booking_id) DO ${
         m.source === 'coordinator'
           ? 'UPDATE SET attended = EXCLUDED.attended, source = EXCLUDED.source, marked_by = EXCLUDED.marked_by, marked_at = EXCLUDED.marked_at'
           : 'NOTHING'
       }`,
      [bookingId, m.attended, m.source, m.markedBy, m.at],
    );
    return rowCount > 0;
  },

  /** The session's register: every booking holding a seat, in the order they were booked. */
  async register(db: Queryable, sessionId: string): Promise<RegisterLine[]> {
    const { rows } = await db.query(
      `SELECT b.id, b.created_at, c.locale, a.attended, a.source, a.marked_by, a.marked_at, st.email AS marked_by_email
       FROM bookings b JOIN conversations c ON c.id = b.conversation_id
       LEFT JOIN session_attendance a ON a.booking_id = b.id
       LEFT JOIN studio_staff st ON a.marked_by = 'staff:' || st.id::text
       WHERE b.session_id = $1 AND b.status = 'booked' ORDER BY b.id`,
      [sessionId],
    );
    return rows.map((r) => {
      const x = registerRow.parse(r);
      return { bookingId: x.id, bookedAt: x.created_at, language: x.locale, mark: markOf(x), markedByEmail: x.marked_by_email };
    });
  },

  /**
   * Sessions that started in [from, now] and were not cancelled, newest first, with their booked
   * residents counted by mark; `sessionId` narrows to one.
   */
  async startedSessions(db: Queryable, f: { from: Date; now: Date; sessionId?: string }): Promise<StartedSession[]> {
    const { rows } = await db.query(
      `SELECT s.id, s.course_id, c.name AS course_name, s.venue_name, s.starts_at, s.ends_at,
         count(b.id)::int AS booked,
         count(b.id) FILTER (WHERE a.attended)::int AS attended,
         count(b.id) FILTER (WHERE NOT a.attended)::int AS absent
       FROM course_sessions s JOIN courses c ON c.id = s.course_id
       LEFT JOIN bookings b ON b.session_id = s.id AND b.status = 'booked'
       LEFT JOIN session_attendance a ON a.booking_id = b.id
       WHERE s.starts_at <= $2 AND s.starts_at >= $1 AND s.cancelled_at IS NULL AND ($3::text IS NULL OR s.id = $3)
       GROUP BY s.id, c.name ORDER BY s.starts_at DESC, s.id`,
      [f.from, f.now, f.sessionId ?? null],
    );
    return rows.map((r) => {
      const s = startedRow.parse(r);
      return {
        id: s.id,
        courseId: s.course_id,
        courseName: s.course_name,
        venueName: s.venue_name,
        startsAt: s.starts_at,
        endsAt: s.ends_at,
        booked: s.booked,
        attended: s.attended,
        absent: s.absent,
        unmarked: s.booked - s.attended - s.absent,
      };
    });
  },

  /** The session's start, or undefined when there is no such session. */
  async sessionStart(db: Queryable, sessionId: string): Promise<{ startsAt: Date; cancelled: boolean } | undefined> {
    const { rows } = await db.query(`SELECT starts_at, cancelled_at IS NOT NULL AS cancelled FROM course_sessions WHERE id = $1`, [sessionId]);
    if (!rows[0]) return undefined;
    const r = z.object({ starts_at: z.date(), cancelled: z.boolean() }).parse(rows[0]);
    return { startsAt: r.starts_at, cancelled: r.cancelled };
  },

  /**
   * Who to ask "did you go?" about a booking, in which language: undefined when the booking no
   * longer holds a seat (cancelled or moved), is already marked, or the resident withdrew consent
   * or erased their data (the booking, or the consent, is gone).
   */
  async askTarget(tx: Queryable, bookingId: number): Promise<{ conversationId: string; sessionId: string; locale: string } | undefined> {
    const { rows } = await tx.query(
      `SELECT b.conversation_id, b.session_id, c.locale FROM bookings b JOIN conversations c ON c.id = b.conversation_id
       WHERE b.id = $1 AND b.status = 'booked' AND c.consent
         AND NOT EXISTS (SELECT 1 FROM session_attendance a WHERE a.booking_id = b.id)`,
      [bookingId],
    );
    if (!rows[0]) return undefined;
    const r = z.object({ conversation_id: z.string(), session_id: z.string(), locale: z.string() }).parse(rows[0]);
    return { conversationId: r.conversation_id, sessionId: r.session_id, locale: r.locale };
  },
};

import { z } from 'zod';
import type { Queryable } from '../db.ts';
import { SESSION_COLUMNS, sessionRowSchema, type SessionRow } from './sessionRow.ts';

/** Who last wrote a session's values (migrations 045 and 084). */
export const sessionSourceSchema = z.enum(['yaml', 'import', 'studio']);
export type SessionSource = z.infer<typeof sessionSourceSchema>;

/** A session as a coordinator writes it: the date and times are local to `timeZone`. */
export interface SessionValues {
  id: string;
  courseId: string;
  venueName: string;
  venueAddress: string;
  venueAccessible: boolean;
  /** YYYY-MM-DD */
  startDate: string;
  /** HH:MM */
  startTime: string;
  endTime: string;
  capacity: number;
}

const storedRow = z
  .object({
    id: z.string(),
    course_id: z.string(),
    venue_name: z.string(),
    venue_address: z.string(),
    venue_accessible: z.boolean(),
    start_date: z.string(),
    start_time: z.string(),
    end_time: z.string(),
    capacity: z.number(),
    taken: z.number(),
    source: sessionSourceSchema,
    cancelled: z.boolean(),
  })
  .transform((r) => ({
    id: r.id,
    courseId: r.course_id,
    venueName: r.venue_name,
    venueAddress: r.venue_address,
    venueAccessible: r.venue_accessible,
    startDate: r.start_date,
    startTime: r.start_time,
    endTime: r.end_time,
    capacity: r.capacity,
    taken: r.taken,
    source: r.source,
    cancelled: r.cancelled,
  }));
/** A stored session in the shape a coordinator writes it, with the seats held, who wrote it and whether the studio cancelled it. */
export type StoredSession = z.output<typeof storedRow>;

const seatsRow = z.object({ taken: z.number(), capacity: z.number(), starts_at: z.date() });

export interface ListSessionsFilter {
  programmeId: string;
  after: Date;
  language: string | undefined;
  includeFull: boolean;
  limit: number;
}

function valuesParams(s: SessionValues, source: SessionSource, timeZone: string): unknown[] {
  return [s.id, s.courseId, s.venueName, s.venueAddress, s.venueAccessible, s.startDate, s.startTime, s.endTime, s.capacity, timeZone, source];
}

const INSERT = `INSERT INTO course_sessions AS cs
    (id, course_id, venue_name, venue_address, venue_accessible, starts_at, ends_at, capacity, source)
  VALUES ($1, $2, $3, $4, $5,
    ($6 || ' ' || $7)::timestamp AT TIME ZONE $10::text,
    ($6 || ' ' || $8)::timestamp AT TIME ZONE $10::text,
    $9, $11)`;

/**
 * The one writer of course_sessions. Seat counts (`taken`) change only by a conditional
 * UPDATE (taken < capacity) or under the row lock, so they can never pass the capacity.
 */
export const courseSessionsRepo = {
  /** When a session starts; undefined when there is no such session or it was cancelled (nothing can be booked in it). */
  async startsAt(tx: Queryable, sessionId: string): Promise<Date | undefined> {
    const { rows } = await tx.query(`SELECT starts_at FROM course_sessions WHERE id = $1 AND cancelled_at IS NULL`, [sessionId]);
    return rows[0] ? z.date().parse(rows[0].starts_at) : undefined;
  },

  /** Takes a seat if one is free; false when the session is full (or was cancelled meanwhile). */
  async takeSeat(tx: Queryable, sessionId: string): Promise<boolean> {
    const r = await tx.query(
      `UPDATE course_sessions SET taken = taken + 1, updated_at = now() WHERE id = $1 AND taken < capacity AND cancelled_at IS NULL`,
      [sessionId],
    );
    return r.rowCount > 0;
  },

  /** Waits for (and takes) the session row lock, held to the end of the transaction. */
  async lock(tx: Queryable, sessionId: string): Promise<void> {
    await tx.query(`SELECT 1 FROM course_sessions WHERE id = $1 FOR NO KEY UPDATE`, [sessionId]);
  },

  /** Takes the row lock and reads the seats. */
  async lockSeats(tx: Queryable, sessionId: string): Promise<{ taken: number; capacity: number; startsAt: Date } | undefined> {
    const { rows } = await tx.query(`SELECT taken, capacity, starts_at FROM course_sessions WHERE id = $1 FOR NO KEY UPDATE`, [
      sessionId,
    ]);
    if (!rows[0]) return undefined;
    const s = seatsRow.parse(rows[0]);
    return { taken: s.taken, capacity: s.capacity, startsAt: s.starts_at };
  },

  /** Holds one more seat; only under the row lock (lockSeats) after checking taken < capacity. */
  async holdSeat(tx: Queryable, sessionId: string): Promise<void> {
    await tx.query(`UPDATE course_sessions SET taken = taken + 1 WHERE id = $1`, [sessionId]);
  },

  async releaseSeat(tx: Queryable, sessionId: string): Promise<void> {
    await tx.query(`UPDATE course_sessions SET taken = taken - 1, updated_at = now() WHERE id = $1`, [sessionId]);
  },

  /** Upcoming sessions of a programme, soonest first. */
  async list(tx: Queryable, f: ListSessionsFilter): Promise<SessionRow[]> {
    const { rows } = await tx.query(
      `SELECT ${SESSION_COLUMNS}
       FROM course_sessions s JOIN courses c ON c.id = s.course_id
       WHERE c.programme_id = $1 AND s.starts_at > $2 AND s.cancelled_at IS NULL
         AND ($3::text IS NULL OR $3 = ANY (c.languages))
         AND ($4 OR s.taken < s.capacity)
       ORDER BY s.starts_at, s.id
       LIMIT $5`,
      [f.programmeId, f.after, f.language ?? null, f.includeFull, f.limit],
    );
    return rows.map((r) => sessionRowSchema.parse(r));
  },

  async get(tx: Queryable, sessionId: string): Promise<SessionRow | undefined> {
    const { rows } = await tx.query(
      `SELECT ${SESSION_COLUMNS} FROM course_sessions s JOIN courses c ON c.id = s.course_id WHERE s.id = $1`,
      [sessionId],
    );
    return rows[0] ? sessionRowSchema.parse(rows[0]) : undefined;
  },

  /**
   * Inserts or updates a session. A capacity below the seats already held is refused:
   * returns undefined and changes nothing. Otherwise returns the (new) start.
   */
  async upsert(tx: Queryable, s: SessionValues, source: SessionSource, timeZone: string): Promise<Date | undefined> {
    const { rows } = await tx.query(
      `${INSERT}
       ON CONFLICT (id) DO UPDATE SET
         course_id = EXCLUDED.course_id, venue_name = EXCLUDED.venue_name, venue_address = EXCLUDED.venue_address,
         venue_accessible = EXCLUDED.venue_accessible, starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at,
         capacity = EXCLUDED.capacity, source = EXCLUDED.source, updated_at = now()
       WHERE cs.taken <= EXCLUDED.capacity
       RETURNING starts_at`,
      valuesParams(s, source, timeZone),
    );
    return rows[0] ? z.date().parse(rows[0].starts_at) : undefined;
  },

  /**
   * Marks a session cancelled (studio, so `db seed` leaves it); its bookings are cancelled by the
   * caller, under the row lock. False when it was cancelled already.
   */
  async markCancelled(tx: Queryable, sessionId: string, at: Date): Promise<boolean> {
    const r = await tx.query(`UPDATE course_sessions SET cancelled_at = $2, source = 'studio', updated_at = now() WHERE id = $1 AND cancelled_at IS NULL`, [sessionId, at]);
    return r.rowCount > 0;
  },

  /** Inserts a session that does not exist yet; an existing one is left as it is (returns false). */
  async insertIfMissing(tx: Queryable, s: SessionValues, source: SessionSource, timeZone: string): Promise<boolean> {
    const r = await tx.query(`${INSERT} ON CONFLICT (id) DO NOTHING RETURNING id`, valuesParams(s, source, timeZone));
    return r.rowCount > 0;
  },

  /**
   * The stored sessions among `ids`, in the shape a coordinator writes them (local date and
   * times in `timeZone`). With `lock`, their rows stay locked to the end of the transaction.
   */
  async byIds(tx: Queryable, ids: string[], timeZone: string, opts: { lock?: boolean } = {}): Promise<StoredSession[]> {
    const { rows } = await tx.query(
      `SELECT id, course_id, venue_name, venue_address, venue_accessible,
         to_char(starts_at AT TIME ZONE $2::text, 'YYYY-MM-DD') AS start_date,
         to_char(starts_at AT TIME ZONE $2::text, 'HH24:MI') AS start_time,
         to_char(ends_at AT TIME ZONE $2::text, 'HH24:MI') AS end_time,
         capacity, taken, source, cancelled_at IS NOT NULL AS cancelled
       FROM course_sessions WHERE id = ANY ($1::text[]) ORDER BY id${opts.lock ? ' FOR NO KEY UPDATE' : ''}`,
      [ids, timeZone],
    );
    return rows.map((r) => storedRow.parse(r));
  },
};

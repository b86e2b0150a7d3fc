import { z } from 'zod';
import type { Queryable } from '../db.ts';
import { SESSION_COLUMNS, sessionRowSchema, type SessionRow } from './sessionRow.ts';

/** A booking that still holds or waits for a seat. */
export const liveStatusSchema = z.enum(['booked', 'waiting', 'offered']);
export type LiveStatus = z.infer<typeof liveStatusSchema>;
/** What a booking can be set to directly ('offered' only through offerTo). */
export type SettledStatus = 'booked' | 'cancelled' | 'declined' | 'expired';

const liveRow = z.object({ id: z.number(), status: liveStatusSchema });
export type LiveBooking = z.infer<typeof liveRow>;

const liveWithSession = z.object({
  booking_id: z.number(),
  booking_status: liveStatusSchema,
  offer_expires_at: z.date().nullable(),
  waiting_position: z.number().nullable(),
});

const reminderTarget = z.object({ conversation_id: z.string(), session_id: z.string(), locale: z.string() });

/**
 * A waiting booking's place: 1 + the people still waiting with a smaller number. `b` is the
 * booking's alias in the enclosing query.
 */
const POSITION_OF_B = `(SELECT 1 + count(*)::int FROM bookings w
   WHERE w.session_id = b.session_id AND w.status = 'waiting' AND w.queue_no < b.queue_no)`;

/**
 * The one writer of bookings: one row per (conversation, session) attempt; 'waiting' is
 * the waiting list, ordered by queue_no (numbered under the session row lock, see
 * joinWaitingList). At most one live booking per person and session (a partial unique
 * index), so booking twice returns the first.
 */
export const bookingsRepo = {
  /** The conversation's live booking for the session; `lock` holds its row to the end of the transaction. */
  async findLive(tx: Queryable, conversationId: string, sessionId: string, opts: { lock?: boolean } = {}): Promise<LiveBooking | undefined> {
    const { rows } = await tx.query(
      `SELECT id, status FROM bookings
       WHERE conversation_id = $1 AND session_id = $2 AND status IN ('booked', 'waiting', 'offered')${opts.lock ? '\n       FOR NO KEY UPDATE' : ''}`,
      [conversationId, sessionId],
    );
    return rows[0] ? liveRow.parse(rows[0]) : undefined;
  },

  /**
   * Adds the conversation to the session as 'waiting'. Returns undefined when it already
   * has a live booking there (a concurrent one makes this statement wait for it first).
   */
  async insertWaiting(tx: Queryable, sessionId: string, conversationId: string): Promise<number | undefined> {
    const { rows } = await tx.query(
      `INSERT INTO bookings (session_id, conversation_id, status) VALUES ($1, $2, 'waiting')
       ON CONFLICT (conversation_id, session_id) WHERE status IN ('booked', 'waiting', 'offered') DO NOTHING
       RETURNING id`,
      [sessionId, conversationId],
    );
    return rows[0] ? z.number().parse(rows[0].id) : undefined;
  },

  /**
   * Gives a booking inserted by insertWaiting its place at the end of the session's waiting
   * list and returns its position (1 = next in line). Raising course_sessions.waiting_seq
   * takes the session row lock, held to COMMIT, so joins on any number of connections are
   * numbered one at a time; the count runs as a later statement, after the lock is ours, so
   * under READ COMMITTED it sees every place numbered before ours.
   */
  async joinWaitingList(tx: Queryable, sessionId: string, bookingId: number): Promise<number> {
    const seq = await tx.query(`UPDATE course_sessions SET waiting_seq = waiting_seq + 1 WHERE id = $1 RETURNING waiting_seq`, [
      sessionId,
    ]);
    const queueNo = z.coerce.number().int().parse(seq.rows[0]?.waiting_seq);
    const { rows } = await tx.query(
      `WITH mine AS (UPDATE bookings SET queue_no = $3, updated_at = now() WHERE id = $2)
       SELECT 1 + count(*)::int AS n FROM bookings WHERE session_id = $1 AND status = 'waiting' AND queue_no < $3`,
      [sessionId, bookingId, queueNo],
    );
    return z.number().parse(rows[0]?.n);
  },

  /** A waiting booking's position (1 = next in line). */
  async waitingPosition(tx: Queryable, bookingId: number): Promise<number> {
    const { rows } = await tx.query(`SELECT ${POSITION_OF_B} AS n FROM bookings b WHERE b.id = $1`, [bookingId]);
    return z.number().parse(rows[0]?.n);
  },

  async firstWaiting(tx: Queryable, sessionId: string): Promise<number | undefined> {
    const { rows } = await tx.query(
      `SELECT id FROM bookings WHERE session_id = $1 AND status = 'waiting' AND queue_no IS NOT NULL ORDER BY queue_no LIMIT 1`,
      [sessionId],
    );
    return rows[0] ? z.number().parse(rows[0].id) : undefined;
  },

  /** Moves a waiting booking to 'offered'; false when it is no longer waiting. */
  async offerTo(tx: Queryable, bookingId: number): Promise<boolean> {
    const r = await tx.query(
      `UPDATE bookings SET status = 'offered', updated_at = now() WHERE id = $1 AND status = 'waiting'`,
      [bookingId],
    );
    return r.rowCount > 0;
  },

  async setStatus(tx: Queryable, bookingId: number, status: SettledStatus): Promise<void> {
    await tx.query(`UPDATE bookings SET status = $2, updated_at = now() WHERE id = $1`, [bookingId, status]);
  },

  async holdsSeat(tx: Queryable, conversationId: string, sessionId: string): Promise<boolean> {
    const { rows } = await tx.query(
      `SELECT 1 FROM bookings WHERE conversation_id = $1 AND session_id = $2 AND status = 'booked'`,
      [conversationId, sessionId],
    );
    return rows.length > 0;
  },

  /** Ids of the bookings holding a seat in the session. */
  async bookedIds(tx: Queryable, sessionId: string): Promise<number[]> {
    const { rows } = await tx.query(`SELECT id FROM bookings WHERE session_id = $1 AND status = 'booked'`, [sessionId]);
    return rows.map((r) => z.number().parse(r.id));
  },

  /** A conversation's live bookings for sessions starting after `after`, soonest first. */
  async liveWithSessions(
    tx: Queryable,
    conversationId: string,
    after: Date,
  ): Promise<Array<{ bookingId: number; status: LiveStatus; offerExpiresAt: Date | null; waitingPosition: number | null; session: SessionRow }>> {
    const { rows } = await tx.query(
      `SELECT b.id AS booking_id, b.status AS booking_status, o.expires_at AS offer_expires_at,
         CASE WHEN b.status = 'waiting' THEN ${POSITION_OF_B} END AS waiting_position, ${SESSION_COLUMNS}
       FROM bookings b
       JOIN course_sessions s ON s.id = b.session_id JOIN courses c ON c.id = s.course_id
       LEFT JOIN seat_offers o ON o.booking_id = b.id AND o.status = 'open'
       WHERE b.conversation_id = $1 AND b.status IN ('booked', 'waiting', 'offered') AND s.starts_at > $2
       ORDER BY s.starts_at, b.id`,
      [conversationId, after],
    );
    return rows.map((r) => {
      const h = liveWithSession.parse(r);
      return {
        bookingId: h.booking_id,
        status: h.booking_status,
        offerExpiresAt: h.offer_expires_at,
        waitingPosition: h.waiting_position,
        session: sessionRowSchema.parse(r),
      };
    });
  },

  /** Who to remind of a booking still held for a session starting after `after`, in which language. */
  /**
   * Who to tell that their booking's session was cancelled, and in which language: undefined
   * when the booking is no longer a cancelled one (or the resident's data was erased).
   */
  async cancelledTarget(tx: Queryable, bookingId: number): Promise<{ conversationId: string; sessionId: string; locale: string } | undefined> {
    const { rows } = await tx.query(
      `SELECT b.conversation_id, b.session_id, c.locale FROM bookings b JOIN conversations c ON c.id = b.conversation_id
       WHERE b.id = $1 AND b.status = 'cancelled'`,
      [bookingId],
    );
    if (!rows[0]) return undefined;
    const r = reminderTarget.parse(rows[0]);
    return { conversationId: r.conversation_id, sessionId: r.session_id, locale: r.locale };
  },

  async reminderTarget(
    tx: Queryable,
    bookingId: number,
    after: Date,
  ): Promise<{ conversationId: string; sessionId: string; locale: string } | undefined> {
    const { rows } = await tx.query(
      `SELECT b.conversation_id, b.session_id, c.locale FROM bookings b JOIN course_sessions s ON s.id = b.session_id
       JOIN conversations c ON c.id = b.conversation_id
       WHERE b.id = $1 AND b.status = 'booked' AND s.starts_at > $2`,
      [bookingId, after],
    );
    if (!rows[0]) return undefined;
    const r = reminderTarget.parse(rows[0]);
    return { conversationId: r.conversation_id, sessionId: r.session_id, locale: r.locale };
  },
};

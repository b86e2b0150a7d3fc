import { z } from 'zod';
import type { Queryable } from '../../store/db.ts';
import type { BookingEnv } from './courseOptions.ts';
import { scheduleReminders } from './reminders.ts';

export const bookingStatusSchema = z.enum(['booked', 'waiting', 'offered', 'cancelled', 'declined', 'expired']);

export const bookResultSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('booked'), bookingId: z.number(), sessionId: z.string(), alreadyHad: z.boolean() }),
  z.object({
    type: z.literal('waitlisted'),
    bookingId: z.number(),
    sessionId: z.string(),
    /** 1 = next in line. */
    position: z.number(),
    alreadyHad: z.boolean(),
  }),
  z.object({ type: z.literal('offered'), bookingId: z.number(), sessionId: z.string(), alreadyHad: z.literal(true) }),
  z.object({ type: z.literal('notFound'), sessionId: z.string() }),
  z.object({ type: z.literal('started'), sessionId: z.string() }),
]);
export type BookResult = z.infer<typeof bookResultSchema>;

const liveRow = z.object({ id: z.number(), status: bookingStatusSchema });
type LiveRow = z.infer<typeof liveRow>;

/**
 * How many times to insert again when the live booking our INSERT collided with is
 * closed before we can read it. Each retry needs the same resident to book and cancel
 * again on another connection meanwhile, so a handful is far more than enough.
 */
const MAX_INSERT_ATTEMPTS = 5;

async function waitingPosition(tx: Queryable, sessionId: string, bookingId: number): Promise<number> {
  const { rows } = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM bookings WHERE session_id = $1 AND status = 'waiting' AND id <= $2`,
    [sessionId, bookingId],
  );
  return rows[0]?.n ?? 1;
}

/** The conversation's live booking for the session, if it has one. */
async function findLive(tx: Queryable, conversationId: string, sessionId: string): Promise<LiveRow | undefined> {
  const { rows } = await tx.query(
    `SELECT id, status FROM bookings WHERE conversation_id = $1 AND session_id = $2 AND status IN ('booked', 'waiting', 'offered')`,
    [conversationId, sessionId],
  );
  return rows[0] ? liveRow.parse(rows[0]) : undefined;
}

async function describe(tx: Queryable, sessionId: string, b: LiveRow, alreadyHad: boolean): Promise<BookResult> {
  switch (b.status) {
    case 'booked':
      return { type: 'booked', bookingId: b.id, sessionId, alreadyHad };
    case 'waiting':
      return { type: 'waitlisted', bookingId: b.id, sessionId, position: await waitingPosition(tx, sessionId, b.id), alreadyHad };
    case 'offered':
      return { type: 'offered', bookingId: b.id, sessionId, alreadyHad: true };
    case 'cancelled':
    case 'declined':
    case 'expired':
      throw new Error(`booking ${b.id} is not live`);
  }
}

/** The same resident kept booking and cancelling on other connections while we tried to book. */
export class BookingContendedError extends Error {
  readonly code = 'booking_contended';
  constructor(conversationId: string, sessionId: string, attempts: number) {
    super(`booking for conversation ${conversationId} in session ${sessionId} collided with a closed booking ${attempts} times`);
  }
}

/**
 * Books a seat, or a place on the waiting list when the session is full. Run it inside
 * a transaction. Booking again for the same conversation and session returns the first
 * booking. Seats are counted in course_sessions.taken, raised only by a conditional
 * UPDATE (taken < capacity), so concurrent bookings on any number of connections can
 * never pass the capacity.
 */
export async function bookSession(
  tx: Queryable,
  input: { conversationId: string; sessionId: string },
  env: BookingEnv,
): Promise<BookResult> {
  const { conversationId, sessionId } = input;
  const existing = await findLive(tx, conversationId, sessionId);
  if (existing) return describe(tx, sessionId, existing, true);

  const session = await tx.query<{ starts_at: Date }>(`SELECT starts_at FROM course_sessions WHERE id = $1`, [sessionId]);
  if (!session.rows[0]) return { type: 'notFound', sessionId };
  const startsAt = session.rows[0].starts_at;
  if (startsAt <= env.now) return { type: 'started', sessionId };

  let bookingId: number | undefined;
  for (let attempt = 1; bookingId === undefined; attempt++) {
    // Inserted as waiting first: the unique index then makes a concurrent duplicate wait for us.
    const inserted = await tx.query<{ id: number }>(
      `INSERT INTO bookings (session_id, conversation_id, status) VALUES ($1, $2, 'waiting')
       ON CONFLICT (conversation_id, session_id) WHERE status IN ('booked', 'waiting', 'offered') DO NOTHING
       RETURNING id`,
      [sessionId, conversationId],
    );
    bookingId = inserted.rows[0]?.id;
    if (bookingId !== undefined) break;
    // Another transaction holds a live booking for this resident: that one is the answer.
    const again = await findLive(tx, conversationId, sessionId);
    if (again) return describe(tx, sessionId, again, true);
    // Under READ COMMITTED each statement sees the latest commits: the booking we collided
    // with was cancelled (or its offer declined or expired) between the INSERT and this
    // read, so the resident has no live booking after all. Insert again.
    if (attempt >= MAX_INSERT_ATTEMPTS) throw new BookingContendedError(conversationId, sessionId, attempt);
  }

  let seat = await tx.query(
    `UPDATE course_sessions SET taken = taken + 1, updated_at = now() WHERE id = $1 AND taken < capacity`,
    [sessionId],
  );
  if (seat.rowCount === 0) {
    // Full. Take the row lock before settling for the waiting list: a cancellation that
    // holds it may be freeing a seat without seeing our uncommitted row (see offerFreeSeats).
    await tx.query(`SELECT 1 FROM course_sessions WHERE id = $1 FOR NO KEY UPDATE`, [sessionId]);
    seat = await tx.query(
      `UPDATE course_sessions SET taken = taken + 1, updated_at = now() WHERE id = $1 AND taken < capacity`,
      [sessionId],
    );
  }
  if (seat.rowCount === 0) {
    return { type: 'waitlisted', bookingId, sessionId, position: await waitingPosition(tx, sessionId, bookingId), alreadyHad: false };
  }
  await tx.query(`UPDATE bookings SET status = 'booked', updated_at = now() WHERE id = $1`, [bookingId]);
  await scheduleReminders(tx, bookingId, startsAt, env);
  return { type: 'booked', bookingId, sessionId, alreadyHad: false };
}

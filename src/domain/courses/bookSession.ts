import { z } from 'zod';
import { bookingsRepo, type LiveBooking } from '../../store/courses/bookingsRepo.ts';
import { courseSessionsRepo } from '../../store/courses/courseSessionsRepo.ts';
import type { Queryable } from '../../store/db.ts';
import { recordFunnelEvent } from '../../store/funnelEvents.ts';
import type { BookingEnv } from './courseOptions.ts';
import { scheduleReminders } from './reminders.ts';

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

/**
 * How many times to insert again when the live booking our INSERT collided with is
 * closed before we can read it. Each retry needs the same resident to book and cancel
 * again on another connection meanwhile, so a handful is far more than enough.
 */
const MAX_INSERT_ATTEMPTS = 5;

async function describe(tx: Queryable, sessionId: string, b: LiveBooking, alreadyHad: boolean): Promise<BookResult> {
  switch (b.status) {
    case 'booked':
      return { type: 'booked', bookingId: b.id, sessionId, alreadyHad };
    case 'waiting':
      return { type: 'waitlisted', bookingId: b.id, sessionId, position: await bookingsRepo.waitingPosition(tx, b.id), alreadyHad };
    case 'offered':
      return { type: 'offered', bookingId: b.id, sessionId, alreadyHad: true };
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
  const existing = await bookingsRepo.findLive(tx, conversationId, sessionId);
  if (existing) return describe(tx, sessionId, existing, true);

  const startsAt = await courseSessionsRepo.startsAt(tx, sessionId);
  if (!startsAt) return { type: 'notFound', sessionId };
  if (startsAt <= env.now) return { type: 'started', sessionId };

  let bookingId: number | undefined;
  for (let attempt = 1; bookingId === undefined; attempt++) {
    // Inserted as waiting first: the unique index then makes a concurrent duplicate wait for us.
    bookingId = await bookingsRepo.insertWaiting(tx, sessionId, conversationId);
    if (bookingId !== undefined) break;
    // Another transaction holds a live booking for this resident: that one is the answer.
    const again = await bookingsRepo.findLive(tx, conversationId, sessionId);
    if (again) return describe(tx, sessionId, again, true);
    // Under READ COMMITTED each statement sees the latest commits: the booking we collided
    // with was cancelled (or its offer declined or expired) between the INSERT and this
    // read, so the resident has no live booking after all. Insert again.
    if (attempt >= MAX_INSERT_ATTEMPTS) throw new BookingContendedError(conversationId, sessionId, attempt);
  }

  let seat = await courseSessionsRepo.takeSeat(tx, sessionId);
  if (!seat) {
    // Full. Take the row lock before settling for the waiting list: a cancellation that
    // holds it may be freeing a seat without seeing our uncommitted row (see offerFreeSeats).
    await courseSessionsRepo.lock(tx, sessionId);
    seat = await courseSessionsRepo.takeSeat(tx, sessionId);
  }
  // Under the row lock a cancellation (studio) that committed meanwhile is seen: our place goes
  // with the session rather than joining a waiting list no one will ever be offered a seat from.
  if (!seat && !(await courseSessionsRepo.startsAt(tx, sessionId))) {
    await bookingsRepo.setStatus(tx, bookingId, 'cancelled');
    return { type: 'notFound', sessionId };
  }
  if (!seat) {
    // Numbered under the row lock we hold: concurrent joins get distinct, increasing places.
    return { type: 'waitlisted', bookingId, sessionId, position: await bookingsRepo.joinWaitingList(tx, sessionId, bookingId), alreadyHad: false };
  }
  await bookingsRepo.setStatus(tx, bookingId, 'booked');
  await scheduleReminders(tx, bookingId, startsAt, env);
  await recordFunnelEvent(tx, conversationId, 'booked', env.now, { sessionId });
  return { type: 'booked', bookingId, sessionId, alreadyHad: false };
}

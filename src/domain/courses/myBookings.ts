import { z } from 'zod';
import { bookingsRepo } from '../../store/courses/bookingsRepo.ts';
import type { Queryable } from '../../store/db.ts';
import { sessionSummarySchema, toSessionSummary } from './sessionSummary.ts';

export const myBookingSchema = z.object({
  bookingId: z.number(),
  status: z.enum(['booked', 'waiting', 'offered']),
  /** Set when status is 'offered': answer before this time. */
  offerExpiresAt: z.string().nullable(),
  /** Set when status is 'waiting': 1 = next in line. */
  position: z.number().nullable(),
  session: sessionSummarySchema,
});
export type MyBooking = z.infer<typeof myBookingSchema>;

/** A conversation's live bookings for sessions not yet started, soonest first. */
export async function myBookings(db: Queryable, conversationId: string, now: Date): Promise<MyBooking[]> {
  const rows = await bookingsRepo.liveWithSessions(db, conversationId, now);
  return rows.map((r) => ({
    bookingId: r.bookingId,
    status: r.status,
    offerExpiresAt: r.offerExpiresAt?.toISOString() ?? null,
    position: r.waitingPosition,
    session: toSessionSummary(r.session),
  }));
}

import { z } from 'zod';
import type { Queryable } from '../../store/db.ts';
import { SESSION_COLUMNS, sessionSummarySchema, toSessionSummary } from './sessionSummary.ts';

export const myBookingSchema = z.object({
  bookingId: z.number(),
  status: z.enum(['booked', 'waiting', 'offered']),
  /** Set when status is 'offered': answer before this time. */
  offerExpiresAt: z.string().nullable(),
  session: sessionSummarySchema,
});
export type MyBooking = z.infer<typeof myBookingSchema>;

/** A conversation's live bookings for sessions not yet started, soonest first. */
export async function myBookings(db: Queryable, conversationId: string, now: Date): Promise<MyBooking[]> {
  const { rows } = await db.query(
    `SELECT b.id AS booking_id, b.status AS booking_status, o.expires_at AS offer_expires_at, ${SESSION_COLUMNS}
     FROM bookings b
     JOIN course_sessions s ON s.id = b.session_id JOIN courses c ON c.id = s.course_id
     LEFT JOIN seat_offers o ON o.booking_id = b.id AND o.status = 'open'
     WHERE b.conversation_id = $1 AND b.status IN ('booked', 'waiting', 'offered') AND s.starts_at > $2
     ORDER BY s.starts_at, b.id`,
    [conversationId, now],
  );
  const head = z.object({
    booking_id: z.number(),
    booking_status: z.enum(['booked', 'waiting', 'offered']),
    offer_expires_at: z.date().nullable(),
  });
  return rows.map((r) => {
    const h = head.parse(r);
    return {
      bookingId: h.booking_id,
      status: h.booking_status,
      offerExpiresAt: h.offer_expires_at?.toISOString() ?? null,
      session: toSessionSummary(r),
    };
  });
}

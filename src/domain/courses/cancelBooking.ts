import { z } from 'zod';
import { bookingsRepo } from '../../store/courses/bookingsRepo.ts';
import { courseSessionsRepo } from '../../store/courses/courseSessionsRepo.ts';
import type { Queryable } from '../../store/db.ts';
import type { BookingEnv } from './courseOptions.ts';
import { cancelReminders } from './reminders.ts';
import { releaseSeat, withdrawOffer } from './seatOffers.ts';

export const cancelResultSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('cancelled'), bookingId: z.number(), sessionId: z.string(), was: z.enum(['booked', 'waiting', 'offered']) }),
  z.object({ type: z.literal('notFound'), sessionId: z.string() }),
]);
export type CancelResult = z.infer<typeof cancelResultSchema>;

/**
 * Cancels the conversation's live booking for a session (run inside a transaction).
 * A held seat goes to the first person waiting; pending reminders are cancelled.
 */
export async function cancelBooking(
  tx: Queryable,
  input: { conversationId: string; sessionId: string },
  env: BookingEnv,
): Promise<CancelResult> {
  const seen = await bookingsRepo.findLive(tx, input.conversationId, input.sessionId);
  if (!seen) return { type: 'notFound', sessionId: input.sessionId };
  // Leaving the waiting list moves everyone behind up a place. Joins and seat offers change
  // the list under the session row lock, so take it too (before the booking row, in the order
  // offerFreeSeats locks them): a resident joining meanwhile then counts us fully in or out.
  if (seen.status === 'waiting') await courseSessionsRepo.lock(tx, input.sessionId);
  const b = await bookingsRepo.findLive(tx, input.conversationId, input.sessionId, { lock: true });
  if (!b) return { type: 'notFound', sessionId: input.sessionId };
  await bookingsRepo.setStatus(tx, b.id, 'cancelled');
  switch (b.status) {
    case 'booked':
      await cancelReminders(tx, b.id, env);
      await releaseSeat(tx, input.sessionId, env);
      return { type: 'cancelled', bookingId: b.id, sessionId: input.sessionId, was: 'booked' };
    case 'offered':
      await withdrawOffer(tx, b.id, env);
      await releaseSeat(tx, input.sessionId, env);
      return { type: 'cancelled', bookingId: b.id, sessionId: input.sessionId, was: 'offered' };
    case 'waiting':
      return { type: 'cancelled', bookingId: b.id, sessionId: input.sessionId, was: 'waiting' };
  }
}

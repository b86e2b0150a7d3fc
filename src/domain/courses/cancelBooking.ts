import { z } from 'zod';
import type { Queryable } from '../../store/db.ts';
import { bookingStatusSchema } from './bookSession.ts';
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
  const { rows } = await tx.query(
    `SELECT id, status FROM bookings
     WHERE conversation_id = $1 AND session_id = $2 AND status IN ('booked', 'waiting', 'offered')
     FOR NO KEY UPDATE`,
    [input.conversationId, input.sessionId],
  );
  if (!rows[0]) return { type: 'notFound', sessionId: input.sessionId };
  const b = z.object({ id: z.number(), status: bookingStatusSchema }).parse(rows[0]);
  await tx.query(`UPDATE bookings SET status = 'cancelled', updated_at = now() WHERE id = $1`, [b.id]);
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
    default:
      throw new Error(`booking ${b.id} is not live`);
  }
}

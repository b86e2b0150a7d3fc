import { z } from 'zod';
import type { Queryable } from '../../store/db.ts';
import { bookSession } from './bookSession.ts';
import { cancelBooking } from './cancelBooking.ts';
import type { BookingEnv } from './courseOptions.ts';

export const changeResultSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('changed'), fromSessionId: z.string(), toSessionId: z.string(), bookingId: z.number() }),
  /** The new session has no seat: the old booking is kept, nothing changed. */
  z.object({ type: z.literal('full'), toSessionId: z.string() }),
  z.object({ type: z.literal('notBooked'), fromSessionId: z.string() }),
  z.object({ type: z.literal('notFound'), toSessionId: z.string() }),
  z.object({ type: z.literal('started'), toSessionId: z.string() }),
  z.object({ type: z.literal('sameSession'), sessionId: z.string() }),
]);
export type ChangeResult = z.infer<typeof changeResultSchema>;

/**
 * Moves a booking to another session in one transaction: the new seat is taken first,
 * and only then is the old one given up, so a resident never ends up with neither.
 */
export async function changeBooking(
  tx: Queryable,
  input: { conversationId: string; fromSessionId: string; toSessionId: string },
  env: BookingEnv,
): Promise<ChangeResult> {
  const { conversationId, fromSessionId, toSessionId } = input;
  if (fromSessionId === toSessionId) return { type: 'sameSession', sessionId: toSessionId };
  const held = await tx.query(
    `SELECT 1 FROM bookings WHERE conversation_id = $1 AND session_id = $2 AND status = 'booked'`,
    [conversationId, fromSessionId],
  );
  if (held.rows.length === 0) return { type: 'notBooked', fromSessionId };
  await tx.query('SAVEPOINT change_booking');
  const booked = await bookSession(tx, { conversationId, sessionId: toSessionId }, env);
  switch (booked.type) {
    case 'booked':
      await tx.query('RELEASE SAVEPOINT change_booking');
      await cancelBooking(tx, { conversationId, sessionId: fromSessionId }, env);
      return { type: 'changed', fromSessionId, toSessionId, bookingId: booked.bookingId };
    case 'waitlisted':
    case 'offered':
      // Do not leave them on the new waiting list as a side effect of a failed change.
      await tx.query('ROLLBACK TO SAVEPOINT change_booking');
      return { type: 'full', toSessionId };
    case 'notFound':
    case 'started':
      await tx.query('RELEASE SAVEPOINT change_booking');
      return { type: booked.type, toSessionId };
  }
}

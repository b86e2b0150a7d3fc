import { z } from 'zod';
import { bookingsRepo } from '../../store/courses/bookingsRepo.ts';
import type { Queryable } from '../../store/db.ts';
import { savepoint } from '../../store/savepoint.ts';
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
  if (!(await bookingsRepo.holdsSeat(tx, conversationId, fromSessionId))) return { type: 'notBooked', fromSessionId };
  const sp = await savepoint(tx, 'change_booking');
  const booked = await bookSession(tx, { conversationId, sessionId: toSessionId }, env);
  switch (booked.type) {
    case 'booked':
      await sp.release();
      await cancelBooking(tx, { conversationId, sessionId: fromSessionId }, env);
      return { type: 'changed', fromSessionId, toSessionId, bookingId: booked.bookingId };
    case 'waitlisted':
    case 'offered':
      // Do not leave them on the new waiting list as a side effect of a failed change.
      await sp.rollback();
      return { type: 'full', toSessionId };
    case 'notFound':
    case 'started':
      await sp.release();
      return { type: booked.type, toSessionId };
  }
}

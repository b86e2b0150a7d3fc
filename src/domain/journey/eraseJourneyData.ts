import { deleteApplicationOf } from '../../store/applications.ts';
import { deleteBookingsOf, liveBookingSessionIds } from '../../store/conversationBookings.ts';
import type { Queryable } from '../../store/db.ts';
import { cancelBooking } from '../courses/cancelBooking.ts';
import { defaultCourseOptions, type CourseOptions } from '../courses/courseOptions.ts';

/**
 * "Delete my data" for the journey: live bookings are cancelled first (so their seats
 * go to the waiting list and the seat count stays right), then the conversation's
 * bookings and application are deleted. Pass to the engine's `erasers`; it runs on the
 * turn's connection, inside its transaction.
 */
export function journeyEraser(options: CourseOptions = defaultCourseOptions, clock: () => Date = () => new Date()) {
  return async (tx: Queryable, conversationId: string): Promise<void> => {
    const env = { now: clock(), options };
    for (const sessionId of await liveBookingSessionIds(tx, conversationId)) await cancelBooking(tx, { conversationId, sessionId }, env);
    await deleteBookingsOf(tx, conversationId);
    await deleteApplicationOf(tx, conversationId);
  };
}

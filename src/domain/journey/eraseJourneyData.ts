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
  return async (db: Queryable, conversationId: string): Promise<void> => {
    const env = { now: clock(), options };
    const live = await db.query<{ session_id: string }>(
      `SELECT session_id FROM bookings WHERE conversation_id = $1 AND status IN ('booked', 'waiting', 'offered') ORDER BY id`,
      [conversationId],
    );
    for (const b of live.rows) await cancelBooking(db, { conversationId, sessionId: b.session_id }, env);
    await db.query(`DELETE FROM bookings WHERE conversation_id = $1`, [conversationId]);
    await db.query(`DELETE FROM applications WHERE conversation_id = $1`, [conversationId]);
  };
}

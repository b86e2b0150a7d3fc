import type { Queryable } from './db.ts';

/**
 * A conversation's rows in `bookings`, for erasure ("delete my data" and retention).
 * Booking itself, with its seat counts and waiting list, is the courses' business.
 */

/** Sessions the conversation holds a live booking, waiting-list place or seat offer for, oldest booking first. */
export async function liveBookingSessionIds(tx: Queryable, conversationId: string): Promise<string[]> {
  const { rows } = await tx.query<{ session_id: string }>(
    `SELECT session_id FROM bookings WHERE conversation_id = $1 AND status IN ('booked', 'waiting', 'offered') ORDER BY id`,
    [conversationId],
  );
  return rows.map((r) => r.session_id);
}

/** Deletes every booking row of the conversation (live ones must be cancelled first, to free their seats). */
export async function deleteBookingsOf(tx: Queryable, conversationId: string): Promise<void> {
  await tx.query(`DELETE FROM bookings WHERE conversation_id = $1`, [conversationId]);
}

import { courseSessionsRepo } from '../../store/courses/courseSessionsRepo.ts';
import type { Queryable } from '../../store/db.ts';
import { recordFunnelEvent } from '../../store/funnelEvents.ts';

/**
 * A seat booked (not a waiting-list place), for the figures: the session and its course's
 * programme, in the booking's transaction. Nothing is written before consent.
 */
export async function recordBooked(tx: Queryable, conversationId: string, sessionId: string, at: Date): Promise<void> {
  const session = await courseSessionsRepo.get(tx, sessionId);
  await recordFunnelEvent(tx, conversationId, 'booked', at, { sessionId, programmeId: session?.programmeId ?? null });
}

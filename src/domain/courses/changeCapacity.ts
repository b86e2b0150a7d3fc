import { courseSessionsRepo } from '../../store/courses/courseSessionsRepo.ts';
import { lockSessionState } from '../../store/courses/sessionOverview.ts';
import type { Db } from '../../store/db.ts';
import { sessionInputSchema } from './courseFileSchema.ts';
import type { BookingEnv } from './courseOptions.ts';
import { COURSE_TIME_ZONE } from './formatWhen.ts';
import { offerFreeSeats } from './seatOffers.ts';
import { upsertSession } from './upsertSession.ts';

export type ChangeCapacityResult =
  | { type: 'changed'; from: number; to: number; offered: number }
  | { type: 'unchanged'; capacity: number }
  /** Seats held (booked, or offered to someone waiting) are never taken away. */
  | { type: 'belowSeatsHeld'; seatsHeld: number; capacity: number }
  | { type: 'invalid'; message: string }
  | { type: 'notFound' }
  | { type: 'cancelled' }
  | { type: 'started' };

/**
 * Changes a session's capacity with the rules of `import sessions`: checked by the file's schema,
 * never below the seats held, and new seats offered to the waiting list at once. The session
 * then belongs to the studio (source 'studio'): `db seed` no longer overwrites it.
 */
export async function changeCapacity(db: Db, sessionId: string, capacity: number, env: BookingEnv): Promise<ChangeCapacityResult> {
  return db.transaction(async (tx): Promise<ChangeCapacityResult> => {
    const state = await lockSessionState(tx, sessionId);
    const [stored] = await courseSessionsRepo.byIds(tx, [sessionId], COURSE_TIME_ZONE);
    if (!state || !stored) return { type: 'notFound' };
    if (state.cancelledAt) return { type: 'cancelled' };
    if (state.startsAt <= env.now) return { type: 'started' };
    if (stored.capacity === capacity) return { type: 'unchanged', capacity };
    const input = sessionInputSchema.safeParse({
      id: stored.id,
      venue: { name: stored.venueName, address: stored.venueAddress, accessible: stored.venueAccessible },
      startDate: stored.startDate,
      startTime: stored.startTime,
      endTime: stored.endTime,
      capacity,
    });
    if (!input.success) return { type: 'invalid', message: input.error.issues.map((i) => i.message).join('; ') };
    if (capacity < state.taken) return { type: 'belowSeatsHeld', seatsHeld: state.taken, capacity: stored.capacity };
    if (!(await upsertSession(tx, stored.courseId, input.data, 'studio', env))) {
      return { type: 'belowSeatsHeld', seatsHeld: state.taken, capacity: stored.capacity };
    }
    const offered = await offerFreeSeats(tx, sessionId, env);
    return { type: 'changed', from: stored.capacity, to: capacity, offered: offered.length };
  });
}

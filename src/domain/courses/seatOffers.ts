import { cancelJob, enqueueJob } from '../../jobs/jobQueue.ts';
import { bookingsRepo } from '../../store/courses/bookingsRepo.ts';
import { courseSessionsRepo } from '../../store/courses/courseSessionsRepo.ts';
import { seatOffersRepo, type OpenOffer } from '../../store/courses/seatOffersRepo.ts';
import type { Queryable } from '../../store/db.ts';
import type { BookingEnv } from './courseOptions.ts';
import { COURSE_JOBS, offerExpiryKey, offerNoticeKey } from './jobKinds.ts';
import { recordFunnelEvent } from '../../store/funnelEvents.ts';
import { scheduleReminders } from './reminders.ts';

/**
 * Offers every free seat of a session to the people waiting, first come first served.
 * Takes the session row lock: bookings that find the session full take the same lock
 * before they settle for the waiting list, so no one is left waiting beside a free seat.
 */
export async function offerFreeSeats(tx: Queryable, sessionId: string, env: BookingEnv): Promise<number[]> {
  const s = await courseSessionsRepo.lockSeats(tx, sessionId);
  if (!s) return [];
  if (s.startsAt <= env.now) return [];
  const offered: number[] = [];
  let taken = s.taken;
  while (taken < s.capacity) {
    const next = await bookingsRepo.firstWaiting(tx, sessionId);
    if (next === undefined) break;
    // Re-checked under the row lock: the waiter may have cancelled meanwhile.
    if (!(await bookingsRepo.offerTo(tx, next))) continue;
    await courseSessionsRepo.holdSeat(tx, sessionId);
    taken++;
    const expiresAt = new Date(Math.min(env.now.getTime() + env.options.seatOfferTtlMs, s.startsAt.getTime()));
    const offerId = await seatOffersRepo.open(tx, next, expiresAt);
    await enqueueJob(tx, { kind: COURSE_JOBS.seatOfferNotice, key: offerNoticeKey(offerId), payload: { offerId }, runAt: env.now });
    await enqueueJob(tx, { kind: COURSE_JOBS.seatOfferExpiry, key: offerExpiryKey(offerId), payload: { offerId }, runAt: expiresAt });
    offered.push(offerId);
  }
  return offered;
}

/** Gives back one held seat and offers it to the next person waiting. */
export async function releaseSeat(tx: Queryable, sessionId: string, env: BookingEnv): Promise<number[]> {
  await courseSessionsRepo.releaseSeat(tx, sessionId);
  return offerFreeSeats(tx, sessionId, env);
}

async function closeOffer(tx: Queryable, offer: OpenOffer, outcome: 'expired' | 'declined', env: BookingEnv): Promise<void> {
  await seatOffersRepo.decide(tx, offer.id, outcome, env.now);
  await bookingsRepo.setStatus(tx, offer.bookingId, outcome);
  await cancelJob(tx, offerExpiryKey(offer.id));
  await releaseSeat(tx, offer.sessionId, env);
}

export type AcceptOfferResult =
  | { type: 'booked'; bookingId: number; sessionId: string }
  | { type: 'expired'; sessionId: string }
  | { type: 'noOffer' };

export async function acceptSeatOffer(
  tx: Queryable,
  input: { conversationId: string; offerId?: number },
  env: BookingEnv,
): Promise<AcceptOfferResult> {
  const offer = await seatOffersRepo.lockOpen(tx, input);
  if (!offer) return { type: 'noOffer' };
  if (offer.expiresAt <= env.now) {
    await closeOffer(tx, offer, 'expired', env);
    return { type: 'expired', sessionId: offer.sessionId };
  }
  await seatOffersRepo.decide(tx, offer.id, 'accepted', env.now);
  await bookingsRepo.setStatus(tx, offer.bookingId, 'booked');
  await cancelJob(tx, offerExpiryKey(offer.id));
  await scheduleReminders(tx, offer.bookingId, offer.startsAt, env);
  await recordFunnelEvent(tx, input.conversationId, 'booked', env.now, { sessionId: offer.sessionId });
  return { type: 'booked', bookingId: offer.bookingId, sessionId: offer.sessionId };
}

export async function declineSeatOffer(
  tx: Queryable,
  input: { conversationId: string; offerId?: number },
  env: BookingEnv,
): Promise<{ type: 'declined'; sessionId: string } | { type: 'noOffer' }> {
  const offer = await seatOffersRepo.lockOpen(tx, input);
  if (!offer) return { type: 'noOffer' };
  await closeOffer(tx, offer, 'declined', env);
  return { type: 'declined', sessionId: offer.sessionId };
}

/** The expiry job: an offer not answered in time goes to the next person waiting. */
export async function expireSeatOffer(tx: Queryable, offerId: number, env: BookingEnv): Promise<'expired' | 'notYet' | 'closed'> {
  const offer = await seatOffersRepo.lockOpen(tx, { offerId });
  if (!offer) return 'closed';
  if (offer.expiresAt > env.now) return 'notYet';
  await closeOffer(tx, offer, 'expired', env);
  return 'expired';
}

/** Withdraws an open offer when its holder cancels (the seat is released by the caller). */
export async function withdrawOffer(tx: Queryable, bookingId: number, env: BookingEnv): Promise<void> {
  for (const id of await seatOffersRepo.withdrawOpen(tx, bookingId, env.now)) await cancelJob(tx, offerExpiryKey(id));
}

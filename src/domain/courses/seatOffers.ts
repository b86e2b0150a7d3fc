import { z } from 'zod';
import { cancelJob, enqueueJob } from '../../jobs/jobQueue.ts';
import type { Queryable } from '../../store/db.ts';
import type { BookingEnv } from './courseOptions.ts';
import { COURSE_JOBS, offerExpiryKey, offerNoticeKey } from './jobKinds.ts';
import { scheduleReminders } from './reminders.ts';

const sessionLockRow = z.object({ taken: z.number(), capacity: z.number(), starts_at: z.date() });

/**
 * Offers every free seat of a session to the people waiting, first come first served.
 * Takes the session row lock: bookings that find the session full take the same lock
 * before they settle for the waiting list, so no one is left waiting beside a free seat.
 */
export async function offerFreeSeats(tx: Queryable, sessionId: string, env: BookingEnv): Promise<number[]> {
  const { rows } = await tx.query(`SELECT taken, capacity, starts_at FROM course_sessions WHERE id = $1 FOR NO KEY UPDATE`, [sessionId]);
  if (!rows[0]) return [];
  const s = sessionLockRow.parse(rows[0]);
  if (s.starts_at <= env.now) return [];
  const offered: number[] = [];
  let taken = s.taken;
  while (taken < s.capacity) {
    const next = await tx.query<{ id: number }>(
      `SELECT id FROM bookings WHERE session_id = $1 AND status = 'waiting' ORDER BY id LIMIT 1`,
      [sessionId],
    );
    if (!next.rows[0]) break;
    // Re-checked under the row lock: the waiter may have cancelled meanwhile.
    const claimed = await tx.query(
      `UPDATE bookings SET status = 'offered', updated_at = now() WHERE id = $1 AND status = 'waiting'`,
      [next.rows[0].id],
    );
    if (claimed.rowCount === 0) continue;
    await tx.query(`UPDATE course_sessions SET taken = taken + 1 WHERE id = $1`, [sessionId]);
    taken++;
    const expiresAt = new Date(Math.min(env.now.getTime() + env.options.seatOfferTtlMs, s.starts_at.getTime()));
    const offer = await tx.query<{ id: number }>(
      `INSERT INTO seat_offers (booking_id, status, expires_at) VALUES ($1, 'open', $2) RETURNING id`,
      [next.rows[0].id, expiresAt],
    );
    const offerId = offer.rows[0]!.id;
    await enqueueJob(tx, { kind: COURSE_JOBS.seatOfferNotice, key: offerNoticeKey(offerId), payload: { offerId }, runAt: env.now });
    await enqueueJob(tx, { kind: COURSE_JOBS.seatOfferExpiry, key: offerExpiryKey(offerId), payload: { offerId }, runAt: expiresAt });
    offered.push(offerId);
  }
  return offered;
}

/** Gives back one held seat and offers it to the next person waiting. */
export async function releaseSeat(tx: Queryable, sessionId: string, env: BookingEnv): Promise<number[]> {
  await tx.query(`UPDATE course_sessions SET taken = taken - 1, updated_at = now() WHERE id = $1`, [sessionId]);
  return offerFreeSeats(tx, sessionId, env);
}

const openOfferRow = z.object({
  id: z.number(),
  booking_id: z.number(),
  session_id: z.string(),
  expires_at: z.date(),
  starts_at: z.date(),
});
type OpenOffer = z.infer<typeof openOfferRow>;

async function lockOpenOffer(tx: Queryable, where: { conversationId: string; offerId?: number } | { offerId: number }) {
  const { rows } = await tx.query(
    `SELECT o.id, o.booking_id, b.session_id, o.expires_at, s.starts_at
     FROM seat_offers o JOIN bookings b ON b.id = o.booking_id JOIN course_sessions s ON s.id = b.session_id
     WHERE o.status = 'open' AND ($1::text IS NULL OR b.conversation_id = $1) AND ($2::bigint IS NULL OR o.id = $2)
     ORDER BY o.id LIMIT 1
     FOR NO KEY UPDATE OF o, b`,
    ['conversationId' in where ? where.conversationId : null, where.offerId ?? null],
  );
  return rows[0] ? openOfferRow.parse(rows[0]) : undefined;
}

async function closeOffer(tx: Queryable, offer: OpenOffer, outcome: 'expired' | 'declined', env: BookingEnv): Promise<void> {
  await tx.query(`UPDATE seat_offers SET status = $2, decided_at = $3 WHERE id = $1`, [offer.id, outcome, env.now]);
  await tx.query(`UPDATE bookings SET status = $2, updated_at = now() WHERE id = $1`, [offer.booking_id, outcome]);
  await cancelJob(tx, offerExpiryKey(offer.id));
  await releaseSeat(tx, offer.session_id, env);
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
  const offer = await lockOpenOffer(tx, input);
  if (!offer) return { type: 'noOffer' };
  if (offer.expires_at <= env.now) {
    await closeOffer(tx, offer, 'expired', env);
    return { type: 'expired', sessionId: offer.session_id };
  }
  await tx.query(`UPDATE seat_offers SET status = 'accepted', decided_at = $2 WHERE id = $1`, [offer.id, env.now]);
  await tx.query(`UPDATE bookings SET status = 'booked', updated_at = now() WHERE id = $1`, [offer.booking_id]);
  await cancelJob(tx, offerExpiryKey(offer.id));
  await scheduleReminders(tx, offer.booking_id, offer.starts_at, env);
  return { type: 'booked', bookingId: offer.booking_id, sessionId: offer.session_id };
}

export async function declineSeatOffer(
  tx: Queryable,
  input: { conversationId: string; offerId?: number },
  env: BookingEnv,
): Promise<{ type: 'declined'; sessionId: string } | { type: 'noOffer' }> {
  const offer = await lockOpenOffer(tx, input);
  if (!offer) return { type: 'noOffer' };
  await closeOffer(tx, offer, 'declined', env);
  return { type: 'declined', sessionId: offer.session_id };
}

/** The expiry job: an offer not answered in time goes to the next person waiting. */
export async function expireSeatOffer(tx: Queryable, offerId: number, env: BookingEnv): Promise<'expired' | 'notYet' | 'closed'> {
  const offer = await lockOpenOffer(tx, { offerId });
  if (!offer) return 'closed';
  if (offer.expires_at > env.now) return 'notYet';
  await closeOffer(tx, offer, 'expired', env);
  return 'expired';
}

/** Withdraws an open offer when its holder cancels (the seat is released by the caller). */
export async function withdrawOffer(tx: Queryable, bookingId: number, env: BookingEnv): Promise<void> {
  const { rows } = await tx.query<{ id: number }>(
    `UPDATE seat_offers SET status = 'withdrawn', decided_at = $2 WHERE booking_id = $1 AND status = 'open' RETURNING id`,
    [bookingId, env.now],
  );
  for (const r of rows) await cancelJob(tx, offerExpiryKey(r.id));
}

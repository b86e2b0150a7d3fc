import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookSession } from '../../../src/domain/courses/bookSession.ts';
import { cancelBooking } from '../../../src/domain/courses/cancelBooking.ts';
import { acceptSeatOffer, declineSeatOffer } from '../../../src/domain/courses/seatOffers.ts';
import type { Db } from '../../../src/store/db.ts';
import { createTestDb, TEST_DATABASE_URL, type TestDb } from '../../helpers/testDb.ts';
import { addConversations, env, seedSession } from './fixtures.ts';

/** A tiny deterministic generator, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe('seat invariant under a concurrent mix of book, cancel, accept and decline', () => {
  let t: TestDb;
  let second: Db | undefined;
  beforeAll(async () => {
    t = await createTestDb();
    second = TEST_DATABASE_URL ? await t.another() : undefined;
  });
  afterAll(() => t?.close());

  // PGlite runs one transaction at a time, so it gets a shorter run: the race is pg's to prove.
  const seeds = TEST_DATABASE_URL ? [42, 7, 2027] : [42];
  const opCount = TEST_DATABASE_URL ? 120 : 40;

  it.each(seeds)('seed %i: seats held equal booked + offered, never pass capacity, no one waits beside a free seat', async (seed) => {
    const sessionId = `mix-${seed}`;
    await seedSession(t.db, sessionId, 4);
    const people = await addConversations(t.db, sessionId, 16);
    const next = rng(seed);
    const ops = Array.from({ length: opCount }, () => ({ who: people[Math.floor(next() * people.length)]!, op: Math.floor(next() * 4) }));
    const results = await Promise.allSettled(
      ops.map(({ who, op }, i) => {
        const db = second && i % 2 ? second : t.db;
        const input = { conversationId: who, sessionId };
        return db.transaction((tx): Promise<unknown> => {
          switch (op) {
            case 0:
            case 1:
              return bookSession(tx, input, env);
            case 2:
              return cancelBooking(tx, input, env);
            default:
              return next() < 0.5 ? acceptSeatOffer(tx, { conversationId: who }, env) : declineSeatOffer(tx, { conversationId: who }, env);
          }
        });
      }),
    );
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed.map((f) => String((f as PromiseRejectedResult).reason))).toEqual([]);
    const { rows } = await t.db.query<{ taken: number; capacity: number; booked: number; offered: number; waiting: number; open_offers: number }>(
      `SELECT s.taken, s.capacity,
         (SELECT count(*)::int FROM bookings WHERE session_id = s.id AND status = 'booked') AS booked,
         (SELECT count(*)::int FROM bookings WHERE session_id = s.id AND status = 'offered') AS offered,
         (SELECT count(*)::int FROM bookings WHERE session_id = s.id AND status = 'waiting') AS waiting,
         (SELECT count(*)::int FROM seat_offers o JOIN bookings b ON b.id = o.booking_id
            WHERE b.session_id = s.id AND o.status = 'open') AS open_offers
       FROM course_sessions s WHERE s.id = $1`,
      [sessionId],
    );
    const s = rows[0]!;
    console.error(`[seat mix] driver=${t.db.driver} seed=${seed} ops=${ops.length} ${JSON.stringify(s)}`);
    expect(s.taken).toBe(s.booked + s.offered);
    expect(s.taken).toBeLessThanOrEqual(s.capacity);
    expect(s.open_offers).toBe(s.offered);
    // Nobody may be left waiting while a seat is free.
    expect(s.taken < s.capacity && s.waiting > 0).toBe(false);

    // Then everyone cancels at once: every seat comes back, and nothing is left live.
    await Promise.all(
      people.map((who, i) =>
        (second && i % 2 ? second : t.db).transaction((tx) => cancelBooking(tx, { conversationId: who, sessionId }, env)),
      ),
    );
    const after = await t.db.query<{ taken: number; live: number }>(
      `SELECT taken, (SELECT count(*)::int FROM bookings WHERE session_id = $1 AND status IN ('booked', 'waiting', 'offered')) AS live
       FROM course_sessions WHERE id = $1`,
      [sessionId],
    );
    expect(after.rows[0]).toEqual({ taken: 0, live: 0 });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BookingContendedError, bookSession } from '../../../src/domain/courses/bookSession.ts';
import { cancelBooking } from '../../../src/domain/courses/cancelBooking.ts';
import type { Db, Queryable } from '../../../src/store/db.ts';
import { createTestDb, TEST_DATABASE_URL, type TestDb } from '../../helpers/testDb.ts';
import { addConversations, counts, env, seedSession } from './fixtures.ts';

const INSERT_BOOKING = /^\s*INSERT INTO bookings\b/;

/**
 * Runs `before` just ahead of each INSERT into bookings on `tx` and `after` just after it,
 * so another transaction's commits land exactly between two of bookSession's statements.
 */
function interleave(tx: Queryable, hooks: { before: (n: number) => Promise<void>; after: (n: number) => Promise<void> }): Queryable {
  let n = 0;
  return {
    multi: (sql) => tx.multi(sql),
    async query(sql, params) {
      if (!INSERT_BOOKING.test(sql)) return tx.query(sql, params);
      const i = n++;
      await hooks.before(i);
      const result = await tx.query(sql, params);
      await hooks.after(i);
      return result as never;
    },
  };
}

describe('booking while the same resident books and cancels on another connection', () => {
  let t: TestDb;
  let other: Db | undefined;
  beforeAll(async () => {
    t = await createTestDb();
    // pg: the interfering book and cancel commit from a second pool, as in production.
    // PGlite has one connection, so there they run inside the booking's own transaction.
    other = TEST_DATABASE_URL ? await t.another() : undefined;
  });
  afterAll(() => t?.close());

  it('the booking the INSERT collided with is cancelled before it is read: books anew instead of failing', async () => {
    await seedSession(t.db, 'mid', 2);
    const [who] = await addConversations(t.db, 'mid', 1);
    const input = { conversationId: who!, sessionId: 'mid' };
    const elsewhere = <T>(tx: Queryable, fn: (q: Queryable) => Promise<T>) => (other ? other.transaction(fn) : fn(tx));
    const interfering: string[] = [];

    const result = await t.db.transaction((tx) =>
      bookSession(
        interleave(tx, {
          // First INSERT only: a live booking appears after our "already booked?" read, so the INSERT does nothing...
          before: async (i) => {
            if (i === 0) interfering.push((await elsewhere(tx, (q) => bookSession(q, input, env))).type);
          },
          // ...and it is cancelled before our next read looks for it.
          after: async (i) => {
            if (i === 0) interfering.push((await elsewhere(tx, (q) => cancelBooking(q, input, env))).type);
          },
        }),
        input,
        env,
      ),
    );

    console.error(`[booking cancelled mid-book] driver=${t.db.driver} interfering=${interfering.join(',')} result=${result.type}`);
    expect(interfering).toEqual(['booked', 'cancelled']);
    expect(result).toMatchObject({ type: 'booked', sessionId: 'mid', alreadyHad: false });
    expect(await counts(t.db, 'mid')).toEqual({ booked: 1, cancelled: 1 });
    const seat = await t.db.query<{ taken: number }>(`SELECT taken FROM course_sessions WHERE id = 'mid'`);
    expect(seat.rows[0]!.taken).toBe(1);
  });

  it('gives up with a coded error, not a loop, when every INSERT collides with a booking closed at once', async () => {
    await seedSession(t.db, 'churn', 2);
    const [who] = await addConversations(t.db, 'churn', 1);
    const input = { conversationId: who!, sessionId: 'churn' };
    const elsewhere = <T>(tx: Queryable, fn: (q: Queryable) => Promise<T>) => (other ? other.transaction(fn) : fn(tx));
    let inserts = 0;

    const outcome = await t.db
      .transaction((tx) =>
        bookSession(
          interleave(tx, {
            before: async () => {
              inserts++;
              await elsewhere(tx, (q) => bookSession(q, input, env));
            },
            after: async () => {
              await elsewhere(tx, (q) => cancelBooking(q, input, env));
            },
          }),
          input,
          env,
        ),
      )
      .then(
        (r) => r,
        (err: unknown) => err,
      );

    console.error(`[booking churn] driver=${t.db.driver} inserts=${inserts}`);
    expect(outcome).toBeInstanceOf(BookingContendedError);
    expect((outcome as BookingContendedError).code).toBe('booking_contended');
    expect(inserts).toBe(5);
    // Our transaction rolled back; only the other connection's closed bookings remain.
    expect(await counts(t.db, 'churn')).toEqual(other ? { cancelled: 5 } : {});
  });
});

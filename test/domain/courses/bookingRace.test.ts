import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookSession, type BookResult } from '../../../src/domain/courses/bookSession.ts';
import type { Db } from '../../../src/store/db.ts';
import { createTestDb, TEST_DATABASE_URL, type TestDb } from '../../helpers/testDb.ts';
import { addConversations, counts, env, seedSession } from './fixtures.ts';

describe('booking race: 50 residents, 5 seats', () => {
  let t: TestDb;
  let second: Db | undefined;
  beforeAll(async () => {
    t = await createTestDb();
    // Two pools on pg = two server processes' worth of connections.
    second = TEST_DATABASE_URL ? await t.another() : undefined;
  });
  afterAll(() => t?.close());

  it('books exactly 5 and waitlists 45, never more bookings than seats', async () => {
    await seedSession(t.db, 'race', 5);
    const people = await addConversations(t.db, 'race', 50);
    const started = performance.now();
    const results = await Promise.all(
      people.map((conversationId, i) => {
        const db = second && i % 2 === 1 ? second : t.db;
        return db.transaction((tx) => bookSession(tx, { conversationId, sessionId: 'race' }, env));
      }),
    );
    const elapsed = performance.now() - started;
    const booked = results.filter((r) => r.type === 'booked').length;
    const waitlisted = results.filter((r) => r.type === 'waitlisted').length;
    console.error(
      `[booking race] driver=${t.db.driver} pools=${second ? 2 : 1} bookings=${booked} waitlisted=${waitlisted} elapsed=${elapsed.toFixed(0)}ms`,
    );
    expect(booked).toBe(5);
    expect(waitlisted).toBe(45);
    expect(await counts(t.db, 'race')).toEqual({ booked: 5, waiting: 45 });
    const seat = await t.db.query<{ taken: number }>(`SELECT taken FROM course_sessions WHERE id = 'race'`);
    expect(seat.rows[0]!.taken).toBe(5);
    // Places are numbered under the session row lock: each of the 45 heard a different number.
    const positions = results
      .filter((r): r is Extract<BookResult, { type: 'waitlisted' }> => r.type === 'waitlisted')
      .map((r) => r.position);
    expect(positions.sort((a, b) => a - b)).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
  });

  it('booking twice for the same session returns the first booking, even at the same moment', async () => {
    await seedSession(t.db, 'twice', 3);
    const [who] = await addConversations(t.db, 'twice', 1);
    const dbs = [t.db, second ?? t.db];
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        dbs[i % 2]!.transaction((tx) => bookSession(tx, { conversationId: who!, sessionId: 'twice' }, env)),
      ),
    );
    const ids = new Set(results.map((r) => (r.type === 'booked' ? r.bookingId : -1)));
    expect(ids.size).toBe(1);
    expect(ids.has(-1)).toBe(false);
    expect(results.filter((r) => r.type === 'booked' && !r.alreadyHad)).toHaveLength(1);
    expect(await counts(t.db, 'twice')).toEqual({ booked: 1 });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookSession, type BookResult } from '../../../src/domain/courses/bookSession.ts';
import { cancelBooking } from '../../../src/domain/courses/cancelBooking.ts';
import { myBookings } from '../../../src/domain/courses/myBookings.ts';
import { declineSeatOffer } from '../../../src/domain/courses/seatOffers.ts';
import type { Db } from '../../../src/store/db.ts';
import { createTestDb, TEST_DATABASE_URL, type TestDb } from '../../helpers/testDb.ts';
import { addConversations, env, seedSession } from './fixtures.ts';

type Waitlisted = Extract<BookResult, { type: 'waitlisted' }>;

/**
 * Issue 11, item 3: two residents joining a full session's waiting list at once were both told
 * "You are number 1". What a resident is told, and what "my bookings" says later, must agree
 * with the order in which seats are really offered.
 */
describe(`waiting-list positions (${TEST_DATABASE_URL ? 'pg: two pools' : 'pglite'})`, () => {
  let t: TestDb;
  let dbs: Db[];
  beforeAll(async () => {
    t = await createTestDb();
    // Two pools on pg = two server processes' worth of connections.
    dbs = TEST_DATABASE_URL ? [t.db, await t.another()] : [t.db];
  });
  afterAll(() => t?.close());

  const book = (who: string, sessionId: string, db: Db = t.db) => db.transaction((tx) => bookSession(tx, { conversationId: who, sessionId }, env));
  const cancel = (who: string, sessionId: string, db: Db = t.db) =>
    db.transaction((tx) => cancelBooking(tx, { conversationId: who, sessionId }, env));
  /** What the resident would be shown for the session: 'waiting #n', 'offered' or 'booked'. */
  const shown = async (who: string, sessionId: string) => {
    const b = (await myBookings(t.db, who, env.now)).find((x) => x.session.id === sessionId);
    if (!b) return 'none';
    return b.status === 'waiting' ? `waiting #${b.position}` : b.status;
  };
  const offeredTo = async (sessionId: string) =>
    (
      await t.db.query<{ conversation_id: string }>(
        `SELECT b.conversation_id FROM seat_offers o JOIN bookings b ON b.id = o.booking_id
         WHERE b.session_id = $1 AND o.status = 'open' ORDER BY o.id`,
        [sessionId],
      )
    ).rows.map((r) => r.conversation_id);

  it('20 residents joining at once are told 1..20, each once, in the order seats are then offered', async () => {
    await seedSession(t.db, 'q20', 2);
    const [a, b] = await addConversations(t.db, 'q20-seat', 2);
    await book(a!, 'q20');
    await book(b!, 'q20');
    const waiters = await addConversations(t.db, 'q20-wait', 20);

    const started = performance.now();
    const told = await Promise.all(waiters.map((who, i) => book(who, 'q20', dbs[i % dbs.length])));
    console.error(`[waiting positions] driver=${t.db.driver} pools=${dbs.length} 20 joins in ${(performance.now() - started).toFixed(0)}ms`);

    expect(told.every((r) => r.type === 'waitlisted' && !r.alreadyHad)).toBe(true);
    const positions = told.map((r) => (r as Waitlisted).position);
    expect([...positions].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));

    // Nobody's number moved after they were told it: "my bookings" says the same.
    const byPosition = waiters.map((who, i) => ({ who, position: positions[i]! })).sort((x, y) => x.position - y.position);
    for (const { who, position } of byPosition) expect(await shown(who, 'q20')).toBe(`waiting #${position}`);
    // Asking again gives the same number.
    const again = await book(byPosition[6]!.who, 'q20');
    expect(again).toMatchObject({ type: 'waitlisted', position: 7, alreadyHad: true });

    // Cancel/offer cycle. A seat frees: number 1 is offered it, everyone else moves up one.
    const [n1, n2, n3, n4, n5, n6, n7] = byPosition.map((x) => x.who);
    await cancel(a!, 'q20');
    expect(await offeredTo('q20')).toEqual([n1]);
    expect(await shown(n1!, 'q20')).toBe('offered');
    expect(await shown(n2!, 'q20')).toBe('waiting #1');
    expect(await shown(byPosition[19]!.who, 'q20')).toBe('waiting #19');

    // Number 4 (now 3) leaves the list: those behind move up, those ahead stay.
    await cancel(n4!, 'q20');
    expect(await shown(n3!, 'q20')).toBe('waiting #2');
    expect(await shown(n5!, 'q20')).toBe('waiting #3');
    expect(await shown(byPosition[19]!.who, 'q20')).toBe('waiting #18');

    // The offer is declined: it goes to the next in line, who was told 2 at the start.
    await t.db.transaction((tx) => declineSeatOffer(tx, { conversationId: n1! }, env));
    expect(await offeredTo('q20')).toEqual([n2]);
    expect(await shown(n1!, 'q20')).toBe('none');
    expect(await shown(n3!, 'q20')).toBe('waiting #1');
    expect(await shown(n6!, 'q20')).toBe('waiting #3');

    // A newcomer joins at the end, after the 17 still waiting.
    const [late] = await addConversations(t.db, 'q20-late', 1);
    expect(await book(late!, 'q20')).toMatchObject({ type: 'waitlisted', position: 18 });

    // The other seat frees: it is offered to the next, n3.
    await cancel(b!, 'q20');
    expect(await offeredTo('q20')).toEqual([n2, n3]);
    expect(await shown(n7!, 'q20')).toBe('waiting #3');
  });

  it('joins and leaves at the same moment, on two pools, still leave one number per place', async () => {
    await seedSession(t.db, 'qmix', 1);
    const [seat] = await addConversations(t.db, 'qmix-seat', 1);
    await book(seat!, 'qmix');
    const first = await addConversations(t.db, 'qmix-first', 10);
    for (const who of first) await book(who, 'qmix');
    const newcomers = await addConversations(t.db, 'qmix-new', 10);
    const leaving = [first[0]!, first[3]!, first[7]!];

    const results = await Promise.all([
      ...newcomers.map((who, i) => book(who, 'qmix', dbs[i % dbs.length])),
      ...leaving.map((who, i) => cancel(who, 'qmix', dbs[(i + 1) % dbs.length])),
    ]);
    const joined = results.slice(0, newcomers.length) as Waitlisted[];

    const staying = [...first.filter((w) => !leaving.includes(w)), ...newcomers];
    const now = await Promise.all(staying.map(async (who) => ({ who, shown: await shown(who, 'qmix') })));
    // One number per place, 1..17, and the first ten keep their order at the front.
    expect(now.map((x) => x.shown).sort((x, y) => Number(x.slice(9)) - Number(y.slice(9)))).toEqual(
      Array.from({ length: 17 }, (_, i) => `waiting #${i + 1}`),
    );
    expect(now.slice(0, 7).map((x) => x.shown)).toEqual(Array.from({ length: 7 }, (_, i) => `waiting #${i + 1}`));
    // Each newcomer was told the truth at the moment they joined. Joins and leaves are taken
    // one at a time (the session row lock), so what a newcomer was told exceeds the place they
    // hold now by exactly the leavers who left after they joined: 0..3, and never more for a
    // later joiner than for an earlier one. (So two can hear the same number, truthfully.)
    const told = joined.map((r) => r.position);
    const held = newcomers.map((who) => Number(now.find((x) => x.who === who)!.shown.slice('waiting #'.length)));
    const inQueueOrder = newcomers.map((_, i) => i).sort((i, j) => held[i]! - held[j]!);
    expect(inQueueOrder.map((i) => held[i])).toEqual(Array.from({ length: 10 }, (_, k) => k + 8));
    const leftAfter = inQueueOrder.map((i) => told[i]! - held[i]!);
    for (const d of leftAfter) expect(d).toBeGreaterThanOrEqual(0);
    for (const d of leftAfter) expect(d).toBeLessThanOrEqual(leaving.length);
    expect(leftAfter).toEqual([...leftAfter].sort((x, y) => y - x));
  });
});

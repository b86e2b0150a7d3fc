/**
 * Issue 15: `booked` counts a seat, not a place on the waiting list — a resident who waits is
 * counted when they accept the seat offered to them, once. Residents consent through the real
 * engine on the shipped flows; bookings through the course domain functions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookSession } from '../../src/domain/courses/bookSession.ts';
import { cancelBooking } from '../../src/domain/courses/cancelBooking.ts';
import type { Tx } from '../../src/store/db.ts';
import { env, seedSession } from '../domain/courses/fixtures.ts';
import { shippedEngine, type ShippedEngine } from '../helpers/shippedEngine.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';
import { funnel, reachOf } from './outcomesHarness.ts';

let t: TestDb;
let shipped: ShippedEngine;
beforeAll(async () => {
  t = await createTestDb();
  shipped = await shippedEngine(t.db);
  await seedSession(t.db, 'one-seat', 1);
});
afterAll(async () => t?.close());

/** Hello, English, yes to keeping answers: the conversation's funnel subject. */
async function consented(conversationId: string): Promise<string> {
  await shipped.send(conversationId, 'hello');
  await shipped.send(conversationId, undefined, 'en');
  await shipped.send(conversationId, undefined, 'yes');
  return (await reachOf(t.db, conversationId))!.subject!;
}

const stages = async (subject: string) => (await funnel(t.db, subject)).map((e) => `${e.stage}${e.session_id ? `:${e.session_id}:${e.programme_id}` : ''}`);

describe('booked, from the waiting list', () => {
  it('the seat taken counts at once; the waiting place counts only when the offered seat is accepted', async () => {
    const [first, waiter] = [await consented('seat-first'), await consented('seat-waiter')];
    const run = <T>(fn: (tx: Tx) => Promise<T>) => t.db.transaction(fn);

    expect(await run((tx) => bookSession(tx, { conversationId: 'seat-first', sessionId: 'one-seat' }, env))).toMatchObject({ type: 'booked' });
    expect(await run((tx) => bookSession(tx, { conversationId: 'seat-waiter', sessionId: 'one-seat' }, env))).toMatchObject({ type: 'waitlisted' });
    // Booking again returns the first booking and is not another.
    expect(await run((tx) => bookSession(tx, { conversationId: 'seat-first', sessionId: 'one-seat' }, env))).toMatchObject({ alreadyHad: true });
    expect(await stages(first)).toEqual(['consented', 'booked:one-seat:i-can']);
    expect(await stages(waiter)).toEqual(['consented']);

    await run((tx) => cancelBooking(tx, { conversationId: 'seat-first', sessionId: 'one-seat' }, env));
    // The resident presses "Accept" on the seat offer and is told the booking number the register shows.
    const accepted = await shipped.send('seat-waiter', undefined, 'cmd:accept_seat');
    const bookingId = (await t.db.query<{ id: string }>(`SELECT id FROM bookings WHERE conversation_id = 'seat-waiter' AND status = 'booked'`)).rows[0]?.id;
    expect(accepted.map((r) => ('text' in r ? r.text : '')).join('\n')).toContain(`Your booking number is ${bookingId}. Give it to the course team when you arrive.`);
    expect(await stages(waiter)).toEqual(['consented', 'booked:one-seat:i-can']);
    expect(await stages(first)).toEqual(['consented', 'booked:one-seat:i-can']);
  });
});

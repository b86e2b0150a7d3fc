import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookSession } from '../../../src/domain/courses/bookSession.ts';
import { cancelBooking } from '../../../src/domain/courses/cancelBooking.ts';
import { changeBooking } from '../../../src/domain/courses/changeBooking.ts';
import { courseJobHandlers } from '../../../src/domain/courses/courseJobHandlers.ts';
import { listSessions } from '../../../src/domain/courses/listSessions.ts';
import { acceptSeatOffer, declineSeatOffer } from '../../../src/domain/courses/seatOffers.ts';
import type { Reply } from '../../../src/engine/reply.ts';
import { JobRunner } from '../../../src/jobs/JobRunner.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { addConversations, counts, env, loadNotices, NOW, seedSession, setLocale } from './fixtures.ts';

describe('waiting list and seat offers', () => {
  let t: TestDb;
  let clock = NOW;
  const sent: { to: string; replies: Reply[] }[] = [];
  let runner: JobRunner;
  beforeAll(async () => {
    t = await createTestDb();
    runner = new JobRunner({
      db: t.db,
      clock: () => clock,
      handlers: courseJobHandlers({
        send: async (to, replies) => void sent.push({ to, replies }),
        notices: await loadNotices(),
        options: env.options,
      }),
    });
  });
  afterAll(() => t?.close());

  const book = (conversationId: string, sessionId: string) =>
    t.db.transaction((tx) => bookSession(tx, { conversationId, sessionId }, { ...env, now: clock }));
  const cancel = (conversationId: string, sessionId: string) =>
    t.db.transaction((tx) => cancelBooking(tx, { conversationId, sessionId }, { ...env, now: clock }));
  const offerOf = async (conversationId: string) =>
    (
      await t.db.query<{ status: string; expires_at: Date }>(
        `SELECT o.status, o.expires_at FROM seat_offers o JOIN bookings b ON b.id = o.booking_id
         WHERE b.conversation_id = $1 ORDER BY o.id DESC LIMIT 1`,
        [conversationId],
      )
    ).rows[0];

  it('cancel offers the seat to the first waiter; expiry moves it to the next; accept books', async () => {
    clock = NOW;
    await seedSession(t.db, 'wl', 2);
    const [a, b, c, d, e] = await addConversations(t.db, 'wl', 5);
    for (const who of [a, b, c, d]) await book(who!, 'wl');
    expect(await counts(t.db, 'wl')).toEqual({ booked: 2, waiting: 2 });
    expect((await listSessions(t.db, { programmeId: 'i-can', now: clock })).map((s) => s.id)).not.toContain('wl');

    expect(await cancel(a!, 'wl')).toMatchObject({ type: 'cancelled', was: 'booked' });
    expect(await offerOf(c!)).toMatchObject({ status: 'open' });
    expect(await offerOf(d!)).toBeUndefined();
    // A newcomer cannot take the seat held for c.
    expect(await book(e!, 'wl')).toMatchObject({ type: 'waitlisted', position: 2 });

    sent.length = 0;
    await runner.runOnce();
    expect(sent.map((s) => s.to)).toEqual([c]);
    const buttons = sent[0]!.replies.flatMap((r) => (r.type === 'choices' ? r.choices.map((choice) => choice.value) : []));
    expect(buttons).toEqual(['cmd:accept_seat', 'cmd:decline_seat']);

    // c does not answer within the hour: the offer expires and d (next in line) is offered.
    clock = new Date(NOW.getTime() + 61 * 60_000);
    sent.length = 0;
    await runner.runOnce();
    expect(await offerOf(c!)).toMatchObject({ status: 'expired' });
    expect(await offerOf(d!)).toMatchObject({ status: 'open' });
    await runner.runOnce();
    expect(sent.map((s) => s.to)).toEqual([d]);

    const accepted = await t.db.transaction((tx) => acceptSeatOffer(tx, { conversationId: d! }, { ...env, now: clock }));
    expect(accepted).toMatchObject({ type: 'booked', sessionId: 'wl' });
    expect(await counts(t.db, 'wl')).toEqual({ booked: 2, cancelled: 1, expired: 1, waiting: 1 });
    const taken = await t.db.query<{ taken: number }>(`SELECT taken FROM course_sessions WHERE id = 'wl'`);
    expect(taken.rows[0]!.taken).toBe(2);
  });

  it('declining passes the seat on; a late accept is refused and passes it on too', async () => {
    clock = NOW;
    await seedSession(t.db, 'dec', 1);
    const [a, b, c] = await addConversations(t.db, 'dec', 3);
    for (const who of [a, b, c]) await book(who!, 'dec');
    await cancel(a!, 'dec');
    expect(await t.db.transaction((tx) => declineSeatOffer(tx, { conversationId: b! }, env))).toMatchObject({ type: 'declined' });
    expect(await offerOf(c!)).toMatchObject({ status: 'open' });
    const late = new Date(NOW.getTime() + 2 * 3600_000);
    expect(await t.db.transaction((tx) => acceptSeatOffer(tx, { conversationId: c! }, { ...env, now: late }))).toEqual({
      type: 'expired',
      sessionId: 'dec',
    });
    // Nobody left waiting: the seat is free again.
    const [s] = await listSessions(t.db, { programmeId: 'i-can', now: late, includeFull: true }).then((l) =>
      l.filter((x) => x.id === 'dec'),
    );
    expect(s?.seatsLeft).toBe(1);
    expect(await t.db.transaction((tx) => acceptSeatOffer(tx, { conversationId: c! }, env))).toEqual({ type: 'noOffer' });
  });

  it('change moves a booking only when the new session has a seat', async () => {
    clock = NOW;
    await seedSession(t.db, 'from', 2);
    await seedSession(t.db, 'to', 1, '2027-01-20');
    const [a, b] = await addConversations(t.db, 'chg', 2);
    await book(a!, 'from');
    await book(b!, 'from');
    const moved = await t.db.transaction((tx) =>
      changeBooking(tx, { conversationId: a!, fromSessionId: 'from', toSessionId: 'to' }, env),
    );
    expect(moved).toMatchObject({ type: 'changed', toSessionId: 'to' });
    const full = await t.db.transaction((tx) =>
      changeBooking(tx, { conversationId: b!, fromSessionId: 'from', toSessionId: 'to' }, env),
    );
    expect(full).toEqual({ type: 'full', toSessionId: 'to' });
    expect(await counts(t.db, 'from')).toEqual({ booked: 1, cancelled: 1 });
    expect(await counts(t.db, 'to')).toEqual({ booked: 1 });
  });

  it('says when a session does not exist or has started', async () => {
    const [a] = await addConversations(t.db, 'nf', 1);
    expect(await book(a!, 'nope')).toEqual({ type: 'notFound', sessionId: 'nope' });
    clock = new Date('2027-01-11T10:00:00Z');
    expect(await book(a!, 'wl')).toEqual({ type: 'started', sessionId: 'wl' });
    clock = NOW;
    expect(await cancel(a!, 'wl')).toEqual({ type: 'notFound', sessionId: 'wl' });
  });

  it('an Urdu resident is offered the seat in Urdu, right to left, with the same buttons', async () => {
    clock = NOW;
    await seedSession(t.db, 'wlur', 1);
    const [a, b] = await addConversations(t.db, 'wlur', 2);
    await setLocale(t.db, b!, 'ur');
    for (const who of [a, b]) await book(who!, 'wlur');
    await cancel(a!, 'wlur');
    sent.length = 0;
    while ((await runner.runOnce()) > 0);
    const offer = sent.filter((s) => s.to === b).flatMap((s) => s.replies);
    expect(offer.map((r) => r.type)).toEqual(['text', 'card', 'choices']);
    for (const r of offer) expect(r).toMatchObject({ locale: 'ur', dir: 'rtl' });
    expect(offer[0]).toMatchObject({ text: 'خوشخبری! جس کورس کا آپ انتظار کر رہے تھے، اس میں ایک سیٹ خالی ہو گئی ہے۔' });
    const ask = offer[2]!;
    // Answer within the hour: by 10:00 on Friday 1 January, London time, said in Urdu.
    expect(ask.type === 'choices' && ask.text).toBe('کیا آپ یہ سیٹ لینا چاہتے ہیں؟ براہ کرم جمعہ، 1 جنوری، 2027، 10:00 صبح تک جواب دیں۔');
    expect(ask.type === 'choices' && ask.choices).toEqual([
      { value: 'cmd:accept_seat', label: 'ہاں، میری سیٹ بک کریں' },
      { value: 'cmd:decline_seat', label: 'نہیں، شکریہ' },
    ]);
  });
});


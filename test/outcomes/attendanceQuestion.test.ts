/**
 * Issue 15, Deliver 6: an hour after a booked session ends, the resident is asked in their own
 * language whether they went, with two buttons; the answer (pressed or typed, in any of the
 * languages) is recorded once, and never over a coordinator's mark. Nobody is asked about a
 * booking they cancelled or moved, one a coordinator marked, or after they withdrew consent or
 * erased their data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookSession } from '../../src/domain/courses/bookSession.ts';
import { cancelBooking } from '../../src/domain/courses/cancelBooking.ts';
import { changeBooking } from '../../src/domain/courses/changeBooking.ts';
import { journeyEraser } from '../../src/domain/journey/eraseJourneyData.ts';
import { journeyJobHandlers } from '../../src/domain/journey/journeyJobHandlers.ts';
import { markAttendance } from '../../src/domain/outcomes/attendance.ts';
import { gatherSubjectAccess, subjectAccessHtml } from '../../src/domain/privacy/subjectAccess.ts';
import type { Notices } from '../../src/domain/shared/notices.ts';
import type { Reply } from '../../src/engine/reply.ts';
import { upsertSession } from '../../src/domain/courses/upsertSession.ts';
import { JobRunner } from '../../src/jobs/JobRunner.ts';
import { consentedSql } from '../../src/store/funnelEvents.ts';
import { addConversations, env, loadNotices, seedSession, setLocale } from '../domain/courses/fixtures.ts';
import { shippedEngine, type ShippedEngine } from '../helpers/shippedEngine.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';
import { attendanceEvents, bookedSession, consentingResidents, DURING, END, markOf } from './attendanceFixture.ts';

const HOUR = 3600_000;
const choicesOf = (replies: Reply[]) => replies.flatMap((r) => (r.type === 'choices' ? [r] : []));
const textOf = (replies: Reply[]) => replies.map((r) => ('text' in r ? r.text : '')).join('\n');

describe('the question after a session', () => {
  let t: TestDb;
  let notices: Notices;
  const sent: Array<{ to: string; replies: Reply[] }> = [];
  let clock = new Date(END.getTime() + HOUR - 60_000);
  let runner: JobRunner;

  beforeAll(async () => {
    t = await createTestDb();
    notices = await loadNotices();
    runner = new JobRunner({
      db: t.db,
      clock: () => clock,
      batchSize: 20,
      backoffBaseMs: 60_000,
      handlers: journeyJobHandlers({ send: async (to, replies) => void sent.push({ to, replies }), notices, courseOptions: env.options }),
    });
  });
  afterAll(() => t?.close());

  const drain = async () => {
    while ((await runner.runOnce()) > 0);
  };

  it('asks each resident an hour after the session ends, in their language, with the two buttons; nobody else', async () => {
    const [en, ur, cancelled, marked, erased, moved] = await consentingResidents(t.db, 'ask', 6);
    const [noConsent] = await addConversations(t.db, 'ask-noconsent', 1);
    await setLocale(t.db, ur!, 'ur');
    const [, , , markedBooking] = await bookedSession(t.db, 'ask', [en!, ur!, cancelled!, marked!, erased!, moved!, noConsent!]);
    await seedSession(t.db, 'ask-next', 5, '2027-01-18');
    await t.db.transaction(async (tx) => {
      await cancelBooking(tx, { conversationId: cancelled!, sessionId: 'ask' }, env);
      await changeBooking(tx, { conversationId: moved!, fromSessionId: 'ask', toSessionId: 'ask-next' }, env);
      await journeyEraser(env.options, () => env.now)(tx, erased!);
    });
    await t.db.transaction((tx) => markAttendance(tx, { bookingId: markedBooking!, attended: true }, { source: 'coordinator', markedBy: 'cli' }, DURING));

    // Five to four: the session ended at three, nobody is asked yet.
    clock = new Date(END.getTime() + HOUR - 5 * 60_000);
    await drain();
    expect(sent.filter((s) => choicesOf(s.replies).length)).toEqual([]);

    clock = new Date(END.getTime() + HOUR + 60_000);
    await drain();
    const asked = sent.filter((s) => choicesOf(s.replies).some((c) => c.choices.some((x) => x.value === 'cmd:attended')));
    expect(asked.map((s) => s.to).sort()).toEqual([en, ur].sort());

    const [enAsk] = choicesOf(asked.find((s) => s.to === en)!.replies);
    expect(enAsk).toMatchObject({ locale: 'en', dir: 'ltr', text: 'Did you go to your course session?\nTest course: Monday 11 January 2027, 9:30am to 3pm, at Hall' });
    expect(enAsk!.choices).toEqual([
      { value: 'cmd:attended', label: 'Yes, I went' },
      { value: 'cmd:not_attended', label: 'No, I could not go' },
    ]);
    const [urAsk] = choicesOf(asked.find((s) => s.to === ur)!.replies);
    expect(urAsk).toMatchObject({ locale: 'ur', dir: 'rtl' });
    expect(urAsk!.text.startsWith('کیا آپ اپنے کورس کے سیشن میں گئے تھے؟\n')).toBe(true);
    expect(urAsk!.text).toContain('11 جنوری');
    expect(urAsk!.choices).toEqual([
      { value: 'cmd:attended', label: 'ہاں، میں گیا تھا / گئی تھی' },
      { value: 'cmd:not_attended', label: 'نہیں، میں نہیں جا سکا / سکی' },
    ]);

    // The moved booking is asked about after its new session (18 January), not this one.
    const jobs = await t.db.query<{ status: string; run_at: Date }>(
      `SELECT j.status, j.run_at FROM jobs j JOIN bookings b ON j.key = 'attendance-question:' || b.id WHERE b.conversation_id = $1 ORDER BY b.id`,
      [moved],
    );
    expect(jobs.rows).toEqual([
      { status: 'cancelled', run_at: new Date(END.getTime() + HOUR) },
      { status: 'pending', run_at: new Date('2027-01-18T16:00:00Z') },
    ]);
  });

  it('a resident who has withdrawn consent since booking is not asked', async () => {
    const [r, stays] = await consentingResidents(t.db, 'later', 2);
    await bookedSession(t.db, 'later', [r!, stays!], '2027-01-12');
    await t.db.query(`UPDATE conversations SET consent = false WHERE id = $1`, [r]);
    sent.length = 0;
    clock = new Date('2027-01-12T16:01:00Z');
    await drain();
    expect(sent.map((s) => s.to)).toEqual([stays]);
  });
});

describe('when the question is asked', () => {
  let t: TestDb;
  let notices: Notices;
  beforeAll(async () => {
    t = await createTestDb();
    notices = await loadNotices();
  });
  afterAll(() => t?.close());

  const questionJobs = async (bookingId: number) =>
    (await t.db.query<{ status: string; run_at: Date }>(`SELECT status, run_at FROM jobs WHERE key = $1 ORDER BY id`, [`attendance-question:${bookingId}`])).rows;

  it('records when each question was sent, so an answer goes to the latest question asked', async () => {
    const [r] = await consentingResidents(t.db, 'sent', 1);
    const [b] = await bookedSession(t.db, 'sent', [r!]);
    const clock = new Date(END.getTime() + HOUR + 60_000);
    const runner = new JobRunner({
      db: t.db,
      clock: () => clock,
      handlers: journeyJobHandlers({ send: async () => undefined, notices, courseOptions: env.options }),
    });
    while ((await runner.runOnce()) > 0);
    const { rows } = await t.db.query(`SELECT booking_id::int AS booking, asked_at FROM attendance_questions`);
    expect(rows).toEqual([{ booking: b, asked_at: clock }]);
  });

  it('moves the question when only the session\'s end time changes', async () => {
    const [r] = await consentingResidents(t.db, 'ends', 1);
    const [b] = await bookedSession(t.db, 'ends', [r!]);
    expect(await questionJobs(b!)).toEqual([{ status: 'pending', run_at: new Date(END.getTime() + HOUR) }]);
    const venue = { name: 'Hall', address: '1 Road, Birmingham B1 1AA', accessible: true };
    const session = { id: 'ends', venue, startDate: '2027-01-11', startTime: '09:30', capacity: 1 };
    // The session now runs to five: asked at six.
    expect(await t.db.transaction((tx) => upsertSession(tx, 'course-ends', { ...session, endTime: '17:00' }, 'studio', env))).toBe(true);
    expect(await questionJobs(b!)).toEqual([
      { status: 'cancelled', run_at: new Date(END.getTime() + HOUR) },
      { status: 'pending', run_at: new Date('2027-01-11T18:00:00Z') },
    ]);
    // The same times again move nothing.
    await t.db.transaction((tx) => upsertSession(tx, 'course-ends', { ...session, endTime: '17:00' }, 'studio', env));
    expect((await questionJobs(b!)).filter((j) => j.status === 'pending')).toEqual([{ status: 'pending', run_at: new Date('2027-01-11T18:00:00Z') }]);
    expect(await questionJobs(b!)).toHaveLength(2);
  });
});

describe('the resident answers, pressed or typed', () => {
  let t: TestDb;
  let se: ShippedEngine;
  // A session that ended yesterday by the real clock: the engine's turns run at the real time.
  const start = new Date(Date.now() - 30 * HOUR);
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(start);
  const booking = { now: new Date(Date.now() - 10 * 24 * HOUR), options: env.options };

  beforeAll(async () => {
    t = await createTestDb();
    se = await shippedEngine(t.db);
    await seedSession(t.db, 'yday', 10, day);
  });
  afterAll(() => t?.close());

  /** A resident who said hello, chose a language and agreed we keep their answers, then booked the session. */
  async function bookedResident(id: string, language: 'en' | 'pl'): Promise<number> {
    await se.send(id, 'hi');
    if (language === 'en') await se.send(id, undefined, 'en');
    else await se.send(id, 'po polsku');
    await se.send(id, undefined, 'yes');
    // The reach row the consent step keeps (idempotent), so the answer counts in the figures.
    await t.db.multi(consentedSql(id, language, booking.now));
    const b = await t.db.transaction((tx) => bookSession(tx, { conversationId: id, sessionId: 'yday' }, booking));
    if (b.type !== 'booked') throw new Error(`not booked: ${b.type}`);
    return b.bookingId;
  }

  it('English: "I went" typed is recorded once; pressing "No" afterwards changes nothing', async () => {
    const b = await bookedResident('ans-en', 'en');
    const replies = await se.send('ans-en', 'I went!');
    expect(textOf(replies)).toContain('Thank you for telling us. We hope it went well.');
    expect(await markOf(t.db, b)).toEqual({ attended: true, source: 'resident', marked_by: 'resident' });
    const again = await se.send('ans-en', undefined, 'cmd:not_attended');
    expect(textOf(again)).toContain('Thank you. We have already noted whether you went to your last session.');
    expect(await markOf(t.db, b)).toEqual({ attended: true, source: 'resident', marked_by: 'resident' });
    expect((await attendanceEvents(t.db, 'yday')).map((e) => e.stage)).toEqual(['attended']);
    // Their copy of their data ("send me my data") says so too.
    const copy = subjectAccessHtml((await gatherSubjectAccess(t.db, 'ans-en', new Date()))!);
    expect(copy).toContain('did you go');
    expect(copy).toContain('yes (you told us)');
  });

  it('English: the "No, I could not go" button is told how to book another date', async () => {
    const b = await bookedResident('ans-en-button', 'en');
    const replies = await se.send('ans-en-button', undefined, 'cmd:not_attended');
    expect(textOf(replies)).toContain('To book another date, type "start again". To talk to a person, type "talk to a person".');
    expect(await markOf(t.db, b)).toMatchObject({ attended: false, source: 'resident' });
  });

  it('Polish: "nie udało się" typed is recorded, the reply is in Polish, and the button later changes nothing', async () => {
    const b = await bookedResident('ans-pl', 'pl');
    const replies = await se.send('ans-pl', 'Nie udało się');
    expect(textOf(replies)).toContain('Dziękujemy za informację. Aby zarezerwować inny termin, napisz „zacznij od nowa”.');
    expect(await markOf(t.db, b)).toEqual({ attended: false, source: 'resident', marked_by: 'resident' });
    const again = await se.send('ans-pl', undefined, 'cmd:attended');
    expect(textOf(again)).toContain('Dziękujemy. Już wiemy, czy udało Ci się przyjść na ostatnie zajęcia.');
    expect(await markOf(t.db, b)).toMatchObject({ attended: false });
  });

  it("a coordinator's mark stands when the resident answers afterwards", async () => {
    const b = await bookedResident('ans-marked', 'en');
    await t.db.transaction((tx) => markAttendance(tx, { bookingId: b, attended: false }, { source: 'coordinator', markedBy: 'staff:1' }, new Date()));
    const replies = await se.send('ans-marked', 'I went');
    expect(textOf(replies)).toContain('We have already noted whether you went');
    expect(await markOf(t.db, b)).toEqual({ attended: false, source: 'coordinator', marked_by: 'staff:1' });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookSession } from '../../../src/domain/courses/bookSession.ts';
import { cancelBooking } from '../../../src/domain/courses/cancelBooking.ts';
import { courseJobHandlers } from '../../../src/domain/courses/courseJobHandlers.ts';
import type { Send } from '../../../src/domain/shared/send.ts';
import { JobRunner } from '../../../src/jobs/JobRunner.ts';
import type { Db } from '../../../src/store/db.ts';
import { createTestDb, TEST_DATABASE_URL, type TestDb } from '../../helpers/testDb.ts';
import type { Notices } from '../../../src/domain/shared/notices.ts';
import type { Reply } from '../../../src/engine/reply.ts';
import { addConversations, env, loadNotices, NOW, seedSession, setLocale } from './fixtures.ts';

// The seeded sessions start 2027-01-11 09:30 London time (= 09:30 UTC in January).
const START = new Date('2027-01-11T09:30:00Z');
const AFTER_2D = new Date(START.getTime() - 2 * 24 * 3600_000 + 60_000);
const AFTER_2H = new Date(START.getTime() - 2 * 3600_000 + 60_000);

let notices: Notices;
const runner = (db: Db, send: Send, clock: () => Date) =>
  new JobRunner({ db, clock, batchSize: 5, backoffBaseMs: 60_000, handlers: courseJobHandlers({ send, notices, options: env.options }) });

const drain = async (w: JobRunner) => {
  while ((await w.runOnce()) > 0);
};

describe('course reminders', () => {
  let t: TestDb;
  let other: Db;
  beforeAll(async () => {
    t = await createTestDb();
    notices = await loadNotices();
    other = TEST_DATABASE_URL ? await t.another() : t.db;
  });
  afterAll(() => t?.close());

  it('two workers deliver each due reminder exactly once', async () => {
    await seedSession(t.db, 'rem', 20);
    const people = await addConversations(t.db, 'rem', 20);
    for (const p of people) await t.db.transaction((tx) => bookSession(tx, { conversationId: p, sessionId: 'rem' }, env));
    const sent: string[] = [];
    const byWorker = [0, 0];
    const send =
      (worker: number): Send =>
      async (to) => {
        // Yield so the two workers really interleave.
        await new Promise((r) => setTimeout(r, 1));
        sent.push(to);
        byWorker[worker]!++;
      };
    let clock = NOW;
    const w1 = runner(t.db, send(0), () => clock);
    const w2 = runner(other, send(1), () => clock);
    expect(await w1.runOnce()).toBe(0);

    clock = AFTER_2D;
    await Promise.all([drain(w1), drain(w2)]);
    console.error(`[reminders] driver=${t.db.driver} workers=2 two-day reminders sent=${sent.length} (worker 1: ${byWorker[0]}, worker 2: ${byWorker[1]})`);
    expect(sent.length).toBe(20);
    expect(new Set(sent).size).toBe(20);

    clock = AFTER_2H;
    sent.length = 0;
    await Promise.all([drain(w1), drain(w2)]);
    expect([...sent].sort()).toEqual([...people].sort());
  });

  it('a cancelled booking gets no reminders', async () => {
    await seedSession(t.db, 'remc', 5);
    const [a, b] = await addConversations(t.db, 'remc', 2);
    for (const p of [a!, b!]) await t.db.transaction((tx) => bookSession(tx, { conversationId: p, sessionId: 'remc' }, env));
    await t.db.transaction((tx) => cancelBooking(tx, { conversationId: a!, sessionId: 'remc' }, env));
    const sent: string[] = [];
    const w = runner(t.db, async (to) => void sent.push(to), () => AFTER_2H);
    while ((await w.runOnce()) > 0);
    expect(sent.filter((s) => s.startsWith('remc'))).toEqual([b, b]);
    const jobs = await t.db.query<{ kind: string; status: string; n: number }>(
      `SELECT kind, status, count(*)::int AS n FROM jobs WHERE payload->>'bookingId' IN
         (SELECT id::text FROM bookings WHERE conversation_id = $1) GROUP BY kind, status ORDER BY kind`,
      [a],
    );
    // The two reminders and the question after the session go with the booking.
    expect(jobs.rows).toEqual([
      { kind: 'attendanceQuestion', status: 'cancelled', n: 1 },
      { kind: 'courseReminder', status: 'cancelled', n: 2 },
    ]);
  });

  it('a failing send is retried with backoff, then delivered', async () => {
    await seedSession(t.db, 'remf', 5);
    const [a] = await addConversations(t.db, 'remf', 1);
    await t.db.transaction((tx) => bookSession(tx, { conversationId: a!, sessionId: 'remf' }, env));
    let fail = 2;
    const sent: string[] = [];
    let clock = AFTER_2D;
    const w = runner(t.db, async (to) => {
      if (to !== a) return;
      if (fail-- > 0) throw new Error('channel down');
      sent.push(to);
    }, () => clock);
    const job = async () =>
      (
        await t.db.query<{ status: string; attempts: number; run_at: Date; last_error: string | null }>(
          `SELECT status, attempts, run_at, last_error FROM jobs WHERE key LIKE 'course-reminder:%:172800000'
           AND (payload->>'bookingId')::bigint = (SELECT id FROM bookings WHERE conversation_id = $1)`,
          [a],
        )
      ).rows[0];
    while ((await w.runOnce()) > 0);
    expect(await job()).toMatchObject({ status: 'pending', attempts: 1, run_at: new Date(AFTER_2D.getTime() + 60_000), last_error: 'channel down' });
    expect(await w.runOnce()).toBe(0);
    clock = new Date(AFTER_2D.getTime() + 60_000);
    await w.runOnce();
    expect(await job()).toMatchObject({ status: 'pending', attempts: 2, run_at: new Date(clock.getTime() + 120_000) });
    clock = new Date(clock.getTime() + 120_000);
    await w.runOnce();
    expect(sent).toEqual([a]);
    expect(await job()).toMatchObject({ status: 'done', attempts: 3 });
  });

  it('each resident gets the reminder in their own language: Urdu right to left, English left to right', async () => {
    await seedSession(t.db, 'reml', 5);
    const [en, ur] = await addConversations(t.db, 'reml', 2);
    await setLocale(t.db, ur!, 'ur');
    for (const p of [en!, ur!]) await t.db.transaction((tx) => bookSession(tx, { conversationId: p, sessionId: 'reml' }, env));
    const sent = new Map<string, Reply[][]>();
    const w = runner(t.db, async (to, replies) => void sent.set(to, [...(sent.get(to) ?? []), replies]), () => AFTER_2D);
    while ((await w.runOnce()) > 0);

    const [urTwoDays] = sent.get(ur!) ?? [];
    expect(urTwoDays?.map((r) => r.type)).toEqual(['text', 'card', 'text']);
    for (const r of urTwoDays!) expect(r).toMatchObject({ locale: 'ur', dir: 'rtl' });
    const [lead, card, ask] = urTwoDays!;
    // "A reminder: your course starts in 2 days. It is on Monday 11 January 2027, 9:30am to 3pm." in Urdu, date included.
    expect(lead).toMatchObject({ type: 'text', text: 'یاد دہانی: آپ کا کورس 2 دن میں شروع ہو رہا ہے۔ یہ پیر، 11 جنوری، 2027، 9:30 صبح\u2009–\u20093:00 دوپہر ہے۔' });
    expect(ask).toMatchObject({ type: 'text', text: expect.stringContaining('براہ کرم مجھے بتا دیں') });
    expect(card?.type === 'card' && card.card.facts.map((f) => f.label)).toEqual(['کب', 'کہاں', 'سیڑھیوں کے بغیر رسائی', 'دورانیہ', 'باقی سیٹیں']);
    expect(card?.type === 'card' && card.card.facts.find((f) => f.label === 'دورانیہ')?.value).toBe('5 ہفتے');
    const urText = urTwoDays!.flatMap((r) => (r.type === 'text' ? [r.text] : []));
    for (const x of urText) expect(x).not.toMatch(/reminder|course|Monday|January/i);

    const [enTwoDays] = sent.get(en!) ?? [];
    for (const r of enTwoDays!) expect(r).toMatchObject({ locale: 'en', dir: 'ltr' });
    expect(enTwoDays![0]).toMatchObject({ text: 'A reminder: your course starts in 2 days. It is on Monday 11 January 2027, 9:30am to 3pm.' });
  });
});

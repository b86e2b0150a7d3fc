import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookSession } from '../../../src/domain/courses/bookSession.ts';
import { cancelSession } from '../../../src/domain/courses/cancelSession.ts';
import { courseJobHandlers } from '../../../src/domain/courses/courseJobHandlers.ts';
import { JobRunner } from '../../../src/jobs/JobRunner.ts';
import type { Reply } from '../../../src/engine/reply.ts';
import { courseSessionsRepo } from '../../../src/store/courses/courseSessionsRepo.ts';
import { lockSessionState } from '../../../src/store/courses/sessionOverview.ts';
import { addConversations, loadNotices, seedSession, setLocale } from '../../domain/courses/fixtures.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { courseOptions } from './studioDataFixture.ts';

const NOW = new Date('2027-01-01T09:00:00Z');
const env = { now: NOW, options: courseOptions };

describe('cancelSession when a resident cannot be reached', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('cancels every booking, tells whoever can be reached, and counts who could not be told', async () => {
    await seedSession(t.db, 'unreachable-1', 5);
    const [reached, gone] = await addConversations(t.db, 'reach', 2) as [string, string];
    await setLocale(t.db, reached, 'ur');
    for (const who of [reached, gone]) await t.db.transaction((tx) => bookSession(tx, { conversationId: who, sessionId: 'unreachable-1' }, env));
    const delivered: Array<[string, Reply[]]> = [];
    const send = async (id: string, replies: Reply[]) => {
      if (id === gone) throw new Error('delivery failed');
      delivered.push([id, replies]);
    };
    const out = await cancelSession(t.db, { send, notices: await loadNotices(), logger: pino({ level: 'silent' }) }, 'unreachable-1', env);
    expect(out).toEqual({ type: 'cancelled', residents: 2, told: 1, booked: 2, waiting: 0 });
    expect(delivered.map(([id]) => id)).toEqual([reached]);
    const [first, buttons] = delivered[0]![1];
    expect(first).toMatchObject({ type: 'text', locale: 'ur', dir: 'rtl' });
    expect(first?.type === 'text' ? first.text : '').toMatch(/^معذرت، ہمیں .+ منسوخ کرنا پڑا۔/);
    expect(buttons?.type === 'choices' ? buttons.choices.map((c) => c.value) : []).toEqual(['cmd:restart', 'cmd:person']);
    const { rows } = await t.db.query(`SELECT status FROM bookings WHERE session_id = 'unreachable-1'`);
    expect(rows).toEqual([{ status: 'cancelled' }, { status: 'cancelled' }]);
    // Nobody is told twice: a second cancel finds it done.
    expect(await cancelSession(t.db, { send, notices: await loadNotices() }, 'unreachable-1', env)).toEqual({ type: 'alreadyCancelled' });
    expect(delivered).toHaveLength(1);

    // A minute later the job queue tries the one who was not told; the one told is not told again.
    const later: Array<[string, Reply[]]> = [];
    const notices = await loadNotices();
    const runner = (at: number) =>
      new JobRunner({ db: t.db, handlers: courseJobHandlers({ send: async (id, replies) => void later.push([id, replies]), notices }), clock: () => new Date(NOW.getTime() + at) });
    expect(await runner(30_000).runOnce()).toBe(0);
    expect(await runner(61_000).runOnce()).toBe(1);
    expect(later.map(([id]) => id)).toEqual([gone]);
    expect(later[0]![1][0]).toMatchObject({ type: 'text', locale: 'en' });
    expect(await runner(3600_000).runOnce()).toBe(0);
  });

  it('residents are told even if the process dies right after the cancellation commits', async () => {
    await seedSession(t.db, 'dying-1', 5);
    const residents = (await addConversations(t.db, 'dying', 3)) as [string, string, string];
    for (const who of residents) await t.db.transaction((tx) => bookSession(tx, { conversationId: who, sessionId: 'dying-1' }, env));
    // The process "dies" before the first notice is sent: the send never completes.
    const dies = async () => {
      throw new Error('process gone');
    };
    const out = await cancelSession(t.db, { send: dies, notices: await loadNotices() }, 'dying-1', env);
    expect(out).toMatchObject({ type: 'cancelled', residents: 3, told: 0 });

    // Another process's job runner, a minute later, tells each of them once.
    const told: string[] = [];
    const runner = new JobRunner({
      db: t.db,
      handlers: courseJobHandlers({ send: async (id) => void told.push(id), notices: await loadNotices() }),
      clock: () => new Date(NOW.getTime() + 61_000),
    });
    await runner.runOnce();
    await runner.runOnce();
    expect(told.sort()).toEqual([...residents].sort());
  });

  it('a resident booking while the session is being cancelled gets no seat and no place on a waiting list', async () => {
    await seedSession(t.db, 'racing-1', 5);
    const [booker] = await addConversations(t.db, 'race', 1) as [string];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const holding = new Promise<void>((r) => (locked = r));
    // The cancellation's transaction, held open after it marked the session, as cancelSession's is
    // while it cancels every booking.
    const cancelling = t.db.transaction(async (tx) => {
      await lockSessionState(tx, 'racing-1');
      await courseSessionsRepo.markCancelled(tx, 'racing-1', NOW);
      locked();
      await gate;
    });
    await holding;
    const other = await t.another();
    // Reads the session as not cancelled (not committed yet), then waits for the row lock.
    const booking = other.transaction((tx) => bookSession(tx, { conversationId: booker, sessionId: 'racing-1' }, env));
    // Released only once the booking waits on the session's row lock (a fixed sleep raced under load).
    const waiting = async () =>
      (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE '%course_sessions%' AND datname = current_database()`)).rows[0]!.n > 0;
    await expect.poll(waiting, { timeout: 10_000, interval: 20 }).toBe(true);
    release();
    await cancelling;
    expect(await booking).toEqual({ type: 'notFound', sessionId: 'racing-1' });
    const { rows } = await t.db.query(`SELECT status FROM bookings WHERE session_id = 'racing-1'`);
    expect(rows).toEqual([{ status: 'cancelled' }]);
    expect((await t.db.query(`SELECT taken FROM course_sessions WHERE id = 'racing-1'`)).rows).toEqual([{ taken: 0 }]);
  });
});

import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookSession } from '../../../src/domain/courses/bookSession.ts';
import { cancelSession } from '../../../src/domain/courses/cancelSession.ts';
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
    await new Promise((r) => setTimeout(r, 200));
    release();
    await cancelling;
    expect(await booking).toEqual({ type: 'notFound', sessionId: 'racing-1' });
    const { rows } = await t.db.query(`SELECT status FROM bookings WHERE session_id = 'racing-1'`);
    expect(rows).toEqual([{ status: 'cancelled' }]);
    expect((await t.db.query(`SELECT taken FROM course_sessions WHERE id = 'racing-1'`)).rows).toEqual([{ taken: 0 }]);
  });
});

import { bookSession } from '../../src/domain/courses/bookSession.ts';
import type { Db } from '../../src/store/db.ts';
import { consentedSql } from '../../src/store/funnelEvents.ts';
import { addConversations, env, NOW, seedSession } from '../domain/courses/fixtures.ts';

/** The seeded sessions (test/domain/courses/fixtures.ts) run 2027-01-11, 09:30 to 15:00 London (= UTC in January). */
export const START = new Date('2027-01-11T09:30:00Z');
export const END = new Date('2027-01-11T15:00:00Z');
/** During the session: it has started, so attendance may be marked. */
export const DURING = new Date('2027-01-11T10:00:00Z');

/** Residents who agreed we keep their answers (as the consent step does), so their stages count. */
export async function consentingResidents(db: Db, prefix: string, n: number): Promise<string[]> {
  const ids = await addConversations(db, prefix, n);
  for (const id of ids) {
    await db.query(`UPDATE conversations SET consent = true WHERE id = $1`, [id]);
    await db.multi(consentedSql(id, 'en', NOW));
  }
  return ids;
}

/** A session with these residents booked (before it starts); their booking ids, in the same order. */
export async function bookedSession(db: Db, sessionId: string, residents: string[], startDate = '2027-01-11', bookedAt = env.now): Promise<number[]> {
  await seedSession(db, sessionId, Math.max(residents.length, 1), startDate);
  const ids: number[] = [];
  for (const r of residents) {
    const b = await db.transaction((tx) => bookSession(tx, { conversationId: r, sessionId }, { ...env, now: bookedAt }));
    if (b.type !== 'booked') throw new Error(`${r} was not booked on ${sessionId}: ${b.type}`);
    ids.push(b.bookingId);
  }
  return ids;
}

/** Attendance events of a session, oldest first: what the figures will count. */
export async function attendanceEvents(db: Db, sessionId: string): Promise<Array<{ stage: string; programme_id: string | null }>> {
  const { rows } = await db.query<{ stage: string; programme_id: string | null }>(
    `SELECT stage, programme_id FROM funnel_events WHERE session_id = $1 AND stage IN ('attended', 'did_not_attend') ORDER BY at, id`,
    [sessionId],
  );
  return rows;
}

export async function markOf(db: Db, bookingId: number): Promise<{ attended: boolean; source: string; marked_by: string } | undefined> {
  const { rows } = await db.query<{ attended: boolean; source: string; marked_by: string }>(
    `SELECT attended, source, marked_by FROM session_attendance WHERE booking_id = $1`,
    [bookingId],
  );
  return rows[0];
}

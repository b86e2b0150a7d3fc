import type { Queryable } from '../../store/db.ts';
import type { SessionInput } from './courseFileSchema.ts';
import type { BookingEnv } from './courseOptions.ts';
import { COURSE_TIME_ZONE } from './formatWhen.ts';
import { cancelReminders, scheduleReminders } from './reminders.ts';

/**
 * Inserts or updates one session (dates and times are local to Birmingham; Postgres
 * converts them with the time zone rules). A capacity below the seats already held is
 * refused rather than silently overbooking: returns false. When the start time moves,
 * the reminders of everyone booked are moved with it.
 */
export async function upsertSession(tx: Queryable, courseId: string, s: SessionInput, env: BookingEnv): Promise<boolean> {
  const before = await tx.query<{ starts_at: Date }>(`SELECT starts_at FROM course_sessions WHERE id = $1`, [s.id]);
  const { rows, rowCount } = await tx.query<{ starts_at: Date }>(
    `INSERT INTO course_sessions AS cs
       (id, course_id, venue_name, venue_address, venue_accessible, starts_at, ends_at, capacity)
     VALUES ($1, $2, $3, $4, $5,
       ($6 || ' ' || $7)::timestamp AT TIME ZONE '${COURSE_TIME_ZONE}',
       ($6 || ' ' || $8)::timestamp AT TIME ZONE '${COURSE_TIME_ZONE}',
       $9)
     ON CONFLICT (id) DO UPDATE SET
       course_id = EXCLUDED.course_id, venue_name = EXCLUDED.venue_name, venue_address = EXCLUDED.venue_address,
       venue_accessible = EXCLUDED.venue_accessible, starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at,
       capacity = EXCLUDED.capacity, updated_at = now()
     WHERE cs.taken <= EXCLUDED.capacity
     RETURNING starts_at`,
    [s.id, courseId, s.venue.name, s.venue.address, s.venue.accessible, s.startDate, s.startTime, s.endTime, s.capacity],
  );
  if (rowCount === 0) return false;
  const oldStart = before.rows[0]?.starts_at;
  const newStart = rows[0]!.starts_at;
  if (oldStart && oldStart.getTime() !== newStart.getTime()) {
    const booked = await tx.query<{ id: number }>(`SELECT id FROM bookings WHERE session_id = $1 AND status = 'booked'`, [s.id]);
    for (const b of booked.rows) {
      await cancelReminders(tx, b.id, env);
      await scheduleReminders(tx, b.id, newStart, env);
    }
  }
  return true;
}

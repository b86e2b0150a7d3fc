import type { Queryable } from '../../store/db.ts';
import type { SessionInput } from './courseFileSchema.ts';

/** The local time zone of every course date and time in the data files. */
export const COURSE_TIME_ZONE = 'Europe/London';

/**
 * Inserts or updates one session (dates and times are local to Birmingham; Postgres
 * converts them with the time zone rules). A capacity below the seats already held is
 * refused rather than silently overbooking: returns false.
 */
export async function upsertSession(tx: Queryable, courseId: string, s: SessionInput): Promise<boolean> {
  const { rowCount } = await tx.query(
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
     WHERE cs.taken <= EXCLUDED.capacity`,
    [s.id, courseId, s.venue.name, s.venue.address, s.venue.accessible, s.startDate, s.startTime, s.endTime, s.capacity],
  );
  return rowCount > 0;
}

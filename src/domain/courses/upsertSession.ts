import { attendanceRepo } from '../../store/attendance.ts';
import { bookingsRepo } from '../../store/courses/bookingsRepo.ts';
import { courseSessionsRepo, type SessionSource, type SessionValues } from '../../store/courses/courseSessionsRepo.ts';
import type { Queryable } from '../../store/db.ts';
import { englishOf, type SessionInput } from './courseFileSchema.ts';
import type { BookingEnv } from './courseOptions.ts';
import { COURSE_TIME_ZONE } from './formatWhen.ts';
import { cancelAttendanceQuestion, scheduleAttendanceQuestion } from '../outcomes/attendanceQuestion.ts';
import { cancelReminders, scheduleReminders } from './reminders.ts';

/** A session from a file or an import, as the store keeps it. */
export function sessionValues(courseId: string, s: SessionInput): SessionValues {
  return {
    id: s.id,
    courseId,
    venueName: englishOf(s.venue.name),
    venueAddress: s.venue.address,
    venueAccessible: s.venue.accessible,
    startDate: s.startDate,
    startTime: s.startTime,
    endTime: s.endTime,
    capacity: s.capacity,
  };
}

/**
 * Inserts or updates one session (dates and times are local to Birmingham; Postgres
 * converts them with the time zone rules), recording who wrote it (`source`). A capacity
 * below the seats already held is refused rather than silently overbooking: returns
 * false. When the start time moves, the reminders of everyone booked are moved with it; when only
 * the end moves, the question after the session ("did you go?", asked an hour after the end) is.
 */
export async function upsertSession(
  tx: Queryable,
  courseId: string,
  s: SessionInput,
  source: SessionSource,
  env: BookingEnv,
): Promise<boolean> {
  const oldStart = await courseSessionsRepo.startsAt(tx, s.id);
  const oldEnd = await attendanceRepo.sessionEnd(tx, s.id);
  const newStart = await courseSessionsRepo.upsert(tx, sessionValues(courseId, s), source, COURSE_TIME_ZONE);
  if (!newStart) return false;
  if (oldStart && oldStart.getTime() !== newStart.getTime()) {
    // The reminders and the question after the session, all moved together.
    for (const bookingId of await bookingsRepo.bookedIds(tx, s.id)) {
      await cancelReminders(tx, bookingId, env);
      await scheduleReminders(tx, bookingId, newStart, env);
    }
  } else if (oldEnd && oldEnd.getTime() !== (await attendanceRepo.sessionEnd(tx, s.id))?.getTime()) {
    for (const bookingId of await bookingsRepo.bookedIds(tx, s.id)) {
      await cancelAttendanceQuestion(tx, bookingId);
      await scheduleAttendanceQuestion(tx, bookingId, env.now);
    }
  }
  return true;
}

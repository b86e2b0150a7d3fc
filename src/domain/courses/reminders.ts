import { cancelJob, enqueueJob } from '../../jobs/jobQueue.ts';
import type { Queryable } from '../../store/db.ts';
import { cancelAttendanceQuestion, scheduleAttendanceQuestion } from '../outcomes/attendanceQuestion.ts';
import type { BookingEnv } from './courseOptions.ts';
import { COURSE_JOBS, reminderKey } from './jobKinds.ts';

/**
 * Queues the reminders (by default two days and two hours before the start) in the
 * booking's own transaction; reminders whose time has already passed are skipped. The
 * question after the session ("did you go?", outcomes/attendanceQuestion.ts) is queued with
 * them and cancelled with them, so every way a seat is taken, given up or moved keeps it right.
 */
export async function scheduleReminders(tx: Queryable, bookingId: number, startsAt: Date, env: BookingEnv): Promise<number> {
  let n = 0;
  for (const offsetMs of env.options.reminderOffsetsMs) {
    const runAt = new Date(startsAt.getTime() - offsetMs);
    if (runAt <= env.now) continue;
    const id = await enqueueJob(tx, {
      kind: COURSE_JOBS.reminder,
      key: reminderKey(bookingId, offsetMs),
      payload: { bookingId, offsetMs },
      runAt,
    });
    if (id !== null) n++;
  }
  await scheduleAttendanceQuestion(tx, bookingId, env.now);
  return n;
}

export async function cancelReminders(tx: Queryable, bookingId: number, env: BookingEnv): Promise<void> {
  for (const offsetMs of env.options.reminderOffsetsMs) await cancelJob(tx, reminderKey(bookingId, offsetMs));
  await cancelAttendanceQuestion(tx, bookingId);
}

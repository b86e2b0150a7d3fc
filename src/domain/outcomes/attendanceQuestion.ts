import { z } from 'zod';
import type { Reply } from '../../engine/reply.ts';
import type { JobHandler } from '../../jobs/JobRunner.ts';
import { cancelJob, enqueueJob } from '../../jobs/jobQueue.ts';
import { attendanceRepo } from '../../store/attendance.ts';
import type { Queryable } from '../../store/db.ts';
import { getSession } from '../courses/listSessions.ts';
import { sessionLine } from '../courses/sessionLabel.ts';
import type { SessionSummary } from '../courses/sessionSummary.ts';
import { noticeWriter, type Notices, type NoticeWriter } from '../shared/notices.ts';
import type { Send } from '../shared/send.ts';

/**
 * "Did you go?" (issue 15, Deliver 6): an hour after a booked session ends, the resident is asked
 * in their language, with two buttons that are global commands (flows/commands.yaml: attended,
 * not_attended), so the answer works whatever step their flow waits in, typed or pressed. The
 * answer is recorded by `answerAttendance` unless a coordinator has marked the booking. A global
 * command carries no parameter (a button's value is exactly `cmd:<id>`), so the buttons cannot name
 * the booking: the time each question is sent is recorded (`attendance_questions`) and the answer
 * goes to the question sent most recently that is still unanswered.
 *
 * The job is queued with the booking's reminders and cancelled with them (courses/reminders.ts):
 * a cancelled or moved booking is not asked about. At send time the job checks again that the
 * booking still holds its seat, is not marked, and the resident has not withdrawn consent or erased
 * their data.
 */

export const ATTENDANCE_JOB = 'attendanceQuestion';
export const attendanceQuestionKey = (bookingId: number) => `attendance-question:${bookingId}`;

/** How long after the session ends the resident is asked: time to get home, not so long they forget. */
export const ASK_AFTER_END_MS = 3600_000;

const payloadSchema = z.object({ bookingId: z.number().int() });

/** Queues the question for a booking that holds a seat (in the booking's transaction). */
export async function scheduleAttendanceQuestion(tx: Queryable, bookingId: number, now: Date): Promise<boolean> {
  const b = await attendanceRepo.findBooking(tx, bookingId);
  if (!b) return false;
  const runAt = new Date(b.endsAt.getTime() + ASK_AFTER_END_MS);
  if (runAt <= now) return false;
  return (await enqueueJob(tx, { kind: ATTENDANCE_JOB, key: attendanceQuestionKey(bookingId), payload: { bookingId }, runAt })) !== null;
}

export async function cancelAttendanceQuestion(tx: Queryable, bookingId: number): Promise<void> {
  await cancelJob(tx, attendanceQuestionKey(bookingId));
}

/** The question, in the resident's language: which session, and two buttons. */
export function attendanceQuestionReplies(s: SessionSummary, w: NoticeWriter): Reply[] {
  const { locale, dir } = w;
  return [
    {
      type: 'choices',
      text: w.t('notices.attendance.question', { line: sessionLine(s, w) }),
      choices: [
        { value: 'cmd:attended', label: w.t('notices.attendance.went') },
        { value: 'cmd:not_attended', label: w.t('notices.attendance.didNotGo') },
      ],
      locale,
      dir,
    },
  ];
}

/** The job's handler, to give the JobRunner (domain/journey/journeyJobHandlers.ts gathers it). */
export function attendanceJobHandlers(deps: { send: Send; notices: Notices }): Record<string, JobHandler> {
  return {
    [ATTENDANCE_JOB]: async (payload, { db, now }) => {
      const p = payloadSchema.parse(payload);
      const target = await attendanceRepo.askTarget(db, p.bookingId);
      // Cancelled, moved, already marked, consent withdrawn or data erased since it was queued.
      if (!target) return;
      const session = await getSession(db, target.sessionId);
      if (!session) return;
      await deps.send(target.conversationId, attendanceQuestionReplies(session, noticeWriter(deps.notices, target.locale)));
      // Sent: an answer that names no booking is about this one, the latest question asked.
      await attendanceRepo.recordAsked(db, p.bookingId, now);
    },
  };
}

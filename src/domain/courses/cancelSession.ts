import type { Logger } from 'pino';
import type { Reply } from '../../engine/reply.ts';
import { cancelJob, enqueueJob } from '../../jobs/jobQueue.ts';
import { courseSessionsRepo } from '../../store/courses/courseSessionsRepo.ts';
import { liveBookingTargets, lockSessionState, type LiveBookingTarget } from '../../store/courses/sessionOverview.ts';
import type { Db } from '../../store/db.ts';
import { noticeWriter, type Notices, type NoticeWriter } from '../shared/notices.ts';
import type { Send } from '../shared/send.ts';
import { cancelBooking } from './cancelBooking.ts';
import type { BookingEnv } from './courseOptions.ts';
import { COURSE_JOBS, cancelledNoticeKey } from './jobKinds.ts';
import { getSession } from './listSessions.ts';
import type { SessionSummary } from './sessionSummary.ts';
import { sessionLine } from './sessionLabel.ts';

export type CancelSessionResult =
  /** `residents` had a live booking; `told` of them got the message at once (the others are told by a job: see the log). */
  | { type: 'cancelled'; residents: number; told: number; booked: number; waiting: number }
  /** Cancelled before: nothing is freed or sent twice. */
  | { type: 'alreadyCancelled' }
  | { type: 'started' }
  | { type: 'notFound' };

/** What a resident is told, in their language, with buttons to book again or ask for a person. */
export function sessionCancelledReplies(s: SessionSummary, had: LiveBookingTarget['status'], w: NoticeWriter): Reply[] {
  const { locale, dir } = w;
  return [
    { type: 'text', text: w.t(`notices.sessionCancelled.${had}`, { line: sessionLine(s, w) }), locale, dir },
    {
      type: 'choices',
      text: w.t('notices.sessionCancelled.next'),
      // Global commands (flows/commands.yaml), so the buttons work whatever step the flow waits in.
      choices: [
        { value: 'cmd:restart', label: w.t('notices.sessionCancelled.startAgain') },
        { value: 'cmd:person', label: w.t('notices.sessionCancelled.person') },
      ],
      locale,
      dir,
    },
  ];
}

/**
 * How long after the cancellation the job telling a resident runs: only if the immediate notice
 * did not go out (it failed, or the process died before sending it). Long enough that no job
 * runner takes it while the immediate notice is still being sent.
 */
export const CANCELLED_NOTICE_GRACE_MS = 60_000;

/**
 * Cancels a session that has not started: in one transaction, under the session row lock, the
 * session is marked cancelled (no longer listed or bookable), every live booking is cancelled
 * with `cancelBooking` (reminders and seat offers go with it; waiting places first, so no freed
 * seat is offered), and one job per resident is queued to tell them. Once that has committed,
 * each resident is told at once, in their own language, through `send`, and their job is
 * cancelled; a resident who could not be told then (or whose notice was lost because the process
 * died) is told by the job a minute later, retried with backoff. Cancelling again changes nothing.
 */
export async function cancelSession(
  db: Db,
  deps: { send: Send; notices: Notices; logger?: Logger },
  sessionId: string,
  env: BookingEnv,
): Promise<CancelSessionResult> {
  const done = await db.transaction(async (tx) => {
    const state = await lockSessionState(tx, sessionId);
    if (!state) return { type: 'notFound' } as const;
    if (state.cancelledAt) return { type: 'alreadyCancelled' } as const;
    if (state.startsAt <= env.now) return { type: 'started' } as const;
    const session = await getSession(tx, sessionId);
    if (!session) return { type: 'notFound' } as const;
    await courseSessionsRepo.markCancelled(tx, sessionId, env.now);
    const targets = await liveBookingTargets(tx, sessionId);
    const runAt = new Date(env.now.getTime() + CANCELLED_NOTICE_GRACE_MS);
    for (const t of targets) {
      await cancelBooking(tx, { conversationId: t.conversationId, sessionId }, env);
      await enqueueJob(tx, { kind: COURSE_JOBS.sessionCancelledNotice, key: cancelledNoticeKey(t.bookingId), payload: { bookingId: t.bookingId, had: t.status }, runAt });
    }
    return { type: 'cancelled', session, targets } as const;
  });
  if (done.type !== 'cancelled') return done;

  let told = 0;
  for (const t of done.targets) {
    try {
      await deps.send(t.conversationId, sessionCancelledReplies(done.session, t.status, noticeWriter(deps.notices, t.locale)));
      told++;
    } catch (err) {
      // Counted and shown to the coordinator; their job tells them later. The log names the
      // session and the kind of failure, never the resident (an error's message may carry their
      // conversation id).
      deps.logger?.warn({ sessionId, error: err instanceof Error ? err.name : typeof err }, 'a resident could not be told their session was cancelled: their job tries again');
      continue;
    }
    // Told: the job is not needed. Were this lost (the process dying just here), the resident
    // would be told twice rather than never.
    await cancelJob(db, cancelledNoticeKey(t.bookingId));
  }
  return {
    type: 'cancelled',
    residents: done.targets.length,
    told,
    booked: done.targets.filter((t) => t.status !== 'waiting').length,
    waiting: done.targets.filter((t) => t.status === 'waiting').length,
  };
}

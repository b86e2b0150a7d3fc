import { z } from 'zod';
import type { JobHandler } from '../../jobs/JobRunner.ts';
import { bookingsRepo } from '../../store/courses/bookingsRepo.ts';
import { seatOffersRepo } from '../../store/courses/seatOffersRepo.ts';
import { noticeWriter, type Notices } from '../shared/notices.ts';
import type { Send } from '../shared/send.ts';
import { defaultCourseOptions, type CourseOptions } from './courseOptions.ts';
import { sessionCancelledReplies } from './cancelSession.ts';
import { reminderReplies, seatOfferReplies } from './courseReplies.ts';
import { COURSE_JOBS } from './jobKinds.ts';
import { getSession } from './listSessions.ts';
import { expireSeatOffer } from './seatOffers.ts';

const reminderPayload = z.object({ bookingId: z.number(), offsetMs: z.number() });
const offerPayload = z.object({ offerId: z.number() });
const cancelledPayload = z.object({ bookingId: z.number(), had: z.enum(['booked', 'waiting', 'offered']) });

export class NotDueError extends Error {
  readonly code = 'job_not_due';
}

/**
 * Handlers for the courses' jobs, to give the JobRunner. `send` delivers proactive replies,
 * written with `notices` in the language of the resident's conversation.
 */
export function courseJobHandlers(deps: { send: Send; notices: Notices; options?: CourseOptions }): Record<string, JobHandler> {
  const options = deps.options ?? defaultCourseOptions;
  return {
    [COURSE_JOBS.reminder]: async (payload, { db, now }) => {
      const p = reminderPayload.parse(payload);
      const target = await bookingsRepo.reminderTarget(db, p.bookingId, now);
      // Cancelled (or started) since it was queued: nothing to say.
      if (!target) return;
      const session = await getSession(db, target.sessionId);
      if (!session) return;
      await deps.send(target.conversationId, reminderReplies(session, p.offsetMs, noticeWriter(deps.notices, target.locale)));
    },
    [COURSE_JOBS.seatOfferNotice]: async (payload, { db }) => {
      const p = offerPayload.parse(payload);
      const target = await seatOffersRepo.noticeTarget(db, p.offerId);
      if (!target) return;
      const session = await getSession(db, target.sessionId);
      if (!session) return;
      await deps.send(target.conversationId, seatOfferReplies(session, target.expiresAt, noticeWriter(deps.notices, target.locale)));
    },
    // A session the studio cancelled, for a resident not told at once (cancelSession).
    [COURSE_JOBS.sessionCancelledNotice]: async (payload, { db }) => {
      const p = cancelledPayload.parse(payload);
      const target = await bookingsRepo.cancelledTarget(db, p.bookingId);
      if (!target) return;
      const session = await getSession(db, target.sessionId);
      if (!session) return;
      await deps.send(target.conversationId, sessionCancelledReplies(session, p.had, noticeWriter(deps.notices, target.locale)));
    },
    [COURSE_JOBS.seatOfferExpiry]: async (payload, { db, now }) => {
      const p = offerPayload.parse(payload);
      const outcome = await db.transaction((tx) => expireSeatOffer(tx, p.offerId, { now, options }));
      // Clocks of two processes may differ a little: try again later rather than expire early.
      if (outcome === 'notYet') throw new NotDueError(`seat offer ${p.offerId} is not due yet`);
    },
  };
}

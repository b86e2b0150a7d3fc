import { z } from 'zod';
import type { JobHandler } from '../../jobs/JobRunner.ts';
import { noticeWriter, type Notices } from '../shared/notices.ts';
import type { Send } from '../shared/send.ts';
import { defaultCourseOptions, type CourseOptions } from './courseOptions.ts';
import { reminderReplies, seatOfferReplies } from './courseReplies.ts';
import { COURSE_JOBS } from './jobKinds.ts';
import { getSession } from './listSessions.ts';
import { expireSeatOffer } from './seatOffers.ts';

const reminderPayload = z.object({ bookingId: z.number(), offsetMs: z.number() });
const offerPayload = z.object({ offerId: z.number() });

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
      const { rows } = await db.query<{ conversation_id: string; session_id: string; locale: string }>(
        `SELECT b.conversation_id, b.session_id, c.locale FROM bookings b JOIN course_sessions s ON s.id = b.session_id
         JOIN conversations c ON c.id = b.conversation_id
         WHERE b.id = $1 AND b.status = 'booked' AND s.starts_at > $2`,
        [p.bookingId, now],
      );
      // Cancelled (or started) since it was queued: nothing to say.
      if (!rows[0]) return;
      const session = await getSession(db, rows[0].session_id);
      if (!session) return;
      await deps.send(rows[0].conversation_id, reminderReplies(session, p.offsetMs, noticeWriter(deps.notices, rows[0].locale)));
    },
    [COURSE_JOBS.seatOfferNotice]: async (payload, { db }) => {
      const p = offerPayload.parse(payload);
      const { rows } = await db.query<{ conversation_id: string; session_id: string; expires_at: Date; locale: string }>(
        `SELECT b.conversation_id, b.session_id, o.expires_at, c.locale FROM seat_offers o JOIN bookings b ON b.id = o.booking_id
         JOIN conversations c ON c.id = b.conversation_id
         WHERE o.id = $1 AND o.status = 'open'`,
        [p.offerId],
      );
      if (!rows[0]) return;
      const session = await getSession(db, rows[0].session_id);
      if (!session) return;
      await deps.send(rows[0].conversation_id, seatOfferReplies(session, rows[0].expires_at, noticeWriter(deps.notices, rows[0].locale)));
    },
    [COURSE_JOBS.seatOfferExpiry]: async (payload, { db, now }) => {
      const p = offerPayload.parse(payload);
      const outcome = await db.transaction((tx) => expireSeatOffer(tx, p.offerId, { now, options }));
      // Clocks of two processes may differ a little: try again later rather than expire early.
      if (outcome === 'notYet') throw new NotDueError(`seat offer ${p.offerId} is not due yet`);
    },
  };
}

import { z } from 'zod';
import { attendanceRepo, type AttendanceMark, type MarkableBooking } from '../../store/attendance.ts';
import type { Queryable } from '../../store/db.ts';
import { recordFunnelEvent } from '../../store/funnelEvents.ts';
import { COURSE_TIME_ZONE } from '../courses/formatWhen.ts';

/**
 * Whether a booked resident went to their session (issue 15, Deliver 2 and 6).
 *
 * Two voices: a coordinator (the CLI, a CSV import, the studio's register) and the resident (asked
 * in chat an hour after the session). A coordinator's mark always wins and may be corrected; a
 * resident's answer is taken only where nobody has marked the booking yet, so it never overwrites a
 * coordinator and a second answer changes nothing.
 *
 * Every effective mark (the first one, or one that changes went / did not go) records a funnel event
 * `attended` or `did_not_attend` in the same transaction, with the session and the course's
 * programme, at the time of the mark. A correction therefore leaves two events for one resident and
 * session: the outcome queries take the latest (by `at`, then `id`) per subject and session.
 */

export const sessionIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'a session id is lower-case letters, digits and dashes');
/** A booking number as typed: digits only (bookings.id). */
export const bookingIdSchema = z
  .string()
  .regex(/^[1-9]\d{0,14}$/, 'a booking number is a whole number, such as 42')
  .transform(Number);

/** Who marks: a coordinator (`cli`, `csv` or `staff:<staff id>`) or the resident in chat. */
export const markerSchema = z.discriminatedUnion('source', [
  z.object({ source: z.literal('coordinator'), markedBy: z.union([z.enum(['cli', 'csv']), z.string().regex(/^staff:[A-Za-z0-9_-]{1,80}$/)]) }),
  z.object({ source: z.literal('resident') }),
]);
export type Marker = z.infer<typeof markerSchema>;

export type MarkResult =
  /** The mark is stored; `changed` says whether went / did not go changed (an event was recorded). */
  | { type: 'marked'; bookingId: number; sessionId: string; attended: boolean; changed: boolean; previous: AttendanceMark | null }
  /** A resident's answer where the booking is already marked: nothing changed. */
  | { type: 'alreadyMarked'; bookingId: number; sessionId: string; mark: AttendanceMark }
  | { type: 'notFound'; bookingId: number }
  /** The booking does not hold a seat (cancelled, moved, waiting…): there is nothing to mark. */
  | { type: 'notBooked'; bookingId: number; sessionId: string; status: string }
  | { type: 'notStarted'; bookingId: number; sessionId: string; startsAt: Date }
  /** The booking is for another session than the one named. */
  | { type: 'otherSession'; bookingId: number; sessionId: string }
  /**
   * The booking's mark is no longer the one the coordinator saw (`expected`): someone marked or
   * corrected it since (the resident in chat, the CLI, a CSV import, another page). Nothing changed.
   */
  | { type: 'changedMeanwhile'; bookingId: number; sessionId: string; mark: AttendanceMark | null };

async function markLocked(tx: Queryable, b: MarkableBooking, attended: boolean, by: Marker, now: Date): Promise<MarkResult> {
  const base = { bookingId: b.bookingId, sessionId: b.sessionId };
  if (b.status !== 'booked') return { type: 'notBooked', ...base, status: b.status };
  if (b.startsAt > now) return { type: 'notStarted', ...base, startsAt: b.startsAt };
  if (by.source === 'resident' && b.mark) return { type: 'alreadyMarked', ...base, mark: b.mark };
  const markedBy = by.source === 'coordinator' ? by.markedBy : 'resident';
  const changed = b.mark?.attended !== attended;
  // The same answer again from the same hand changes nothing, not even who or when.
  if (!changed && b.mark?.source === by.source && b.mark.markedBy === markedBy) {
    return { type: 'marked', ...base, attended, changed: false, previous: b.mark };
  }
  if (!(await attendanceRepo.save(tx, b.bookingId, { attended, source: by.source, markedBy, at: now }))) {
    // Only a resident's answer is ever refused by the store, and the lock means it is not: a last guard.
    const mark = (await attendanceRepo.findBooking(tx, b.bookingId))?.mark;
    if (!mark) throw new Error(`booking ${b.bookingId}: the answer was refused but there is no mark`);
    return { type: 'alreadyMarked', ...base, mark };
  }
  if (changed) {
    await recordFunnelEvent(tx, b.conversationId, attended ? 'attended' : 'did_not_attend', now, { sessionId: b.sessionId, programmeId: b.programmeId });
  }
  return { type: 'marked', ...base, attended, changed, previous: b.mark };
}

/**
 * Marks one booking went or did not go (run it inside a transaction). Only a booking holding a
 * seat (`booked`) of a session that has started may be marked; `sessionId`, when given, must be
 * the booking's. `expected`, when given, is the mark the coordinator was shown (went, did not go,
 * or null: not marked): read under the booking's lock, a mark that is no longer that is left as it
 * is (`changedMeanwhile`), so a page left open never overwrites a mark made since.
 */
export async function markAttendance(
  tx: Queryable,
  input: { bookingId: number; attended: boolean; sessionId?: string; expected?: boolean | null },
  by: Marker,
  now: Date,
): Promise<MarkResult> {
  const b = (await attendanceRepo.lockBooking(tx, input.bookingId)) ? await attendanceRepo.findBooking(tx, input.bookingId) : undefined;
  if (!b) return { type: 'notFound', bookingId: input.bookingId };
  if (input.sessionId !== undefined && b.sessionId !== input.sessionId) return { type: 'otherSession', bookingId: b.bookingId, sessionId: b.sessionId };
  if (input.expected !== undefined && (b.mark?.attended ?? null) !== input.expected) {
    return { type: 'changedMeanwhile', bookingId: b.bookingId, sessionId: b.sessionId, mark: b.mark };
  }
  return markLocked(tx, b, input.attended, by, now);
}

export const answerAttendanceResultSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('attended'), sessionId: z.string() }),
  z.object({ type: z.literal('notAttended'), sessionId: z.string() }),
  /** Already answered or marked by a coordinator: nothing changed. */
  z.object({ type: z.literal('alreadyAnswered'), sessionId: z.string() }),
  /** No booked session has ended yet: nothing to answer. */
  z.object({ type: z.literal('noSession') }),
]);
export type AnswerAttendanceResult = z.infer<typeof answerAttendanceResultSchema>;

/**
 * The resident's "I went" / "I could not go" (a button or typed; neither names the booking, since a
 * global command carries no parameter): recorded for the booked session they were asked about most
 * recently that nobody has marked or answered yet (or, not asked yet, the latest one to end). Only
 * a session that has ENDED can be answered: "I went" in the middle of it is not taken. When there
 * is none, says whether their latest ended session is already recorded (a second answer, or a
 * coordinator's mark) or there is none.
 */
export async function answerAttendance(tx: Queryable, conversationId: string, went: boolean, now: Date): Promise<AnswerAttendanceResult> {
  const open = await attendanceRepo.openQuestion(tx, conversationId, now);
  // Locked, then read again: a coordinator who marked it meanwhile is seen, and wins.
  const b = open !== undefined && (await attendanceRepo.lockBooking(tx, open)) ? await attendanceRepo.findBooking(tx, open) : undefined;
  // Read again under the lock: the session may have been moved since (its end now still to come).
  if (b && b.endsAt <= now) {
    const r = await markLocked(tx, b, went, { source: 'resident' }, now);
    if (r.type === 'marked') return { type: went ? 'attended' : 'notAttended', sessionId: r.sessionId };
  }
  const latest = await attendanceRepo.latestEnded(tx, conversationId, now);
  return latest ? { type: 'alreadyAnswered', sessionId: latest.sessionId } : { type: 'noSession' };
}

const londonTime = new Intl.DateTimeFormat('en-GB', { timeZone: COURSE_TIME_ZONE, dateStyle: 'medium', timeStyle: 'short' });

/** Why a coordinator's mark was not taken, in plain English for the CLI, the CSV import and the studio. */
export function refusalText(r: Exclude<MarkResult, { type: 'marked' | 'alreadyMarked' }>): string {
  switch (r.type) {
    case 'notFound':
      return `there is no booking ${r.bookingId}`;
    case 'otherSession':
      return `booking ${r.bookingId} is for session ${r.sessionId}, not this one`;
    case 'notBooked':
      return `booking ${r.bookingId} does not hold a seat (it is ${r.status}), so there is no attendance to mark`;
    case 'notStarted':
      return `session ${r.sessionId} has not started yet (it starts ${londonTime.format(r.startsAt)}): mark attendance once it has`;
    case 'changedMeanwhile':
      return `booking ${r.bookingId} was marked since you looked (it is now ${r.mark === null ? 'not marked' : r.mark.attended ? 'went' : 'did not go'}): nothing was changed`;
  }
}

import { localName } from '../shared/localName.ts';
import type { NoticeWriter } from '../shared/notices.ts';
import { formatWhen } from './formatWhen.ts';

type Session = { courseName: string; startsAt: string; endsAt: string; venue: { name: string } };

/**
 * A session's button, short enough for one (at most 40 characters, issue 11):
 * "Monday 11 January 2027, 9:30am". The course, venue and end time are in the message
 * (sessionLine).
 */
export function sessionLabel(s: Pick<Session, 'startsAt'>, w: NoticeWriter): string {
  return formatWhen(s.startsAt, w.locale);
}

/** A session in full, in the resident's language: "Course: Monday 11 January 2027, 9:30am to 3pm, at Venue". */
export function sessionLine(s: Session, w: NoticeWriter): string {
  return w.t('notices.session.line', {
    course: localName(w, 'course', s.courseName),
    when: formatWhen(s.startsAt, w.locale, s.endsAt),
    venue: localName(w, 'venue', s.venue.name),
  });
}

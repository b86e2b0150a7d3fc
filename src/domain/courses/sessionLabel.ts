import type { NoticeWriter } from '../shared/notices.ts';
import { formatWhen } from './formatWhen.ts';

/** One line for a session's button, in the resident's language: "Course: Monday 11 January at 09:30, Venue". */
export function sessionLabel(s: { courseName: string; startsAt: string; venue: { name: string } }, w: NoticeWriter): string {
  return w.t('notices.session.label', { course: s.courseName, when: formatWhen(s.startsAt, w.locale), venue: s.venue.name });
}

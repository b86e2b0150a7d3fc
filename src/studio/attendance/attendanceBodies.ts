import { COURSE_TIME_ZONE } from '../../domain/courses/formatWhen.ts';
import { languageOf } from '../../languages.ts';
import type { AttendanceMark, RegisterLine, StartedSession } from '../../store/attendance.ts';
import { html } from '../layout.ts';
import { csrfInput, doneNote, table } from '../data/dataHtml.ts';

/**
 * The attendance pages (issue 15): the sessions that have started, and one session's register with
 * a choice per booking. Plain forms that work without JavaScript; each booking is a fieldset with
 * its legend, and problems are summarised at the top with links to the booking (WCAG 2.2 AA).
 */

const day = new Intl.DateTimeFormat('en-GB', { timeZone: COURSE_TIME_ZONE, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
const time = new Intl.DateTimeFormat('en-GB', { timeZone: COURSE_TIME_ZONE, hour: '2-digit', minute: '2-digit' });

export const sessionTimes = (s: { startsAt: Date; endsAt: Date }): string => `${day.format(s.startsAt)}, ${time.format(s.startsAt)} to ${time.format(s.endsAt)}`;
const stamp = (d: Date) => `${day.format(d)} ${time.format(d)}`;

/** The choice a coordinator makes per booking, as the form's values. */
export const CHOICES = [
  { value: 'went', label: 'Went' },
  { value: 'absent', label: 'Did not go' },
  { value: 'unmarked', label: 'Not marked' },
] as const;
export type Choice = (typeof CHOICES)[number]['value'];

/** The choice that stands for a mark (what the register shows, and posts back as `s-<booking id>`). */
export const choiceOf = (m: AttendanceMark | null): Choice => (m === null ? 'unmarked' : m.attended ? 'went' : 'absent');
function who(m: AttendanceMark, email: string | null): string {
  if (m.source === 'resident') return 'the resident, in chat';
  if (m.markedBy === 'cli') return 'the command line';
  if (m.markedBy === 'csv') return 'a CSV import';
  return email ?? `studio account ${m.markedBy.slice('staff:'.length)}`;
}
export const markText = (l: Pick<RegisterLine, 'mark' | 'markedByEmail'>): string =>
  l.mark === null ? 'Not marked' : `${l.mark.attended ? 'Went' : 'Did not go'}: marked by ${who(l.mark, l.markedByEmail)}, ${stamp(l.mark.markedAt)}`;
const languageName = (code: string) => languageOf(code)?.english ?? code;

/** /studio/attendance: sessions of the last 60 days that have started, newest first, counted. */
export function sessionListBody(sessions: StartedSession[]): string {
  const rows = sessions.map((s) => [
    `<a href="/studio/attendance/${html(s.id)}">${html(sessionTimes(s))}</a>`,
    html(s.courseName),
    html(s.venueName),
    String(s.booked),
    String(s.attended),
    String(s.absent),
    String(s.unmarked),
  ]);
  return `<p>Mark who went to each course session from your register. Residents are also asked in chat an hour after the session ends; a mark here always wins over their answer and can be corrected later.</p>
${table('Sessions that started in the last 60 days', ['Session', 'Course', 'Venue', 'Booked', 'Went', 'Did not go', 'Not marked'], rows, 'no session has started in the last 60 days')}`;
}

export interface RegisterPageData {
  session: StartedSession;
  lines: RegisterLine[];
  canEdit: boolean;
  csrf: string;
  /**
   * What a refused save asked for, by booking id (shown again so nothing typed is lost): only the
   * choices the coordinator changed, so a mark made meanwhile is shown as it now is.
   */
  chosen?: Record<number, Choice>;
  /** Problems by booking id (0: the form as a whole). */
  errors?: Array<{ bookingId: number; message: string }>;
  done?: string;
}

const fieldsetId = (bookingId: number) => `booking-${bookingId}`;

function bookingFieldset(l: RegisterLine, d: RegisterPageData): string {
  const id = fieldsetId(l.bookingId);
  const error = d.errors?.find((e) => e.bookingId === l.bookingId);
  // A mark can be corrected but not taken back: its funnel event stands, so "Not marked" is offered only while there is none.
  const options = CHOICES.filter((c) => c.value !== 'unmarked' || l.mark === null);
  const asked = d.chosen?.[l.bookingId];
  const chosen = asked && options.some((o) => o.value === asked) ? asked : choiceOf(l.mark);
  const described = [`${id}-now`, error ? `${id}-error` : ''].filter(Boolean).join(' ');
  // The mark as shown, posted back: only a choice changed from it is saved, and only while the mark is still this.
  return `<fieldset class="field${error ? ' field-invalid' : ''}" id="${id}" aria-describedby="${described}">
<legend>Booking number ${l.bookingId}</legend>
<input type="hidden" name="s-${l.bookingId}" value="${choiceOf(l.mark)}">
<p class="hint" id="${id}-now">Booked ${html(stamp(l.bookedAt))}; speaks ${html(languageName(l.language))}. ${html(markText(l))}.</p>
${error ? `<p class="field-error" id="${id}-error"><span class="visually-hidden">Error:</span> ${html(error.message)}</p>` : ''}
${options
  .map((c, i) => {
    const input = `${id}-${c.value}`;
    return `<div class="choice"><input type="radio" id="${input}" name="b-${l.bookingId}" value="${c.value}"${chosen === c.value ? ' checked' : ''}${i === 0 && error ? ' aria-invalid="true"' : ''}> <label for="${input}">${c.label}</label></div>`;
  })
  .join('\n')}
</fieldset>`;
}

/** /studio/attendance/:sessionId: the register; coordinators get the form, viewers a table. */
export function registerBody(d: RegisterPageData): string {
  const s = d.session;
  const errors = d.errors ?? [];
  const summary = errors.length
    ? `<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
<h2 id="error-summary-title">There is a problem</h2>
<p>Nothing was saved.</p>
<ul>${errors.map((e) => (e.bookingId ? `<li><a href="#${fieldsetId(e.bookingId)}">Booking number ${e.bookingId}: ${html(e.message)}</a></li>` : `<li>${html(e.message)}</li>`)).join('')}</ul>
</div>`
    : '';
  const facts = `<dl><dt>Course</dt><dd>${html(s.courseName)}</dd><dt>When</dt><dd>${html(sessionTimes(s))}</dd><dt>Venue</dt><dd>${html(s.venueName)}</dd><dt>Booked</dt><dd>${s.booked} (went ${s.attended}, did not go ${s.absent}, not marked ${s.unmarked})</dd></dl>`;
  const intro = `<p>Each booking is shown by its booking number (the number the resident was told when they booked), as in <code>anchorline attendance list ${html(s.id)}</code>; the register has no names. A coordinator's mark wins over the resident's own answer in chat.</p>`;
  const back = `<p><a href="/studio/attendance">All sessions that have started</a></p>`;
  if (d.lines.length === 0) return `${doneNote(d.done)}${facts}<p>Nobody holds a seat on this session.</p>${back}`;
  if (!d.canEdit) {
    const rows = d.lines.map((l) => [String(l.bookingId), html(stamp(l.bookedAt)), html(languageName(l.language)), html(markText(l))]);
    return `${doneNote(d.done)}${facts}${intro}<p>Your role can read the register; a coordinator marks it.</p>
${table('Register', ['Booking number', 'Booked', 'Language', 'Attendance'], rows)}${back}`;
  }
  return `${summary}${doneNote(d.done)}${facts}${intro}
<form method="post" action="/studio/attendance/${html(s.id)}" novalidate>${csrfInput(d.csrf)}
${d.lines.map((l) => bookingFieldset(l, d)).join('\n')}
<button type="submit">Save attendance</button>
</form>${back}`;
}

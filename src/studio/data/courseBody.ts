import type { CourseOverview, SessionOverview } from '../../store/courses/sessionOverview.ts';
import { html } from '../layout.ts';
import { csrfInput, doneNote, errorSummary, field, radios, table, type FormState } from './dataHtml.ts';
import { sessionStatus, sessionWhen } from './overviewBody.ts';

export interface CoursePageData {
  course: CourseOverview;
  sessions: SessionOverview[];
  csrf: string;
  /** Coordinators see the forms; viewers and translators read. */
  canEdit: boolean;
  now: Date;
  add: FormState;
  /** The capacity form that was posted, with its errors. */
  capacity?: { sessionId: string; form: FormState };
  done?: string;
}

/** The add form's labels, by field: shown beside each field and naming it in the error summary. */
const LABELS: Record<string, string> = {
  id: 'Session id',
  startDate: 'Date',
  startTime: 'Start time',
  endTime: 'End time',
  'venue.name': 'Venue name',
  'venue.address': 'Venue address',
  'venue.accessible': 'Step-free access to the venue?',
  capacity: 'Capacity (seats)',
};

function capacityForm(s: SessionOverview, d: CoursePageData): string {
  const form = d.capacity?.sessionId === s.id ? d.capacity.form : { values: { capacity: String(s.capacity) }, errors: {} };
  return `<form method="post" action="/studio/data/sessions/${html(s.id)}/capacity" class="inline">${csrfInput(d.csrf)}
${field({ name: 'capacity', label: `Capacity of ${s.id}`, type: 'number', form, scope: s.id, attrs: 'min="1" max="500" step="1"' })}
<button type="submit">Change capacity<span class="visually-hidden"> of ${html(s.id)}</span></button></form>`;
}

/** A course's sessions, with the forms to add one, change a capacity and cancel. */
export function courseBody(d: CoursePageData): string {
  const errors = [
    ...Object.entries(d.add.errors).map(([name, message]) => ({ name, message, scope: 'add' })),
    ...(d.capacity ? Object.entries(d.capacity.form.errors).map(([name, message]) => ({ name, message, scope: d.capacity!.sessionId })) : []),
  ];
  const c = d.course;
  const rows = d.sessions.map((s) => {
    const live = !s.cancelledAt && s.startsAt > d.now;
    return [
      html(s.id),
      html(sessionWhen(s)),
      `${html(s.venueName)}, ${html(s.venueAddress)}${s.venueAccessible ? ' (step-free)' : ''}`,
      d.canEdit && live ? capacityForm(s, d) : String(s.capacity),
      String(s.booked + s.offered),
      String(s.waiting),
      sessionStatus(s, d.now),
      ...(d.canEdit ? [live ? `<a href="/studio/data/sessions/${html(s.id)}/cancel">Cancel<span class="visually-hidden"> session ${html(s.id)}</span></a>` : ''] : []),
    ];
  });
  const headers = ['Session', 'Date and time', 'Venue', 'Capacity', 'Booked', 'Waiting', 'Status', ...(d.canEdit ? ['Cancel'] : [])];
  const add = d.add;
  const addForm = d.canEdit
    ? `<h2 id="add-session">Add a session</h2>
<p>Checked like a session in <code>flows/courses.yaml</code> or a line of <code>import sessions</code>. Dates and times are in Birmingham (UK) time.</p>
<form method="post" action="/studio/data/courses/${html(c.id)}/sessions" novalidate>${csrfInput(d.csrf)}
${field({ name: 'id', label: LABELS['id']!, hint: 'Lower-case letters, digits and dashes, e.g. ican-admin-2027-04-12', form: add, scope: 'add' })}
${field({ name: 'startDate', label: LABELS['startDate']!, type: 'date', form: add, scope: 'add' })}
${field({ name: 'startTime', label: LABELS['startTime']!, hint: 'HH:MM, 24-hour', type: 'time', form: add, scope: 'add' })}
${field({ name: 'endTime', label: LABELS['endTime']!, hint: 'HH:MM, 24-hour', type: 'time', form: add, scope: 'add' })}
${field({ name: 'venue.name', label: LABELS['venue.name']!, form: add, scope: 'add' })}
${field({ name: 'venue.address', label: LABELS['venue.address']!, form: add, scope: 'add' })}
${radios({ name: 'venue.accessible', legend: LABELS['venue.accessible']!, form: add, scope: 'add', options: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] })}
${field({ name: 'capacity', label: LABELS['capacity']!, hint: '1 to 500', type: 'number', form: add, scope: 'add', attrs: 'min="1" max="500" step="1"' })}
<button type="submit">Add session</button>
</form>`
    : '<p>You can read this page; only coordinators change sessions.</p>';
  const labels = d.capacity ? { ...LABELS, capacity: `Capacity of ${d.capacity.sessionId}` } : LABELS;
  return `${errorSummary(errors, labels)}${doneNote(d.done)}
<dl><dt>Id</dt><dd>${html(c.id)}</dd><dt>Programme</dt><dd><a href="/studio/data/programmes/${html(c.programmeId)}">${html(c.programmeId)}</a></dd>
<dt>Job family</dt><dd>${html(c.jobFamily)}</dd><dt>Length</dt><dd>${c.lengthWeeks} week(s)</dd><dt>Languages</dt><dd>${html(c.languages.join(', '))}</dd></dl>
<h2>Sessions</h2>
<p>A capacity is never lowered below the seats already booked (or offered to someone waiting); a higher one is offered to the waiting list at once. Cancelling a session tells everyone booked or waiting, in their own language.</p>
${table(`Sessions of ${c.name}`, headers, rows, 'no upcoming sessions')}
${addForm}
<p><a href="/studio/data">Back to programme data</a></p>`;
}


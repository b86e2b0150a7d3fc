import type { SessionOverview } from '../../store/courses/sessionOverview.ts';
import { html } from '../layout.ts';
import { csrfInput } from './dataHtml.ts';
import { sessionWhen } from './overviewBody.ts';

/** "Cancel this session?": who will be told, before anything is done. */
export function cancelSessionBody(s: SessionOverview, courseName: string, csrf: string, problem?: string): string {
  const booked = s.booked + s.offered;
  const residents = booked + s.waiting;
  return `${problem ? `<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1"><h2 id="error-summary-title">There is a problem</h2><p>${html(problem)}</p></div>` : ''}
<dl><dt>Course</dt><dd>${html(courseName)}</dd><dt>Session</dt><dd>${html(s.id)}</dd><dt>When</dt><dd>${html(sessionWhen(s))}</dd><dt>Venue</dt><dd>${html(s.venueName)}</dd></dl>
<p>${booked} resident(s) have a seat and ${s.waiting} are on the waiting list. Cancelling cancels every booking and sends each of these ${residents} resident(s) a message in their own language in their conversation, with buttons to choose another date or talk to a person. It cannot be undone.</p>
<form method="post" action="/studio/data/sessions/${html(s.id)}/cancel">${csrfInput(csrf)}
<button type="submit" class="danger">Cancel the session and tell ${residents} resident(s)</button>
</form>
<p><a href="/studio/data/courses/${html(s.courseId)}">Keep the session and go back</a></p>`;
}

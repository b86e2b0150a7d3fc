import type { Programme } from '../../domain/eligibility/programmeSchema.ts';
import type { CourseOverview } from '../../store/courses/sessionOverview.ts';
import { html } from '../layout.ts';
import { table } from './dataHtml.ts';
import { cohortText, rulesList } from './programmeRules.ts';

const READ_ONLY =
  '<p class="note">Who can join a programme is decided by its rules in <code>flows/programmes.yaml</code>. They are shown here to read; they are changed in that file, in git, and deployed (the studio does not edit it yet); <code>npm run flows -- check</code> tests them with the flows that explain them to residents.</p>';

export function programmeListBody(programmes: Programme[], problems: string[]): string {
  return `${READ_ONLY}
${problems.length ? `<div class="problems"><p>flows/programmes.yaml could not be read:</p><ul>${problems.map((p) => `<li>${html(p)}</li>`).join('')}</ul></div>` : ''}
${table(
  'Programmes',
  ['Programme', 'Id', 'Open to applications', 'Summary'],
  programmes.map((p) => [`<a href="/studio/data/programmes/${html(p.id)}">${html(p.name)}</a>`, html(p.id), html(cohortText(p)), html(p.summary)]),
)}`;
}

export function programmeBody(p: Programme, courses: CourseOverview[]): string {
  return `<p>${html(p.summary)}</p>
<dl><dt>Id</dt><dd>${html(p.id)}</dd><dt>Open to applications</dt><dd>${html(cohortText(p))}</dd></dl>
<h2>Who can join</h2>
<p>Every rule must pass:</p>
${rulesList(p.rules)}
${READ_ONLY}
<h2>Courses</h2>
${table(
  `Courses of ${p.name}`,
  ['Course', 'Job family', 'Length', 'Guaranteed interview', 'Languages'],
  courses.map((c) => [
    `<a href="/studio/data/courses/${html(c.id)}">${html(c.name)}</a>`,
    html(c.jobFamily),
    `${c.lengthWeeks} week(s)`,
    c.guaranteedInterview ? 'Yes' : 'No',
    html(c.languages.join(', ')),
  ]),
  'no courses',
)}
<p><a href="/studio/data/programmes">All programmes</a></p>`;
}

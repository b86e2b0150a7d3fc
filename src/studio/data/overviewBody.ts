import type { Programme } from '../../domain/eligibility/programmeSchema.ts';
import type { CourseOverview, SessionOverview } from '../../store/courses/sessionOverview.ts';
import type { PartnerOverview, VacancyOverview } from '../../store/partners/vacancyOverview.ts';
import { html } from '../layout.ts';
import { doneNote, table } from './dataHtml.ts';

export interface OverviewData {
  programmes: Programme[];
  /** Why flows/programmes.yaml could not be read, if it could not. */
  programmeProblems: string[];
  courses: CourseOverview[];
  sessions: SessionOverview[];
  partners: PartnerOverview[];
  vacancies: VacancyOverview[];
  /** YYYY-MM-DD in London: a vacancy is open up to and including its closing date. */
  today: string;
}

export const sessionStatus = (s: SessionOverview, now: Date): string =>
  s.cancelledAt ? 'Cancelled' : s.startsAt <= now ? 'Started' : s.taken >= s.capacity ? 'Full' : 'Open';

export const sessionWhen = (s: SessionOverview): string => `${s.startDate}, ${s.startTime} to ${s.endTime}`;

/** /studio/data: everything at a glance, each row a link to where it is changed. */
export function overviewBody(d: OverviewData, now: Date, done?: string): string {
  const programmeRows = d.programmes.map((p) => [
    `<a href="/studio/data/programmes/${html(p.id)}">${html(p.name)}</a>`,
    html(p.id),
    String(d.courses.filter((c) => c.programmeId === p.id).length),
  ]);
  const sessionRows = d.sessions.map((s) => {
    const c = d.courses.find((x) => x.id === s.courseId);
    return [
      html(sessionWhen(s)),
      `<a href="/studio/data/courses/${html(s.courseId)}">${html(c?.name ?? s.courseId)}</a>`,
      html(s.venueName),
      String(s.capacity),
      // Seats held: booked, or offered to someone from the waiting list.
      String(s.booked + s.offered),
      String(s.waiting),
      sessionStatus(s, now),
    ];
  });
  const partnerRows = d.partners.map((p) => {
    const mine = d.vacancies.filter((v) => v.partnerId === p.id);
    const open = mine.filter((v) => v.closingDate >= d.today).length;
    return [`<a href="/studio/data/partners/${html(p.id)}">${html(p.name)}</a>`, html(p.id), String(open), String(mine.length - open)];
  });
  return `${doneNote(done)}
<p>Programmes, courses, sessions, partners and vacancies as residents are offered them now. The database is the source of truth once a row exists (flows/README.md): changes here are checked by the same rules as <code>flows/courses.yaml</code>, <code>flows/partners.yaml</code> and <code>import sessions</code>, and never take a seat away from a resident.</p>
<h2 id="programmes">Programmes</h2>
${d.programmeProblems.length ? `<div class="problems"><p>flows/programmes.yaml could not be read:</p><ul>${d.programmeProblems.map((p) => `<li>${html(p)}</li>`).join('')}</ul></div>` : ''}
${table('Programmes', ['Programme', 'Id', 'Courses'], programmeRows)}
<h2 id="sessions">Courses and upcoming sessions</h2>
<p>Courses: ${d.courses.map((c) => `<a href="/studio/data/courses/${html(c.id)}">${html(c.name)}</a>`).join(', ') || 'none yet'}.</p>
${table('Upcoming sessions', ['Date and time', 'Course', 'Venue', 'Capacity', 'Booked', 'Waiting', 'Status'], sessionRows, 'no upcoming sessions')}
<h2 id="partners">Partners and vacancies</h2>
${table('Partners', ['Partner', 'Id', 'Open vacancies', 'Closed vacancies'], partnerRows)}`;
}

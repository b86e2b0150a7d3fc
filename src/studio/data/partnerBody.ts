import { jobFamilySchema } from '../../domain/courses/courseFileSchema.ts';
import type { PartnerOverview, VacancyOverview } from '../../store/partners/vacancyOverview.ts';
import { html } from '../layout.ts';
import { csrfInput, doneNote, errorSummary, field, radios, select, table, type FormState } from './dataHtml.ts';

export interface PartnerPageData {
  partner: PartnerOverview;
  vacancies: VacancyOverview[];
  csrf: string;
  canEdit: boolean;
  /** YYYY-MM-DD in London. */
  today: string;
  add: FormState;
  /** The reopen form that was posted, with its errors. */
  reopen?: { vacancyId: string; form: FormState };
  done?: string;
}

/** The add form's labels, by field: shown beside each field and naming it in the error summary. */
const LABELS: Record<string, string> = {
  id: 'Vacancy id',
  role: 'Job title',
  jobFamily: 'Job family',
  band: 'Band',
  hoursPerWeek: 'Hours a week',
  'site.id': 'Site id',
  'site.name': 'Site name',
  closingDate: 'Closing date',
  startDate: 'Start date (optional)',
  minAge: 'Minimum age',
  'requirements.drivingLicence': 'Needs a driving licence?',
};

function actions(v: VacancyOverview, d: PartnerPageData): string {
  const open = v.closingDate >= d.today;
  const form = d.reopen?.vacancyId === v.id ? d.reopen.form : { values: {}, errors: {} };
  const close = open
    ? `<form method="post" action="/studio/data/vacancies/${html(v.id)}/close" class="inline">${csrfInput(d.csrf)}<button type="submit">Close now<span class="visually-hidden"> ${html(v.id)}</span></button></form>`
    : '';
  return `${close}<form method="post" action="/studio/data/vacancies/${html(v.id)}/reopen" class="inline">${csrfInput(d.csrf)}
${field({ name: 'closingDate', label: `${open ? 'New closing date' : 'Reopen until'} for ${v.id}`, type: 'date', form, scope: v.id })}
<button type="submit">${open ? 'Change closing date' : 'Reopen'}<span class="visually-hidden"> ${html(v.id)}</span></button></form>`;
}

/** A partner's vacancies, with the forms to add one, close it and reopen it. */
export function partnerBody(d: PartnerPageData): string {
  const errors = [
    ...Object.entries(d.add.errors).map(([name, message]) => ({ name, message, scope: 'add' })),
    ...(d.reopen ? Object.entries(d.reopen.form.errors).map(([name, message]) => ({ name, message, scope: d.reopen!.vacancyId })) : []),
  ];
  const rows = d.vacancies.map((v) => [
    html(v.id),
    `${html(v.role)}, band ${html(v.band)}, ${v.hoursPerWeek} hours a week`,
    html(v.siteName),
    html(v.closingDate),
    v.closingDate >= d.today ? 'Open' : 'Closed',
    String(v.applications),
    ...(d.canEdit ? [actions(v, d)] : []),
  ]);
  const headers = ['Vacancy', 'Job', 'Site', 'Closing date', 'Status', 'Applications', ...(d.canEdit ? ['Change'] : [])];
  const add = d.add;
  const addForm = d.canEdit
    ? `<h2 id="add-vacancy">Add a vacancy</h2>
<p>Checked like a vacancy in <code>flows/partners.yaml</code>. Names are in English; translations follow the English name (flows/README.md).</p>
<form method="post" action="/studio/data/partners/${html(d.partner.id)}/vacancies" novalidate>${csrfInput(d.csrf)}
${field({ name: 'id', label: LABELS['id']!, hint: 'Lower-case letters, digits and dashes, e.g. uhb-porter-qeh-2027-2', form: add, scope: 'add' })}
${field({ name: 'role', label: LABELS['role']!, form: add, scope: 'add' })}
${select({ name: 'jobFamily', label: LABELS['jobFamily']!, form: add, scope: 'add', options: jobFamilySchema.options.map((f) => ({ value: f, label: f })) })}
${field({ name: 'band', label: LABELS['band']!, hint: 'Agenda for Change band, like 2 or 2-3', form: add, scope: 'add' })}
${field({ name: 'hoursPerWeek', label: LABELS['hoursPerWeek']!, hint: 'Up to 48', type: 'number', form: add, scope: 'add', attrs: 'min="1" max="48" step="0.5"' })}
${field({ name: 'site.id', label: LABELS['site.id']!, hint: 'Lower-case letters, digits and dashes, e.g. heartlands', form: add, scope: 'add' })}
${field({ name: 'site.name', label: LABELS['site.name']!, form: add, scope: 'add' })}
${field({ name: 'closingDate', label: LABELS['closingDate']!, hint: 'Open up to and including this day', type: 'date', form: add, scope: 'add' })}
${field({ name: 'startDate', label: LABELS['startDate']!, hint: 'Not before the closing date', type: 'date', form: add, scope: 'add', required: false })}
${field({ name: 'minAge', label: LABELS['minAge']!, hint: '16 to 70', type: 'number', form: add, scope: 'add', attrs: 'min="16" max="70" step="1"' })}
${radios({ name: 'requirements.drivingLicence', legend: LABELS['requirements.drivingLicence']!, form: add, scope: 'add', options: [{ value: 'no', label: 'No' }, { value: 'yes', label: 'Yes' }] })}
<button type="submit">Add vacancy</button>
</form>`
    : '<p>You can read this page; only coordinators change vacancies.</p>';
  // The reopen form's one field is a closing date too: named after its vacancy.
  const labels = d.reopen ? { ...LABELS, closingDate: `Closing date of ${d.reopen.vacancyId}` } : LABELS;
  return `${errorSummary(errors, labels)}${doneNote(d.done)}
<p>Closing a vacancy stops it being matched and applied for from today (it is shown to residents as closed); applications already made are kept and partners still see them. Reopening sets a new closing date.</p>
${table(`Vacancies of ${d.partner.name}`, headers, rows, 'no vacancies')}
${addForm}
<p><a href="/studio/data">Back to programme data</a></p>`;
}

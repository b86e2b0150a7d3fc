/**
 * GET /admin/outcomes as HTML: the filter form, then each section as a chart (SVG drawn on the
 * server) with a table of the same figures under it, and a CSV link per table. A partner's page
 * begins with its own referral routes and their posters.
 */
import type { OutcomeReport, OutcomeScope } from '../../domain/outcomes/outcomeReport.ts';
import type { ReferralCode } from '../../store/referralCodes.ts';
import { dayOf, queryOfFilters } from './filters.ts';
import { html } from './html.ts';
import { outcomeTables, type OutcomeTable } from './outcomeTables.ts';
import { outcomesPage } from './outcomesPage.ts';

export interface Who {
  scope: OutcomeScope;
  /** "Network view (operator)", "Pioneer Group". */
  label: string;
  /** Set for browser sessions (sign-out form); not for a bearer token. */
  csrf?: string | undefined;
}

export interface FilterForm {
  values: Record<string, string>;
  choices: OutcomeReport['choices'];
  problems: string[];
}

function select(name: string, label: string, options: Array<{ value: string; text: string }>, current: string | undefined): string {
  const opts = [{ value: '', text: 'All' }, ...options]
    .map((o) => `<option value="${html(o.value)}"${o.value === (current ?? '') ? ' selected' : ''}>${html(o.text)}</option>`)
    .join('');
  return `<div><label for="f-${name}">${html(label)}</label><select id="f-${name}" name="${name}">${opts}</select></div>`;
}

export function filterFormHtml(f: FilterForm): string {
  const v = f.values;
  const deciles = Array.from({ length: 10 }, (_, i) => ({ value: String(i + 1), text: i === 0 ? '1 (most deprived)' : i === 9 ? '10 (least deprived)' : String(i + 1) }));
  const problems = f.problems.length
    ? `<div class="problems" role="alert" aria-labelledby="problems-title"><h2 id="problems-title">These filters cannot be used</h2><ul>${f.problems.map((p) => `<li>${html(p)}</li>`).join('')}</ul><p>Change them below; nothing else was shown.</p></div>`
    : '';
  return `${problems}<form method="get" action="/admin/outcomes" class="filters"><fieldset><legend>Filter the figures</legend>
<div><label for="f-from">From</label><input id="f-from" name="from" type="date" value="${html(v['from'] ?? '')}"></div>
<div><label for="f-to">To (inclusive)</label><input id="f-to" name="to" type="date" value="${html(v['to'] ?? '')}"></div>
${select('programme', 'Programme', f.choices.programmes.map((p) => ({ value: p.id, text: p.name })), v['programme'])}
${select('employer', 'Employer', f.choices.partners.map((p) => ({ value: p.id, text: p.name })), v['employer'])}
${select('route', 'Referral route', f.choices.referralCodes.map((c) => ({ value: c.code, text: `${c.label} (${c.code})` })), v['route'])}
${select('decile', 'IMD decile', deciles, v['decile'])}
<div><button type="submit">Show figures</button></div></fieldset></form>`;
}

function tableHtml(t: OutcomeTable): string {
  const [first, ...rest] = t.columns;
  return `<table id="table-${t.id}"><caption>${html(t.heading)}: the figures</caption>
<thead><tr><th scope="col">${html(first!)}</th>${rest.map((c) => `<th scope="col">${html(c)}</th>`).join('')}</tr></thead>
<tbody>${t.rows.length ? t.rows.map(([name, ...cells]) => `<tr><th scope="row">${html(name!)}</th>${cells.map((c) => `<td>${html(c)}</td>`).join('')}</tr>`).join('\n') : `<tr><td colspan="${t.columns.length}">Nothing in this period.</td></tr>`}</tbody></table>`;
}

/** What the suppression marks mean, under every chart (suppression.ts draws them). */
const MARKS = '“&lt;5” means 1 to 4 and “[c]” a figure hidden so that a “&lt;5” cannot be worked out from it: neither has a bar.';

function legendText(t: OutcomeTable): string {
  const [a, b] = t.chart.series;
  if (!b) return `Bars: ${a!.name.toLowerCase()}, with the count written at the end of each bar. ${MARKS}`;
  const second = t.chart.style === 'bar-and-marker' ? `white diamonds: ${b.name.toLowerCase()}` : `outlined, dashed bars: ${b.name.toLowerCase()}`;
  return `Solid bars: ${a!.name.toLowerCase()}; ${second}. Each value is written beside its bar. ${MARKS}`;
}

/**
 * charts.ts with vega and vega-lite (~45 MB resident once imported), loaded when the first chart is
 * drawn: most processes serve residents and never draw one.
 */
let charts: Promise<typeof import('./charts.ts')> | undefined;
function loadCharts(): Promise<typeof import('./charts.ts')> {
  // A failed load is tried again by the next page, not remembered.
  charts ??= import('./charts.ts').catch((err: unknown) => {
    charts = undefined;
    throw err;
  });
  return charts;
}

/** One section: heading, caption, chart, text legend, table, export link. */
export async function sectionHtml(t: OutcomeTable, query: string): Promise<string> {
  const chart = t.rows.length ? await (await loadCharts()).renderBarChart(t.chart, `chart-${t.id}`) : '';
  return `<section aria-labelledby="h-${t.id}"><h2 id="h-${t.id}">${html(t.heading)}</h2>
<p class="note">${html(t.caption)}</p>
${chart ? `<figure>${chart}<figcaption class="legend-text">${legendText(t)}</figcaption></figure>` : ''}
${tableHtml(t)}
<p class="no-print"><a href="/admin/outcomes/export/${t.id}.csv?${html(query)}" download>Download “${html(t.heading)}” as CSV</a></p></section>`;
}

export function periodText(from: Date, to: Date): string {
  const fmt = (d: Date) => d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
  return `${fmt(from)} to ${fmt(new Date(to.getTime() - 1))}`;
}

/**
 * What a partner's figures are made of, in plain words (docs/outcomes.md, "Who sees what"). A partner
 * with no referral routes (an employer only) brings nobody in: the steps before an application are
 * 0 for it by construction, and reach by decile, which counts residents at consent, has no figures.
 */
export function partnerViewText(noRoutes: boolean): string[] {
  const always =
    'You see the residents your referral routes brought and what happened on your vacancies; residents who applied to your vacancies but came another way are counted from their application on.';
  if (!noRoutes) return [always];
  return [
    always,
    'You have no referral routes, so no resident is counted as brought in by you: started, consented, eligible, booked and attended (and “Brought in”) are 0 here, and reach by deprivation decile, which counts residents when they consent, is left out. Your figures begin at “Applied”. Ask the network’s operator for a referral code if you want to bring residents in yourself.',
  ];
}

/** Sections that cannot have a figure for a partner without referral routes (their counts start at consent). */
const NEEDS_ROUTES: ReadonlySet<OutcomeTable['id']> = new Set(['reach-by-decile']);

function routesHtml(codes: ReferralCode[]): string {
  if (!codes.length) return '<section aria-labelledby="h-routes"><h2 id="h-routes">Your referral routes</h2><p>You have no referral codes yet: ask the network’s operator for one.</p></section>';
  const rows = codes
    .map(
      (c) =>
        `<tr><th scope="row">${html(c.label)}</th><td>${html(c.code)}</td><td>${c.retiredAt ? `retired ${html(dayOf(c.retiredAt))}` : 'in use'}</td><td><a href="/admin/referrals/${html(c.code)}/poster">Poster for ${html(c.label)}</a></td></tr>`,
    )
    .join('');
  return `<section aria-labelledby="h-routes"><h2 id="h-routes">Your referral routes</h2>
<table><caption>Your referral codes and their posters</caption><thead><tr><th scope="col">Route</th><th scope="col">Code</th><th scope="col">State</th><th scope="col">Poster</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

export async function dashboardPage(o: { who: Who; report: OutcomeReport; form: FilterForm; routes?: ReferralCode[] }): Promise<string> {
  const { report } = o;
  const query = queryOfFilters(report.filters);
  const noRoutes = o.routes !== undefined && o.routes.length === 0;
  const tables = outcomeTables(report).filter((t) => !(noRoutes && NEEDS_ROUTES.has(t.id)));
  const sections: string[] = [];
  for (const t of tables) sections.push(await sectionHtml(t, query));
  const scopeLine = o.who.scope.kind === 'network' ? 'the whole network' : `${o.who.label}: your referral routes and your vacancies only`;
  const partnerView = o.who.scope.kind === 'partner' ? `<div class="note" id="partner-view">${partnerViewText(noRoutes).map((p) => `<p>${html(p)}</p>`).join('')}</div>` : '';
  const body = `<p class="lead">${html(periodText(report.filters.from, report.filters.to))}, for ${html(scopeLine)}. Counts of 1 to 4 are shown as “&lt;5”, and a figure that would give one away is hidden as “[c]”, as UK official statistics do.</p>
${partnerView}
${filterFormHtml(o.form)}
${o.routes ? routesHtml(o.routes) : ''}
<ul class="exports no-print" aria-label="Reports">
<li><a href="/admin/outcomes/report?month=${html(dayOf(report.filters.from).slice(0, 7))}">Monthly report for ${html(dayOf(report.filters.from).slice(0, 7))} (printable)</a></li>
<li><a href="/admin/outcomes/report.pdf?month=${html(dayOf(report.filters.from).slice(0, 7))}">The same as PDF</a></li>
</ul>
${sections.join('\n')}
<p class="note">Handed to a person: ${html(report.handedToPerson.shown)}. Erased at the resident’s request: ${html(report.erased.shown)} (their figures stay counted; nothing names them). Generated ${html(report.generatedAt.toISOString().slice(0, 16).replace('T', ' '))} UTC.</p>`;
  return outcomesPage({ title: 'Reach and outcomes', body, who: { label: o.who.label, ...(o.who.csrf ? { csrf: o.who.csrf } : {}) } });
}

/** The page when the filters cannot be used: the problems and the form, no figures (status 400). */
export function badFiltersPage(o: { who: Who; form: FilterForm }): string {
  return outcomesPage({
    title: 'Reach and outcomes',
    body: filterFormHtml(o.form),
    who: { label: o.who.label, ...(o.who.csrf ? { csrf: o.who.csrf } : {}) },
  });
}

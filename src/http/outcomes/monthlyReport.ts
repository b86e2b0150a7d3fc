/**
 * The monthly one-page report (GET /admin/outcomes/report?month=YYYY-MM, and as PDF): the headline
 * figures for the network or one partner, decile-1 reach and the funnel table — the same shown
 * values as the dashboard, on one A4 page for a board paper or a funder.
 */
import type { OutcomeReport } from '../../domain/outcomes/outcomeReport.ts';
import { partnerViewText, periodText } from './dashboardPage.ts';
import { html } from './html.ts';
import { outcomeTables, STEP_LABELS, type OutcomeTable } from './outcomeTables.ts';
import { outcomesPage } from './outcomesPage.ts';

const REPORT_CSS = `
@page { size: A4 portrait; margin: 12mm; }
.report { font-size: .9rem; }
.report h2 { font-size: 1.15rem; margin: 1rem 0 .25rem; padding-top: .5rem; }
.report table { margin: .25rem 0 .5rem; }
.report th, .report td { padding: .2rem .4rem; }
.report .headline li { padding: .4rem .6rem; min-width: 8rem; }
.report .headline strong { font-size: 1.4rem; }
@media print { .report { font-size: 9.5pt; } h1 { font-size: 16pt; margin: 0 0 4pt; } }
`;

function smallTable(t: OutcomeTable): string {
  const [first, ...rest] = t.columns;
  return `<table><caption>${html(t.heading)}</caption><thead><tr><th scope="col">${html(first!)}</th>${rest.map((c) => `<th scope="col">${html(c)}</th>`).join('')}</tr></thead>
<tbody>${t.rows.length ? t.rows.map(([n, ...cells]) => `<tr><th scope="row">${html(n!)}</th>${cells.map((c) => `<td>${html(c)}</td>`).join('')}</tr>`).join('') : `<tr><td colspan="${t.columns.length}">Nothing in this month.</td></tr>`}</tbody></table>`;
}

/** `noRoutes`: the report is of a partner with no referral routes (it brings nobody in; dashboardPage.ts partnerViewText). */
export function monthlyReportPage(r: OutcomeReport, o: { month: string; scopeLabel: string; noRoutes?: boolean; who?: { label: string; csrf?: string | undefined } }): string {
  const step = (s: keyof typeof STEP_LABELS) => r.funnel.find((f) => f.step === s)?.residents.shown ?? '–';
  const headline = (['consented', 'booked', 'attended', 'applied', 'offered', 'started_job'] as const)
    .map((s) => `<li><strong>${html(step(s))}</strong>${html(STEP_LABELS[s])}</li>`)
    .join('');
  const d1 = r.reachByDecile.find((d) => d.decile === 1);
  const tables = outcomeTables(r);
  const byId = (id: OutcomeTable['id']) => tables.find((t) => t.id === id)!;
  const body = `<div class="report">
<p class="lead">${html(o.scopeLabel)} · ${html(periodText(r.filters.from, r.filters.to))}</p>
<h2>Headline figures</h2>
<ul class="headline">${headline}</ul>
${r.scope.kind === 'partner' ? `<p class="note">${html(partnerViewText(false)[0]!)}</p>` : ''}
<h2>Are we reaching decile 1?</h2>
${
  o.noRoutes
    ? '<p>You have no referral routes, so no resident is counted as brought in by you and there is no reach to show: the figures below begin at “Applied”.</p>'
    : `<p>Residents from the most deprived tenth of neighbourhoods (IMD 2019 decile 1): <strong>${html(d1?.residents.shown ?? '–')}</strong>${d1?.share ? `, ${html(d1.share)} of residents with a known neighbourhood` : ''}, against <strong>${html(d1?.areaShare ?? '–')}</strong> of the area’s neighbourhoods.</p>`
}
${smallTable(byId('decile1-by-route'))}
<h2>The funnel</h2>
${smallTable(byId('funnel'))}
<p class="note">Counts of 1 to 4 are shown as “&lt;5”, and a figure that would give one away as “[c]”. Generated ${html(r.generatedAt.toISOString().slice(0, 10))} by Anchorline.</p>
</div>`;
  return outcomesPage({ title: `Monthly report: ${o.month}`, body, css: REPORT_CSS, ...(o.who ? { who: o.who } : {}) });
}

/**
 * The report as tables: one list that the dashboard draws (chart and table), the CSV exports
 * write and the monthly report prints, so the three always show the same figures — the shown
 * values, suppression marks included ("<5"), never a raw small count.
 */
import { BREAKDOWN_STEPS, type BreakdownRow, type BreakdownStep, type FunnelStep, type OutcomeReport, type ShownCount } from '../../domain/outcomes/outcomeReport.ts';
import type { BarChart } from './charts.ts';

export const STEP_LABELS: Record<FunnelStep, string> = {
  started: 'Started a chat',
  consented: 'Consented',
  eligible: 'Eligible',
  booked: 'Booked a course',
  attended: 'Attended',
  applied: 'Applied',
  shortlisted: 'Shortlisted',
  interviewed: 'Interviewed',
  offered: 'Offered a job',
  started_job: 'Started a job',
};

export interface OutcomeTable {
  /** The export's name: /admin/outcomes/export/<id>.csv */
  id: TableId;
  heading: string;
  /** A sentence under the heading: what is counted. */
  caption: string;
  columns: string[];
  /** Each row: the first cell names it (a row header), the rest are shown values. */
  rows: string[][];
  /** The same figures for the chart above the table. */
  chart: BarChart;
}

export const TABLE_IDS = ['decile1-by-route', 'funnel', 'reach-by-decile', 'by-ward', 'by-route', 'by-language', 'by-age-band', 'weekly'] as const;
export type TableId = (typeof TABLE_IDS)[number];

const shown = (c: ShownCount) => c.shown;
const value = (c: ShownCount) => c.value;

/** The headline: decile-1 residents by referral route, stage by stage. */
const HEADLINE_STEPS: Array<[BreakdownStep, string]> = [
  ['consented', 'Brought in'],
  ['booked', 'Booked'],
  ['attended', 'Attended'],
  ['applied', 'Applied'],
  ['offered', 'Offered a job'],
];

function breakdownTable(id: TableId, heading: string, caption: string, first: string, rows: BreakdownRow[], chartTitle: string): OutcomeTable {
  return {
    id,
    heading,
    caption,
    columns: [first, ...BREAKDOWN_STEPS.map((s) => STEP_LABELS[s])],
    rows: rows.map((r) => [r.label, ...BREAKDOWN_STEPS.map((s) => shown(r.counts[s]))]),
    chart: {
      title: chartTitle,
      valueTitle: 'residents',
      categories: rows.map((r) => r.label),
      series: (['consented', 'applied'] as const).map((s) => ({ name: STEP_LABELS[s], values: rows.map((r) => value(r.counts[s])), shown: rows.map((r) => shown(r.counts[s])) })),
    },
  };
}

/** Every table of the report, in the dashboard's order. */
export function outcomeTables(r: OutcomeReport): OutcomeTable[] {
  const head = r.byReferralDecile1;
  const funnel = r.funnel;
  return [
    {
      id: 'decile1-by-route',
      heading: 'Residents from decile-1 neighbourhoods by referral route',
      caption: 'Residents whose neighbourhood is among the most deprived tenth in England (IMD 2019 decile 1), by the route that brought them in, and how far they got.',
      columns: ['Referral route', ...HEADLINE_STEPS.map(([, l]) => l)],
      rows: head.map((row) => [row.label, ...HEADLINE_STEPS.map(([s]) => shown(row.counts[s]))]),
      chart: {
        title: 'Decile-1 residents brought in and offered a job, by referral route',
        valueTitle: 'residents',
        categories: head.map((row) => row.label),
        series: [HEADLINE_STEPS[0]!, HEADLINE_STEPS[4]!].map(([s, name]) => ({ name, values: head.map((row) => value(row.counts[s])), shown: head.map((row) => shown(row.counts[s])) })),
      },
    },
    {
      id: 'funnel',
      heading: 'The funnel',
      caption:
        'Residents at each stage in the period; of the residents at the stage before, the share who also reached this one; and the median days from the stage before, over those who reached this one on the same day or later. Most residents apply in the chat where they book, before the session.',
      columns: ['Stage', 'Residents', 'Conversion from the stage before', 'Median days from the stage before'],
      rows: funnel.map((f) => [STEP_LABELS[f.step], shown(f.residents), f.conversion ?? '–', f.medianDays === null ? '–' : String(f.medianDays)]),
      chart: {
        title: 'Residents at each stage of the funnel',
        valueTitle: 'residents',
        categories: funnel.map((f) => STEP_LABELS[f.step]),
        series: [{ name: 'Residents', values: funnel.map((f) => value(f.residents)), shown: funnel.map((f) => (f.conversion ? `${shown(f.residents)} (${f.conversion})` : shown(f.residents))) }],
      },
    },
    {
      id: 'reach-by-decile',
      heading: 'Reach by deprivation decile',
      caption: "Consented residents by the IMD 2019 decile of their neighbourhood (1 = most deprived), against the area's share of neighbourhoods in that decile. Not known: no postcode, or one outside the area.",
      columns: ['IMD decile', 'Residents', 'Share of residents', "Area's share"],
      rows: [...r.reachByDecile.map((d) => [decileLabel(d.decile), shown(d.residents), d.share ?? '–', d.areaShare]), ['Not known', shown(r.decileUnknown), '–', '–']],
      chart: {
        title: "Share of residents from each deprivation decile, against the area's share",
        valueTitle: 'per cent',
        style: 'bar-and-marker',
        categories: r.reachByDecile.map((d) => decileLabel(d.decile)),
        series: [
          { name: 'Residents reached', values: r.reachByDecile.map((d) => d.shareValue), shown: r.reachByDecile.map((d) => d.share ?? (d.residents.value === null ? d.residents.shown : '–')) },
          { name: "Area's share", values: r.reachByDecile.map((d) => d.areaShareValue), shown: r.reachByDecile.map((d) => d.areaShare) },
        ],
      },
    },
    breakdownTable('by-ward', 'By ward', 'Residents by the ward of their neighbourhood.', 'Ward', r.byWard, 'Residents consented and applied, by ward'),
    breakdownTable('by-route', 'By referral route', 'Residents by the route that brought them in ("No route": a link or page without a referral code).', 'Referral route', r.byReferral, 'Residents consented and applied, by referral route'),
    breakdownTable('by-language', 'By language', 'Residents by the language they chatted in.', 'Language', r.byLanguage, 'Residents consented and applied, by language'),
    breakdownTable('by-age-band', 'By age band', 'Residents by age band.', 'Age band', r.byAgeBand, 'Residents consented and applied, by age band'),
    breakdownTable('weekly', 'Week by week', 'Residents by the week (starting Monday) of each stage.', 'Week starting', r.weekly, 'Residents consented and applied, week by week'),
  ];
}

export function decileLabel(d: number): string {
  return d === 1 ? 'Decile 1 (most deprived)' : d === 10 ? 'Decile 10 (least deprived)' : `Decile ${d}`;
}

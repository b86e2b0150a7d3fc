/**
 * The report's tables as CSV rows (issue 15, "CSV of every chart's table"): the same shown values
 * the dashboard prints — "<5", "[c]" and "–" included — never a raw count, since the report holds
 * none. Cells a spreadsheet would run as a formula (= + - @ first) get a leading `'`: route labels
 * are typed by coordinators.
 */
import { BREAKDOWN_STEPS, type BreakdownRow, type FunnelStep, type OutcomeReport } from './outcomeReport.ts';

export const STEP_LABELS: Record<FunnelStep, string> = {
  started: 'Started',
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

export interface CsvTable {
  /** A file-name-safe id: "funnel", "by-ward"… */
  id: string;
  title: string;
  header: string[];
  rows: string[][];
}

const guard = (cell: string) => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell);

function breakdown(id: string, title: string, keyTitle: string, rows: BreakdownRow[]): CsvTable {
  return {
    id,
    title,
    header: [keyTitle, 'Label', ...BREAKDOWN_STEPS.map((s) => STEP_LABELS[s])],
    rows: rows.map((r) => [r.key, r.label, ...BREAKDOWN_STEPS.map((s) => r.counts[s].shown)]),
  };
}

/** Every chart's table, in the dashboard's order. */
export function csvTables(report: OutcomeReport): CsvTable[] {
  const tables: CsvTable[] = [
    {
      id: 'funnel',
      title: 'Funnel',
      header: ['Step', 'Residents', 'Conversion from the previous step', 'Median days from the previous step'],
      rows: report.funnel.map((f) => [STEP_LABELS[f.step], f.residents.shown, f.conversion ?? '', f.medianDays === null ? '' : String(f.medianDays)]),
    },
    {
      id: 'side-counts',
      title: 'Handed to a person and erased in the period',
      header: ['What', 'Residents'],
      rows: [
        ['Handed to a person', report.handedToPerson.shown],
        ['Erased their data', report.erased.shown],
      ],
    },
    {
      id: 'reach-by-decile',
      title: 'Reach by IMD 2019 decile (1 = most deprived)',
      header: ['Decile', 'Residents', 'Share of residents with a known decile', "Share of the area's neighbourhoods"],
      rows: [...report.reachByDecile.map((d) => [String(d.decile), d.residents.shown, d.share ?? '', d.areaShare]), ['Not known', report.decileUnknown.shown, '', '']],
    },
    breakdown('by-ward', 'By ward', 'Ward code', report.byWard),
    breakdown('by-referral-route', 'By referral route', 'Referral code', report.byReferral),
    breakdown('decile-1-by-referral-route', 'Residents from decile-1 neighbourhoods by referral route', 'Referral code', report.byReferralDecile1),
    breakdown('by-language', 'By language', 'Language code', report.byLanguage),
    breakdown('by-age-band', 'By age band', 'Age band', report.byAgeBand),
    breakdown('weekly', 'Weekly activity (residents with an event of the step in the week)', 'Week (Monday)', report.weekly),
  ];
  return tables.map((t) => ({ ...t, header: t.header.map(guard), rows: t.rows.map((r) => r.map(guard)) }));
}

/** All tables in one CSV: a title row, the header, the rows, and an empty row between tables. */
export function toCsvRows(report: OutcomeReport): string[][] {
  const out: string[][] = [];
  for (const t of csvTables(report)) {
    if (out.length > 0) out.push([]);
    out.push([t.title], t.header, ...t.rows);
  }
  return out;
}

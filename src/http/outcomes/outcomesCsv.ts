/**
 * One table of the report as CSV for spreadsheets: UTF-8 with a byte order mark (Excel reads the
 * en dash and ward names right), CRLF rows, every cell guarded against formulas (csvField), and
 * the values exactly as shown on the page — "<5", never the count it hides.
 */
import { toCsv } from '../../domain/shared/csv.ts';
import type { OutcomeReport } from '../../domain/outcomes/outcomeReport.ts';
import { dayOf, lastDayOf } from './filters.ts';
import type { OutcomeTable } from './outcomeTables.ts';

export function tableCsv(t: OutcomeTable): string {
  return `\uFEFF${toCsv(t.columns, t.rows)}`;
}

/** The file name says what and when: funnel-2026-10-01-to-2026-10-31.csv */
export function csvFileName(t: OutcomeTable, r: OutcomeReport): string {
  const scope = r.scope.kind === 'partner' ? `${r.scope.partnerId}-` : '';
  return `${scope}${t.id}-${dayOf(r.filters.from)}-to-${lastDayOf(r.filters.to)}.csv`;
}

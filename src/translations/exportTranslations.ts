import { stringify } from 'csv-stringify/sync';
import js2xliff from 'xliff/js2xliff';
import type { CatalogueEntry, Wording } from './catalogue.ts';
import { pluralCategories } from './plurals.ts';
import type { TranslationStatus } from './status.ts';

export const EXPORT_FORMATS = ['xliff', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The CSV's columns, in the order an export writes them (an import finds them by name). */
export const CSV_COLUMNS = ['key', 'english', 'translation', 'status', 'max_length', 'used_at', 'notes'] as const;

/** A list is one cell or segment: one item per line. */
export const cellText = (v: Wording | undefined): string => (v === undefined ? '' : Array.isArray(v) ? v.join('\n') : v);

/**
 * Our status in XLIFF 2.0: the segment's `state` (initial, translated, reviewed, final) says it
 * for any tool, and `subState="anchorline:<status>"` keeps ours exactly (machine and
 * needs-review are both `translated`). No translation yet: `initial`.
 */
export function xliffState(status: TranslationStatus | undefined): { state: string; subState?: string } {
  if (status === undefined) return { state: 'initial' };
  return { state: status === 'reviewed' ? 'reviewed' : 'translated', subState: `anchorline:${status}` };
}

/** The notes a translator reads beside a string (XLIFF notes; the CSV's used_at and notes columns). */
function notesOf(e: CatalogueEntry, lang: string): string[] {
  const out: string[] = [];
  if (e.list) out.push('list: one item per line; residents may type any of them');
  if (e.plural) {
    out.push(`plural form "${e.plural.category}" of ${e.plural.base}: translates the English "${e.plural.englishForm}" form; ${lang} needs ${pluralCategories(lang).join(', ')}`);
  }
  out.push(`file: locales/${lang}/${e.file}.json`);
  return out;
}

/** XLIFF 2.0 (srcLang en): one <file> per wording file, one <unit> per string, notes for where used, length limit and status. */
export async function exportXliff(entries: readonly CatalogueEntry[], lang: string): Promise<string> {
  const resources: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const e of entries) {
    const notes = [...e.usedAt.map((u) => `used at: ${u}`), ...(e.maxLength ? [`max length: ${e.maxLength} characters (a button)`] : []), ...notesOf(e, lang), `status: ${e.status ?? 'not translated'}`];
    (resources[e.file] ??= {})[e.key] = {
      source: cellText(e.source),
      ...(e.target !== undefined ? { target: cellText(e.target) } : {}),
      note: notes,
      ...(e.maxLength ? { additionalAttributes: { sizeRestriction: e.maxLength } } : {}),
    };
  }
  const xml = await js2xliff({ sourceLanguage: 'en', targetLanguage: lang, resources }, { indent: '  ' });
  // The library writes <segment> without attributes: add each unit's state, in the same order.
  const ordered = Object.values(resources).flatMap((units) => Object.keys(units));
  const byKey = new Map(entries.map((e) => [e.key, e]));
  let i = 0;
  const withStates = xml.replace(/<segment>/g, () => {
    const s = xliffState(byKey.get(ordered[i++]!)?.status);
    return `<segment state="${s.state}"${s.subState ? ` subState="${s.subState}"` : ''}>`;
  });
  if (i !== ordered.length) throw new Error(`xliff export: ${ordered.length} units but ${i} segments`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${withStates}\n`;
}

/**
 * A CSV cell a spreadsheet will not run as a formula: a cell beginning with = + - or @ gets a `'`
 * in front (so does one already beginning with `'`s before one of them, so that
 * `unescapeCsvCell` takes exactly one off and a round trip is byte-identical).
 */
export const escapeCsvCell = (cell: string): string => (/^'*[=+\-@]/.test(cell) ? `'${cell}` : cell);

/** A cell as exported before `escapeCsvCell`: one `'` taken off a cell of `'`s then = + - or @. */
export const unescapeCsvCell = (cell: string): string => (/^'+[=+\-@]/.test(cell) ? cell.slice(1) : cell);

/** CSV for spreadsheets: UTF-8 with a byte order mark (Excel), CRLF rows, quoted where needed, lists one item per line in the cell, no cell a formula. */
export function exportCsv(entries: readonly CatalogueEntry[], lang: string): string {
  const rows = entries.map((e) => [e.key, cellText(e.source), cellText(e.target), e.status ?? '', e.maxLength ? String(e.maxLength) : '', e.usedAt.join('\n'), notesOf(e, lang).join('\n')].map(escapeCsvCell));
  return `\uFEFF${stringify([[...CSV_COLUMNS], ...rows], { record_delimiter: '\r\n', quoted_match: /[\r\n]/ })}`;
}

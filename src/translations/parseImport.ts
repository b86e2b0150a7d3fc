import { parse, type Options } from 'csv-parse/sync';
import xliff2js from 'xliff/xliff2js';
import { CSV_COLUMNS, unescapeCsvCell } from './exportTranslations.ts';

/** One string of a translator's file, with the line it starts on. */
export interface ImportRow {
  line: number;
  key: string;
  /** The English the translator saw (absent when the file has no English). */
  english?: string;
  translation: string;
  /** As the file says it: one of ours, or something to report. Undefined: not given. */
  status?: string;
  /** The language the row says it was exported for (CSV notes `file: locales/<lang>/…`), if any. */
  lang?: string;
}

export interface ImportProblem {
  line: number;
  key?: string;
  message: string;
}

export interface ParsedImport {
  rows: ImportRow[];
  problems: ImportProblem[];
  /** XLIFF trgLang and the line of its <xliff> element. */
  targetLanguage?: { lang: string; line: number };
}

const lf = (s: string) => s.replace(/\r\n?/g, '\n');
const lineAt = (text: string, index: number) => {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) n++;
  return n;
};

/**
 * A spreadsheet's CSV as rows, by header name (columns in any order; extra columns ignored):
 * with or without a byte order mark, LF or CRLF, re-quoted fields, trailing empty rows. A row's
 * line is the line it starts on (a cell with a list spans several lines). A cell the export
 * guarded against formulas (`'=…`) is read without the `'`.
 */
export async function parseCsvImport(text: string): Promise<ParsedImport> {
  const problems: ImportProblem[] = [];
  const records: Array<{ fields: string[]; line: number }> = [];
  let next = 1;
  try {
    parse(text, {
      bom: true,
      raw: true,
      relax_column_count: true,
      // Called for each record as it is read, so the lines are known up to a record that cannot be read.
      // With raw, csv-parse hands on_record { record, raw } (its types say string[]).
      on_record: ((r: { record: string[]; raw: string }) => {
        records.push({ fields: r.record, line: next });
        // raw ends with the record's line break (its \r only, with CRLF): count the line breaks inside.
        next += (r.raw.replace(/\r?\n$|\r$/, '').match(/\n/g)?.length ?? 0) + 1;
        return null;
      }) as unknown as Options['on_record'],
    });
  } catch (err) {
    // The row that cannot be read starts on the line after the last good one (an unclosed quote is only noticed at the end of the file).
    problems.push({ line: next, message: `malformed CSV: ${(err as Error).message.replace(/ at line \d+/, '')}` });
  }
  if (problems.length) return { rows: [], problems };
  const [header, ...body] = records;
  if (!header) return { rows: [], problems: [{ line: 1, message: 'the file is empty: it needs a header row (key, english, translation, status)' }] };
  const names = header.fields.map((h) => h.trim().toLowerCase().replace(/^\uFEFF/, ''));
  const col = (name: string) => names.indexOf(name);
  const missing = ['key', 'translation', 'status'].filter((c) => col(c) < 0);
  if (missing.length) return { rows: [], problems: [{ line: header.line, message: `the header row lacks column(s) ${missing.join(', ')} (expected ${CSV_COLUMNS.join(', ')})` }] };
  const rows: ImportRow[] = [];
  for (const r of body) {
    // The export's formula guard (`'` before = + - @) is taken off again.
    const get = (name: string) => {
      const cell = col(name) >= 0 ? r.fields[col(name)] : undefined;
      return cell === undefined ? undefined : unescapeCsvCell(cell);
    };
    if (r.fields.every((f) => f.trim() === '')) continue;
    const key = (get('key') ?? '').trim();
    if (!key) {
      problems.push({ line: r.line, message: 'a row without a key' });
      continue;
    }
    const english = get('english');
    const status = (get('status') ?? '').trim();
    const lang = /(?:^|\n)file: locales\/([^/\n]+)\//.exec(lf(get('notes') ?? ''))?.[1];
    rows.push({ line: r.line, key, translation: lf(get('translation') ?? ''), ...(english !== undefined ? { english: lf(english) } : {}), ...(status ? { status } : {}), ...(lang ? { lang } : {}) });
  }
  return { rows, problems };
}

const XLIFF_STATES = ['initial', 'translated', 'reviewed', 'final'];

/**
 * Our status from a segment's XLIFF 2.0 state: `subState="anchorline:<status>"` when it agrees
 * with the state, else what the state says (a tool that marks a segment reviewed or final
 * changes the state and leaves our subState behind: the state wins).
 */
export function statusFromXliff(state: string | undefined, subState: string | undefined): string | undefined {
  const ours = subState?.startsWith('anchorline:') ? subState.slice('anchorline:'.length) : undefined;
  if (state !== undefined && !XLIFF_STATES.includes(state)) return `state="${state}"`;
  const done = state === 'reviewed' || state === 'final';
  if (ours !== undefined) {
    if (!['machine', 'needs-review', 'reviewed'].includes(ours)) return `subState="${subState}"`;
    if (done) return 'reviewed';
    if (ours === 'reviewed') return 'needs-review';
    return ours;
  }
  if (done) return 'reviewed';
  return undefined;
}

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const attr = (tag: string, name: string) => {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(tag);
  return m ? decode(m[1] ?? m[2]!) : undefined;
};

/**
 * An XLIFF 2.0 file as rows. The xliff package reads sources, targets and notes; each unit's line,
 * state and subState come from the raw text (the package drops segment attributes), and malformed
 * XML is reported with its line.
 */
export async function parseXliffImport(text: string): Promise<ParsedImport> {
  let js: { sourceLanguage?: string; targetLanguage?: string; resources?: Record<string, Record<string, { source?: unknown; target?: unknown; groupUnits?: unknown }>> };
  try {
    js = (await xliff2js(text)) as typeof js;
  } catch (err) {
    // The XML parser (sax) counts lines from 0; an error it does not place is put on line 1.
    const m = /Line: (\d+)/.exec((err as Error).message);
    return { rows: [], problems: [{ line: m ? Number(m[1]) + 1 : 1, message: `malformed XML: ${(err as Error).message.split('\n')[0]}` }] };
  }
  const root = /<xliff\b[^>]*>/.exec(text);
  if (!root || !js.resources) return { rows: [], problems: [{ line: root ? lineAt(text, root.index) : 1, message: 'not an XLIFF 2.0 file (<xliff version="2.0">)' }] };
  const rootLine = lineAt(text, root.index);
  const problems: ImportProblem[] = [];
  if (js.sourceLanguage !== 'en') problems.push({ line: rootLine, message: `srcLang is "${js.sourceLanguage ?? ''}": the source language must be en` });
  // Each unit's line and segment attributes, in document order.
  const units = new Map<string, Array<{ line: number; state?: string; subState?: string }>>();
  for (const m of text.matchAll(/<unit\b[^>]*>[\s\S]*?<\/unit>|<unit\b[^>]*\/>/g)) {
    const open = /<unit\b[^>]*>/.exec(m[0])![0];
    const id = attr(open, 'id');
    if (id === undefined) continue;
    const seg = /<segment\b[^>]*>/.exec(m[0])?.[0];
    const state = seg ? attr(seg, 'state') : undefined;
    const subState = seg ? attr(seg, 'subState') : undefined;
    units.set(id, [...(units.get(id) ?? []), { line: lineAt(text, m.index), ...(state !== undefined ? { state } : {}), ...(subState !== undefined ? { subState } : {}) }]);
  }
  const rows: ImportRow[] = [];
  const valueText = (v: unknown): string | undefined => (v === undefined ? undefined : typeof v === 'string' ? v : Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : '')).join('') : '');
  const seen = new Map<string, number>();
  for (const file of Object.values(js.resources)) {
    for (const [key, unit] of Object.entries(file)) {
      if (unit.groupUnits !== undefined) continue;
      const n = seen.get(key) ?? 0;
      seen.set(key, n + 1);
      const at = units.get(key)?.[n] ?? { line: rootLine };
      const status = statusFromXliff(at.state, at.subState);
      const english = valueText(unit.source);
      rows.push({ line: at.line, key, translation: lf(valueText(unit.target) ?? ''), ...(english !== undefined ? { english: lf(english) } : {}), ...(status !== undefined ? { status } : {}) });
    }
  }
  return { rows, problems, ...(js.targetLanguage ? { targetLanguage: { lang: js.targetLanguage, line: rootLine } } : { targetLanguage: { lang: '', line: rootLine } }) };
}

import { z } from 'zod';
import type { Db } from '../../store/db.ts';
import { CsvSyntaxError, parseCsv } from '../shared/csv.ts';
import { bookingIdSchema, markAttendance, refusalText, sessionIdSchema } from './attendance.ts';

/** Columns of an attendance CSV, in any order; the header row names them. */
export const ATTENDANCE_CSV_COLUMNS = ['session_id', 'booking_id', 'attended'] as const;

export type AttendanceImportResult =
  /** `changed`: marks that were new or turned went / did not go round; the rest were as marked already. */
  | { type: 'imported'; rows: number; changed: number }
  | { type: 'invalid'; errors: Array<{ line: number; message: string }> };

const YES = new Set(['yes', 'true', '1']);
const NO = new Set(['no', 'false', '0']);

const rowSchema = z.object({
  session_id: sessionIdSchema,
  booking_id: bookingIdSchema,
  attended: z
    .string()
    .transform((v) => v.trim().toLowerCase())
    .refine((v) => YES.has(v) || NO.has(v), 'use yes or no (or true/false, 1/0)')
    .transform((v) => YES.has(v)),
});

/** Thrown inside the transaction to undo every mark of a file that has a problem. */
class Refused extends Error {}

/**
 * Marks attendance from a coordinator's CSV (`session_id,booking_id,attended`): every row is
 * checked first (syntax, then against the database inside one transaction) and every problem is
 * reported with its line; a file with any problem changes nothing. Marks are the coordinator's
 * (`csv`), so they win over residents' answers; importing the same file twice changes nothing.
 */
export async function importAttendanceCsv(db: Db, text: string, now: Date): Promise<AttendanceImportResult> {
  let records;
  try {
    records = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError) return { type: 'invalid', errors: [{ line: err.line, message: err.message.replace(/^line \d+: /, '') }] };
    throw err;
  }
  const [header, ...rows] = records;
  if (!header) return { type: 'invalid', errors: [{ line: 1, message: 'the file is empty' }] };
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const missing = ATTENDANCE_CSV_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length) return { type: 'invalid', errors: [{ line: header.line, message: `missing columns: ${missing.join(', ')} (the header is session_id,booking_id,attended)` }] };
  if (rows.length === 0) return { type: 'invalid', errors: [{ line: header.line, message: 'no rows after the header' }] };

  const errors: Array<{ line: number; message: string }> = [];
  const good: Array<{ line: number; sessionId: string; bookingId: number; attended: boolean }> = [];
  const seen = new Map<number, number>();
  for (const row of rows) {
    if (row.fields.length !== names.length) {
      errors.push({ line: row.line, message: `expected ${names.length} fields, found ${row.fields.length}` });
      continue;
    }
    const rec = Object.fromEntries(names.map((n, i) => [n, row.fields[i]!.trim()]));
    const parsed = rowSchema.safeParse(rec);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push({ line: row.line, message: `${issue.path.join('.') || 'row'}: ${issue.message}` });
      continue;
    }
    const first = seen.get(parsed.data.booking_id);
    if (first !== undefined) errors.push({ line: row.line, message: `booking ${parsed.data.booking_id} is already on line ${first}` });
    seen.set(parsed.data.booking_id, row.line);
    good.push({ line: row.line, sessionId: parsed.data.session_id, bookingId: parsed.data.booking_id, attended: parsed.data.attended });
  }
  if (errors.length) return { type: 'invalid', errors: errors.sort((a, b) => a.line - b.line) };

  let changed = 0;
  try {
    await db.transaction(async (tx) => {
      for (const g of good) {
        const r = await markAttendance(tx, g, { source: 'coordinator', markedBy: 'csv' }, now);
        if (r.type === 'marked') changed += r.changed ? 1 : 0;
        // A coordinator's mark is never refused as "already marked"; every other outcome is a problem.
        else if (r.type !== 'alreadyMarked') errors.push({ line: g.line, message: refusalText(r) });
      }
      if (errors.length) throw new Refused();
    });
  } catch (err) {
    if (err instanceof Refused) return { type: 'invalid', errors };
    throw err;
  }
  return { type: 'imported', rows: good.length, changed };
}

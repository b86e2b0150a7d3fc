import { z } from 'zod';
import { coursesRepo } from '../../store/courses/coursesRepo.ts';
import type { Db } from '../../store/db.ts';
import { CsvSyntaxError, parseCsv } from '../shared/csv.ts';
import { sessionInputSchema, type SessionInput } from './courseFileSchema.ts';
import { defaultCourseOptions, type CourseOptions } from './courseOptions.ts';
import { offerFreeSeats } from './seatOffers.ts';
import { upsertSession } from './upsertSession.ts';

/** Columns of a sessions CSV, in any order; the header row names them. */
export const SESSION_CSV_COLUMNS = [
  'id',
  'course_id',
  'venue_name',
  'venue_address',
  'venue_accessible',
  'start_date',
  'start_time',
  'end_time',
  'capacity',
] as const;

export const importErrorSchema = z.object({ line: z.number(), message: z.string() });
export type ImportError = z.infer<typeof importErrorSchema>;

export type ImportResult = { type: 'imported'; sessions: number } | { type: 'invalid'; errors: ImportError[] };

const yes = new Set(['yes', 'y', 'true', '1']);
const no = new Set(['no', 'n', 'false', '0']);

function toInput(rec: Record<string, string>): unknown {
  const accessible = rec.venue_accessible?.trim().toLowerCase() ?? '';
  return {
    id: rec.id?.trim(),
    venue: {
      name: rec.venue_name?.trim(),
      address: rec.venue_address?.trim(),
      accessible: yes.has(accessible) ? true : no.has(accessible) ? false : rec.venue_accessible,
    },
    startDate: rec.start_date?.trim(),
    startTime: rec.start_time?.trim(),
    endTime: rec.end_time?.trim(),
    capacity: /^\d+$/.test(rec.capacity?.trim() ?? '') ? Number(rec.capacity) : rec.capacity,
  };
}

/**
 * Imports sessions from CSV text: every row is validated first and every problem is
 * reported with its line number; only a file with no problems is written, in one
 * transaction, so nothing is ever half-imported. Sessions written here belong to the
 * import from then on: seeding from flows/courses.yaml never overwrites them.
 */
export async function importSessionsCsv(
  db: Db,
  text: string,
  opts: { now?: Date; options?: CourseOptions } = {},
): Promise<ImportResult> {
  let records;
  try {
    records = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError) return { type: 'invalid', errors: [{ line: err.line, message: err.message }] };
    throw err;
  }
  const [header, ...rows] = records;
  if (!header) return { type: 'invalid', errors: [{ line: 1, message: 'the file is empty' }] };
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const missing = SESSION_CSV_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length) return { type: 'invalid', errors: [{ line: header.line, message: `missing columns: ${missing.join(', ')}` }] };

  const errors: ImportError[] = [];
  const good: { line: number; courseId: string; session: SessionInput }[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    if (row.fields.length !== names.length) {
      errors.push({ line: row.line, message: `expected ${names.length} fields, found ${row.fields.length}` });
      continue;
    }
    const rec = Object.fromEntries(names.map((n, i) => [n, row.fields[i]!]));
    const parsed = sessionInputSchema.safeParse(toInput(rec));
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        errors.push({ line: row.line, message: `${issue.path.join('.') || 'row'}: ${issue.message}` });
      }
      continue;
    }
    const first = seen.get(parsed.data.id);
    if (first !== undefined) errors.push({ line: row.line, message: `session id ${parsed.data.id} already on line ${first}` });
    seen.set(parsed.data.id, row.line);
    good.push({ line: row.line, courseId: rec.course_id!.trim(), session: parsed.data });
  }
  if (rows.length === 0) errors.push({ line: header.line, message: 'no sessions after the header' });

  const courseIds = [...new Set(good.map((g) => g.courseId))];
  const knownIds = new Set((await coursesRepo.byIds(db, courseIds)).map((c) => c.id));
  for (const g of good) {
    if (!knownIds.has(g.courseId)) errors.push({ line: g.line, message: `course_id: no course ${g.courseId}` });
  }
  if (errors.length) return { type: 'invalid', errors: errors.sort((a, b) => a.line - b.line) };

  const env = { now: opts.now ?? new Date(), options: opts.options ?? defaultCourseOptions };
  class Refused extends Error {
    constructor(readonly line: number, readonly id: string) {
      super('capacity below seats held');
    }
  }
  try {
    await db.transaction(async (tx) => {
      for (const g of good) {
        if (!(await upsertSession(tx, g.courseId, g.session, 'import', env))) throw new Refused(g.line, g.session.id);
        await offerFreeSeats(tx, g.session.id, env);
      }
    });
  } catch (err) {
    if (err instanceof Refused) {
      return { type: 'invalid', errors: [{ line: err.line, message: `capacity: below the seats already booked for ${err.id}` }] };
    }
    throw err;
  }
  return { type: 'imported', sessions: good.length };
}

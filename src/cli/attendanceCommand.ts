/**
 * anchorline attendance list <session-id>
 * anchorline attendance mark <session-id> <booking-id>… --attended|--absent
 * anchorline attendance import <file.csv>
 *
 * Coordinators mark who went to a course session (issue 15): from the register they kept on paper,
 * by booking number. The register shows booking numbers, when each was made and the resident's
 * language, never a name or anything the resident wrote. A mark here wins over a resident's own
 * answer in chat and may be corrected by marking again.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { bookingIdSchema, markAttendance, refusalText, sessionIdSchema, type MarkResult } from '../domain/outcomes/attendance.ts';
import { importAttendanceCsv } from '../domain/outcomes/importAttendanceCsv.ts';
import { attendanceRepo, type AttendanceMark } from '../store/attendance.ts';
import type { Db } from '../store/db.ts';

export const ATTENDANCE_USAGE = `  anchorline attendance list <session-id>
  anchorline attendance mark <session-id> <booking-id>... --attended|--absent
  anchorline attendance import <file.csv>      (columns session_id,booking_id,attended: yes/no)`;

export interface AttendanceIo {
  /** Runs fn with the configured database open (migrations applied). */
  withDb<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  out(line: string): void;
  err(line: string): void;
  now(): Date;
  readFile?(file: string): Promise<string>;
}

class AttendanceUsageError extends Error {}

const markArgs = z.object({
  sessionId: sessionIdSchema,
  bookingIds: z.array(bookingIdSchema).min(1, 'name at least one booking number'),
});

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new AttendanceUsageError(r.error.issues.map((i) => i.message).join('; '));
  return r.data;
}

const stamp = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z').replace('T', ' ');
export const markWord = (m: Pick<AttendanceMark, 'attended'> | null) => (m === null ? 'not marked' : m.attended ? 'went' : 'did not go');

function columns(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((x, i) => (i === r.length - 1 ? x : x.padEnd(widths[i]!))).join('  ').trimEnd());
}

async function list(io: AttendanceIo, sessionId: string): Promise<number> {
  return io.withDb(async (db) => {
    const session = await attendanceRepo.sessionStart(db, sessionId);
    if (!session) {
      io.err(`no session "${sessionId}"`);
      return 1;
    }
    const lines = await attendanceRepo.register(db, sessionId);
    const started = session.startsAt <= io.now();
    io.out(`session ${sessionId}, starts ${stamp(session.startsAt)}${session.cancelled ? ' (cancelled)' : ''}: ${lines.length} booked`);
    if (!started) io.out('It has not started yet: attendance can be marked once it has.');
    if (lines.length === 0) return 0;
    io.out('');
    const rows = lines.map((l) => [String(l.bookingId), stamp(l.bookedAt), l.language, markWord(l.mark), l.mark ? `${l.mark.markedBy}, ${stamp(l.mark.markedAt)}` : '-']);
    for (const line of columns([['booking number', 'booked at', 'language', 'attendance', 'marked by'], ...rows])) io.out(line);
    return 0;
  });
}

class Refused extends Error {}

async function mark(io: AttendanceIo, sessionId: string, bookingIds: number[], attended: boolean): Promise<number> {
  const problems: string[] = [];
  const done: Array<Extract<MarkResult, { type: 'marked' }>> = [];
  try {
    await io.withDb((db) =>
      db.transaction(async (tx) => {
        for (const bookingId of bookingIds) {
          const r = await markAttendance(tx, { bookingId, attended, sessionId }, { source: 'coordinator', markedBy: 'cli' }, io.now());
          if (r.type === 'marked') done.push(r);
          else if (r.type !== 'alreadyMarked') problems.push(refusalText(r));
        }
        // All or nothing: a typo in one booking number must not leave the others half-done.
        if (problems.length) throw new Refused();
      }),
    );
  } catch (err) {
    if (!(err instanceof Refused)) throw err;
    for (const p of problems) io.err(p);
    io.err(`nothing marked: ${problems.length} problem(s)`);
    return 1;
  }
  for (const r of done) {
    const before = r.previous ? `${markWord(r.previous)}, by ${r.previous.markedBy}` : 'not marked';
    io.out(`booking ${r.bookingId}: ${markWord(r)} (${r.changed ? `before: ${before}` : 'unchanged'})`);
  }
  return 0;
}

async function importFile(io: AttendanceIo, file: string): Promise<number> {
  const text = await (io.readFile ?? ((f: string) => readFile(f, 'utf8')))(file).catch((err: NodeJS.ErrnoException) => {
    throw new AttendanceUsageError(`cannot read ${file}: ${err.code ?? err.message}`);
  });
  const r = await io.withDb((db) => importAttendanceCsv(db, text, io.now()));
  if (r.type === 'invalid') {
    for (const e of r.errors) io.err(`${file}:${e.line}: ${e.message}`);
    io.err(`nothing imported: ${r.errors.length} problem(s)`);
    return 1;
  }
  io.out(`imported ${r.rows} row(s): ${r.changed} mark(s) new or changed, ${r.rows - r.changed} as they were`);
  return 0;
}

/** Runs `attendance …` (argv after `attendance`); returns the exit code (1: refused, 2: usage). */
export async function attendanceCommand(argv: string[], io: AttendanceIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { attended: { type: 'boolean' }, absent: { type: 'boolean' } },
    });
    const [cmd, ...rest] = positionals;
    if (cmd !== 'mark' && (values.attended || values.absent)) throw new AttendanceUsageError('--attended and --absent go with mark only');
    switch (cmd) {
      case 'list': {
        if (rest.length !== 1) throw new AttendanceUsageError('attendance list needs one session id');
        return await list(io, parse(sessionIdSchema, rest[0]));
      }
      case 'mark': {
        if (Boolean(values.attended) === Boolean(values.absent)) throw new AttendanceUsageError('say --attended or --absent (one of them)');
        const a = parse(markArgs, { sessionId: rest[0], bookingIds: rest.slice(1) });
        if (new Set(a.bookingIds).size !== a.bookingIds.length) throw new AttendanceUsageError('a booking number is named twice');
        return await mark(io, a.sessionId, a.bookingIds, Boolean(values.attended));
      }
      case 'import': {
        if (rest.length !== 1) throw new AttendanceUsageError('attendance import needs one CSV file');
        return await importFile(io, rest[0]!);
      }
      default:
        throw new AttendanceUsageError(`unknown command: attendance ${cmd ?? ''}`.trimEnd());
    }
  } catch (err) {
    if (err instanceof AttendanceUsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${(err as Error).message}\nusage:\n${ATTENDANCE_USAGE}`);
      return 2;
    }
    throw err;
  }
}

import { coursesRepo, type CourseValues } from '../../store/courses/coursesRepo.ts';
import { courseSessionsRepo, type SessionValues, type StoredSession } from '../../store/courses/courseSessionsRepo.ts';
import type { Db, Queryable } from '../../store/db.ts';
import { lockSeeding } from '../../store/lockSeeding.ts';
import { differences, type SeedConflict, type SeedMode, type Shown } from '../coordinatorData/seedConflict.ts';
import { seedRows } from '../coordinatorData/seedRows.ts';
import { loadYamlFile } from '../shared/yamlFile.ts';
import { courseFileSchema, englishOf, type CourseFile, type CourseInput } from './courseFileSchema.ts';
import { defaultCourseOptions, type BookingEnv, type CourseOptions } from './courseOptions.ts';
import { COURSE_TIME_ZONE } from './formatWhen.ts';
import { offerFreeSeats } from './seatOffers.ts';
import { sessionValues, upsertSession } from './upsertSession.ts';

export interface SeedCoursesReport {
  /** Courses and sessions in the file. */
  courses: number;
  sessions: number;
  /** Rows that did not exist and were added (in 'check' mode: would be). */
  added: { courses: number; sessions: number };
  /** Existing rows changed to the file's values ('applyFile' only). */
  updated: { courses: number; sessions: number };
  conflicts: SeedConflict[];
}

export interface SeedCoursesOptions {
  now?: Date;
  options?: CourseOptions;
  /** Default 'insertNew': what every start-up does (see SeedMode). */
  mode?: SeedMode;
  /** The name conflicts are reported under. */
  file?: string;
}

function courseValues(c: CourseInput): CourseValues {
  const { id, name, programme, jobFamily, lengthWeeks, guaranteedInterview, languages } = c;
  return { id, name: englishOf(name), programmeId: programme, jobFamily, lengthWeeks, guaranteedInterview, languages };
}

/** A course's fields as flows/courses.yaml names them. */
const courseFields = (c: CourseValues): Record<string, Shown> => ({
  name: c.name,
  programme: c.programmeId,
  jobFamily: c.jobFamily,
  lengthWeeks: c.lengthWeeks,
  guaranteedInterview: c.guaranteedInterview,
  languages: c.languages,
});

const sessionFields = (s: SessionValues): Record<string, Shown> => ({
  course: s.courseId,
  'venue.name': s.venueName,
  'venue.address': s.venueAddress,
  'venue.accessible': s.venueAccessible,
  startDate: s.startDate,
  startTime: s.startTime,
  endTime: s.endTime,
  capacity: s.capacity,
});

/**
 * Loads flows/courses.yaml into the database in one transaction. What the file adds is
 * inserted; what exists is kept or, with mode 'applyFile', updated where that is safe
 * (see SeedMode). Never throws because of what is in the database: a value not applied
 * is reported in `conflicts`.
 * @throws DataFileError naming the file and path of every problem in the file.
 */
export async function seedCourses(db: Db, file = 'flows/courses.yaml', opts: SeedCoursesOptions = {}): Promise<SeedCoursesReport> {
  const data = await loadYamlFile(file, courseFileSchema);
  return seedCourseData(db, data, { file, ...opts });
}

export async function seedCourseData(db: Db, data: CourseFile, opts: SeedCoursesOptions = {}): Promise<SeedCoursesReport> {
  const mode = opts.mode ?? 'insertNew';
  const file = opts.file ?? 'flows/courses.yaml';
  const env: BookingEnv = { now: opts.now ?? new Date(), options: opts.options ?? defaultCourseOptions };
  const report: SeedCoursesReport = {
    courses: data.courses.length,
    sessions: data.courses.reduce((n, c) => n + c.sessions.length, 0),
    added: { courses: 0, sessions: 0 },
    updated: { courses: 0, sessions: 0 },
    conflicts: [],
  };
  return db.transaction(async (tx) => {
    // Two processes starting at once seed one after the other; the second finds nothing new.
    if (mode !== 'check') await lockSeeding(tx);
    const courses = await seedRows(tx, data.courses.map(courseValues), coursesRepo, courseFields, {
      mode,
      file,
      kind: 'course',
      conflicts: report.conflicts,
    });
    report.added.courses = courses.added;
    report.updated.courses = courses.updated;
    await seedSessionRows(tx, data, mode, file, env, report);
    return report;
  });
}

async function seedSessionRows(tx: Queryable, data: CourseFile, mode: SeedMode, file: string, env: BookingEnv, report: SeedCoursesReport) {
  const all = data.courses.flatMap((c) => c.sessions.map((s) => ({ courseId: c.id, session: s, values: sessionValues(c.id, s) })));
  const added = new Set<string>();
  if (mode !== 'check') {
    for (const s of all) if (await courseSessionsRepo.insertIfMissing(tx, s.values, 'yaml', COURSE_TIME_ZONE)) added.add(s.values.id);
  }
  const ids = all.map((s) => s.values.id).filter((id) => !added.has(id));
  const stored = new Map<string, StoredSession>(
    (await courseSessionsRepo.byIds(tx, ids, COURSE_TIME_ZONE, { lock: mode === 'applyFile' })).map((s) => [s.id, s]),
  );
  report.added.sessions = mode === 'check' ? ids.length - stored.size : added.size;
  for (const { courseId, session, values } of all) {
    const before = stored.get(values.id);
    if (!before) continue;
    const diffs = differences(sessionFields(values), sessionFields(before));
    // The file still offers a session the studio cancelled: said even when every value matches.
    if (before.cancelled) {
      report.conflicts.push({ file, kind: 'session', id: values.id, differences: diffs, reason: 'cancelledInStudio' });
      continue;
    }
    if (diffs.length === 0) continue;
    const conflict = { file, kind: 'session' as const, id: values.id, differences: diffs };
    if (before.source === 'import') {
      report.conflicts.push({ ...conflict, reason: 'changedByImport' });
    } else if (before.source === 'studio') {
      report.conflicts.push({ ...conflict, reason: 'changedInStudio' });
    } else if (values.capacity < before.taken) {
      report.conflicts.push({ ...conflict, reason: 'belowSeatsHeld', seatsHeld: before.taken });
    } else if (mode !== 'applyFile') {
      report.conflicts.push({ ...conflict, reason: 'startUpKeepsDatabase' });
    } else if (await upsertSession(tx, courseId, session, 'yaml', env)) {
      // A capacity raised above the seats held goes to the waiting list.
      await offerFreeSeats(tx, values.id, env);
      report.updated.sessions++;
    } else {
      report.conflicts.push({ ...conflict, reason: 'belowSeatsHeld', seatsHeld: before.taken });
    }
  }
}

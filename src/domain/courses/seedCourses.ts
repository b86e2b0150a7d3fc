import type { Db } from '../../store/db.ts';
import { loadYamlFile } from '../shared/yamlFile.ts';
import { courseFileSchema, type CourseFile } from './courseFileSchema.ts';
import { defaultCourseOptions, type CourseOptions } from './courseOptions.ts';
import { offerFreeSeats } from './seatOffers.ts';
import { upsertSession } from './upsertSession.ts';

export class SeedError extends Error {
  readonly code = 'seed_refused';
}

export interface SeedCoursesResult {
  courses: number;
  sessions: number;
}

/**
 * Loads flows/courses.yaml into the database in one transaction. Ids come from the file,
 * so seeding again updates in place; sessions no longer in the file are kept (they may
 * hold bookings). A capacity raised above the seats held offers the new seats to the
 * waiting list.
 * @throws DataFileError naming the file and path of every problem; SeedError when a
 *   capacity would fall below the seats already booked.
 */
export async function seedCourses(
  db: Db,
  file = 'flows/courses.yaml',
  opts: { now?: Date; options?: CourseOptions } = {},
): Promise<SeedCoursesResult> {
  const data = await loadYamlFile(file, courseFileSchema);
  return seedCourseData(db, data, opts);
}

export async function seedCourseData(
  db: Db,
  data: CourseFile,
  opts: { now?: Date; options?: CourseOptions } = {},
): Promise<SeedCoursesResult> {
  const env = { now: opts.now ?? new Date(), options: opts.options ?? defaultCourseOptions };
  return db.transaction(async (tx) => {
    let sessions = 0;
    for (const c of data.courses) {
      await tx.query(
        `INSERT INTO courses (id, name, programme_id, job_family, length_weeks, guaranteed_interview, languages)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, programme_id = EXCLUDED.programme_id,
           job_family = EXCLUDED.job_family, length_weeks = EXCLUDED.length_weeks,
           guaranteed_interview = EXCLUDED.guaranteed_interview, languages = EXCLUDED.languages, updated_at = now()`,
        [c.id, c.name, c.programme, c.jobFamily, c.lengthWeeks, c.guaranteedInterview, c.languages],
      );
      for (const s of c.sessions) {
        if (!(await upsertSession(tx, c.id, s, env))) {
          throw new SeedError(`session ${s.id}: capacity ${s.capacity} is below the seats already booked`);
        }
        await offerFreeSeats(tx, s.id, env);
        sessions++;
      }
    }
    return { courses: data.courses.length, sessions };
  });
}

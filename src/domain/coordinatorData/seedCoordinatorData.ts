import path from 'node:path';
import type { Logger } from 'pino';
import type { Db } from '../../store/db.ts';
import { isDataError } from '../../store/isDataError.ts';
import type { CourseOptions } from '../courses/courseOptions.ts';
import { seedCourses, type SeedCoursesReport } from '../courses/seedCourses.ts';
import { DataFileError } from '../shared/yamlFile.ts';
import { seedPartners, type SeedPartnersReport } from '../vacancies/seedPartners.ts';
import { formatSeedConflict, type SeedConflict, type SeedMode } from './seedConflict.ts';

export interface CoordinatorDataReport {
  mode: SeedMode;
  courses?: SeedCoursesReport;
  partners?: SeedPartnersReport;
  /** Files nothing was seeded from (invalid, or refused by the database), one line per problem. */
  problems: string[];
  /** Values in the files that differ from the database and were not applied. */
  conflicts: SeedConflict[];
}

export interface SeedCoordinatorDataOptions {
  flowsDir: string;
  mode: SeedMode;
  now?: Date;
  options?: CourseOptions;
  /** Told what was added, and warned of every problem and conflict (coordinator data only, nothing personal). */
  logger?: Logger;
}

/** Runs one file's seeding; a problem in the file or refused by the database is reported, not thrown. */
async function attempt<T>(file: string, problems: string[], run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof DataFileError) problems.push(...err.issues);
    else if (isDataError(err)) problems.push(`${file}: the database refused it, nothing from it was seeded: ${(err as Error).message}`);
    else throw err;
    return undefined;
  }
}

/**
 * Seeds courses, sessions, partners and vacancies from flows/courses.yaml and
 * flows/partners.yaml (see SeedMode for what each mode may change). Coordinator data never
 * stops a start-up: an invalid file or a value not applied comes back in the report, for
 * the log, `/readyz` and `flows check --db`. Only a database fault is thrown.
 */
export async function seedCoordinatorData(db: Db, opts: SeedCoordinatorDataOptions): Promise<CoordinatorDataReport> {
  const coursesFile = path.join(opts.flowsDir, 'courses.yaml');
  const partnersFile = path.join(opts.flowsDir, 'partners.yaml');
  const problems: string[] = [];
  const courses = await attempt(coursesFile, problems, () =>
    seedCourses(db, coursesFile, { mode: opts.mode, ...(opts.now ? { now: opts.now } : {}), ...(opts.options ? { options: opts.options } : {}) }),
  );
  const partners = await attempt(partnersFile, problems, () => seedPartners(db, partnersFile, { mode: opts.mode }));
  const report: CoordinatorDataReport = {
    mode: opts.mode,
    ...(courses ? { courses } : {}),
    ...(partners ? { partners } : {}),
    problems,
    conflicts: [...(courses?.conflicts ?? []), ...(partners?.conflicts ?? [])],
  };
  const log = opts.logger;
  if (log) {
    log.info({ mode: opts.mode, added: { ...courses?.added, ...partners?.added }, updated: { ...courses?.updated, ...partners?.updated } }, 'coordinator data seeded');
    if (problems.length) log.error({ problems }, 'coordinator data files have problems: nothing was seeded from them (npm run flows -- check --db)');
    if (report.conflicts.length) {
      log.warn(
        { conflicts: report.conflicts.map(formatSeedConflict) },
        'flows/*.yaml differs from the database: the database is kept (see flows/README.md, /readyz, npm run flows -- check --db)',
      );
    }
  }
  return report;
}

import type { CoordinatorDataReport } from './seedCoordinatorData.ts';
import { formatSeedConflict } from './seedConflict.ts';

const SHOWN = 10;

/**
 * The `/readyz` detail of the start-up seeding (an optional check: it never makes the
 * server unready). Rejects, so the detail shows `ok: false`, when a file had problems or
 * a value in it was not applied; the reason lists them.
 */
export async function coordinatorDataStatus(report: CoordinatorDataReport): Promise<Record<string, unknown>> {
  const lines = [...report.problems, ...report.conflicts.map(formatSeedConflict)];
  if (lines.length === 0) return { atStartUp: 'the database has everything in flows/courses.yaml and flows/partners.yaml' };
  const more = lines.length > SHOWN ? `; and ${lines.length - SHOWN} more (npm run flows -- check --db)` : '';
  throw new Error(
    `at start-up, ${report.problems.length} problem(s) and ${report.conflicts.length} conflict(s) with the database (the database is kept): ${lines.slice(0, SHOWN).join('; ')}${more}`,
  );
}

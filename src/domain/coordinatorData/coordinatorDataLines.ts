import type { CoordinatorDataReport } from './seedCoordinatorData.ts';
import { formatSeedConflict } from './seedConflict.ts';

const VERB = { check: 'would add', insertNew: 'added', applyFile: 'added' } as const;

/** What seeding did (or, in 'check' mode, would do at the next start-up), for the command line. */
export function coordinatorDataLines(r: CoordinatorDataReport): string[] {
  const lines = [...r.problems, ...r.conflicts.map(formatSeedConflict)];
  const c = r.courses;
  const p = r.partners;
  if (c) {
    const updated = r.mode === 'applyFile' ? `, updated ${c.updated.courses} course(s) and ${c.updated.sessions} session(s)` : '';
    lines.push(`${c.courses} course(s) and ${c.sessions} session(s) in the file: ${VERB[r.mode]} ${c.added.courses} course(s) and ${c.added.sessions} session(s)${updated}`);
  }
  if (p) {
    const updated = r.mode === 'applyFile' ? `, updated ${p.updated.partners} partner(s) and ${p.updated.vacancies} vacancy(ies)` : '';
    lines.push(`${p.partners} partner(s) and ${p.vacancies} vacancy(ies) in the file: ${VERB[r.mode]} ${p.added.partners} partner(s) and ${p.added.vacancies} vacancy(ies)${updated}`);
  }
  if (r.conflicts.length) lines.push(`${r.conflicts.length} conflict(s) between flows/*.yaml and the database: the database is kept (see flows/README.md)`);
  return lines;
}

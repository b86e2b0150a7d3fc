/**
 * How seeding treats coordinator data (flows/courses.yaml, flows/partners.yaml) that is
 * already in the database (issue 10, item 7; flows/README.md "Courses and vacancies"):
 * - `insertNew` (every start-up): adds rows that do not exist yet and never changes one that
 *   does; a difference is reported, not applied. Several processes may start with different
 *   checkouts of flows/, so a start-up must never undo anything.
 * - `applyFile` (`anchorline db seed`, run by a person on purpose): also writes the file's
 *   values over rows the file owns, except a capacity below the seats held, a session
 *   a coordinator changed with `import sessions`, and a session or vacancy changed (or a
 *   session cancelled) in the studio.
 * - `check` (`npm run flows -- check --db`): writes nothing, reports what `insertNew` would.
 */
export type SeedMode = 'check' | 'insertNew' | 'applyFile';

/** Why a value in the file was not written to the database. */
export type ConflictReason =
  /** Start-up (and check) never change a row that exists: `anchorline db seed` applies the file. */
  | 'startUpKeepsDatabase'
  /** A coordinator changed the session with `import sessions`: the file never overwrites it. */
  | 'changedByImport'
  /** A coordinator added or changed the session or vacancy in the studio: the file never overwrites it. */
  | 'changedInStudio'
  /** The studio cancelled the session; the file still lists it. Nothing is written to it. */
  | 'cancelledInStudio'
  /** Lowering the capacity below the seats already held would overbook: never done. */
  | 'belowSeatsHeld';

export type Shown = string | number | boolean | null | readonly string[];

export interface FieldDifference {
  /** The field as the file names it, e.g. `capacity`, `venue.name`. */
  field: string;
  file: string;
  database: string;
}

export interface SeedConflict {
  file: string;
  kind: 'course' | 'session' | 'partner' | 'vacancy';
  id: string;
  differences: FieldDifference[];
  reason: ConflictReason;
  /** With 'belowSeatsHeld'. */
  seatsHeld?: number;
}

function show(v: Shown): string {
  if (v === null) return '(none)';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'object') return `[${v.join(', ')}]`;
  return String(v);
}

/** The fields whose values differ, shown as a coordinator writes them. */
export function differences(file: Record<string, Shown>, database: Record<string, Shown>): FieldDifference[] {
  const out: FieldDifference[] = [];
  for (const [field, v] of Object.entries(file)) {
    const a = show(v);
    const b = show(database[field] ?? null);
    if (a !== b) out.push({ field, file: a, database: b });
  }
  return out;
}

const WHAT_NEXT: Record<ConflictReason, string> = {
  startUpKeepsDatabase: 'start-up keeps the database; `npm run anchorline -- db seed` applies the file',
  changedByImport: 'changed by `import sessions`, so the database is kept; import again to change it, or make the file match',
  changedInStudio: 'changed in the studio, so the database is kept; change it in the studio again, or make the file match',
  cancelledInStudio: 'cancelled in the studio, so the database is kept; take it out of the file',
  belowSeatsHeld: 'seats already held, so the capacity is not lowered',
};

/** One line for a log, `/readyz` or `flows check`: ids and coordinator values only, nothing about residents. */
export function formatSeedConflict(c: SeedConflict): string {
  const diffs = c.differences.map((d) => `${d.field} is ${d.file} in the file, ${d.database} in the database`).join('; ');
  const why = c.reason === 'belowSeatsHeld' ? `${c.seatsHeld ?? '?'} ${WHAT_NEXT[c.reason]}` : WHAT_NEXT[c.reason];
  if (c.reason === 'cancelledInStudio') return `${c.file}: ${c.kind} ${c.id}: listed in the file, cancelled in the database${diffs ? `; ${diffs}` : ''} (${why})`;
  return `${c.file}: ${c.kind} ${c.id}: ${diffs} (${why})`;
}

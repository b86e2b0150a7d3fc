/**
 * Issue 13: what a coordinator changed in the studio's programme data pages stays changed. A
 * restart and `anchorline db seed` keep the database, and start-up and `flows check --db` say the
 * change was made in the studio; a session the studio cancelled is reported while the file still
 * lists it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { coordinatorDataLines } from '../../../src/domain/coordinatorData/coordinatorDataLines.ts';
import type { SeedMode } from '../../../src/domain/coordinatorData/seedConflict.ts';
import { seedCoordinatorData } from '../../../src/domain/coordinatorData/seedCoordinatorData.ts';
import { cancelSession } from '../../../src/domain/courses/cancelSession.ts';
import { changeCapacity } from '../../../src/domain/courses/changeCapacity.ts';
import { getSession, listSessions } from '../../../src/domain/courses/listSessions.ts';
import { closeVacancy } from '../../../src/domain/vacancies/closeVacancy.ts';
import { reopenVacancy } from '../../../src/domain/vacancies/reopenVacancy.ts';
import type { Db } from '../../../src/store/db.ts';
import { vacanciesRepo } from '../../../src/store/partners/vacanciesRepo.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { env, loadNotices, NOW } from './fixtures.ts';

/** In flows/partners.yaml, open until 2027-02-14 (after NOW). */
const VACANCY = 'uhb-porter-heartlands-2027-1';
/** In flows/courses.yaml, capacity 12, starting after NOW. */
const SESSION = 'h2h-support-2027-01-11';

const seed = (db: Db, mode: SeedMode) => seedCoordinatorData(db, { flowsDir: 'flows', mode, now: NOW, options: env.options });
const closingDateOf = async (db: Db) => (await db.transaction((tx) => vacanciesRepo.byIds(tx, [VACANCY])))[0]?.closingDate;

describe('seeding keeps what coordinators changed in the studio', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  beforeEach(async () => {
    await t.db.query(`TRUNCATE jobs, seat_offers, bookings, course_sessions, courses, vacancies, partners, conversations CASCADE`);
    const first = await seed(t.db, 'insertNew');
    if (first.conflicts.length || first.problems.length) throw new Error('the shipped data does not seed cleanly into empty tables');
  });
  afterAll(() => t?.close());

  it('a vacancy closed in the studio stays closed after a restart and after db seed; both say it was changed in the studio', async () => {
    expect(await closeVacancy(t.db, VACANCY, NOW)).toEqual({ type: 'closed', closingDate: '2026-12-31', was: '2027-02-14' });

    for (const mode of ['insertNew', 'applyFile'] as const) {
      const r = await seed(t.db, mode);
      expect(r.conflicts).toEqual([
        {
          file: 'flows/partners.yaml',
          kind: 'vacancy',
          id: VACANCY,
          differences: [{ field: 'closingDate', file: '2027-02-14', database: '2026-12-31' }],
          reason: 'changedInStudio',
        },
      ]);
      expect(r.partners?.updated.vacancies).toBe(0);
      expect(await closingDateOf(t.db)).toBe('2026-12-31');
    }
    const checked = coordinatorDataLines(await seed(t.db, 'check')).join('\n');
    expect(checked).toContain(`flows/partners.yaml: vacancy ${VACANCY}: closingDate is 2027-02-14 in the file, 2026-12-31 in the database (changed in the studio, so the database is kept`);
  });

  it('a vacancy reopened in the studio keeps its new closing date through db seed', async () => {
    await closeVacancy(t.db, VACANCY, NOW);
    expect(await reopenVacancy(t.db, VACANCY, '2027-03-31', NOW)).toMatchObject({ type: 'reopened', closingDate: '2027-03-31' });
    const r = await seed(t.db, 'applyFile');
    expect(r.conflicts.map((c) => `${c.kind} ${c.id} ${c.reason}`)).toEqual([`vacancy ${VACANCY} changedInStudio`]);
    expect(await closingDateOf(t.db)).toBe('2027-03-31');
  });

  it('a vacancy only the file wrote is still updated by db seed (the studio mark is not on every row)', async () => {
    await t.db.query(`UPDATE vacancies SET closing_date = '2027-02-01' WHERE id = $1`, [VACANCY]);
    expect((await seed(t.db, 'insertNew')).conflicts.map((c) => c.reason)).toEqual(['startUpKeepsDatabase']);
    const r = await seed(t.db, 'applyFile');
    expect(r.conflicts).toEqual([]);
    expect(r.partners?.updated.vacancies).toBe(1);
    expect(await closingDateOf(t.db)).toBe('2027-02-14');
  });

  it('a capacity changed in the studio survives db seed, reported as changed in the studio (not by import sessions)', async () => {
    expect(await changeCapacity(t.db, SESSION, 15, env)).toMatchObject({ type: 'changed', from: 12, to: 15 });
    for (const mode of ['insertNew', 'applyFile'] as const) {
      const r = await seed(t.db, mode);
      expect(r.conflicts).toEqual([
        { file: 'flows/courses.yaml', kind: 'session', id: SESSION, differences: [{ field: 'capacity', file: '12', database: '15' }], reason: 'changedInStudio' },
      ]);
      expect((await getSession(t.db, SESSION))?.capacity).toBe(15);
    }
    const line = coordinatorDataLines(await seed(t.db, 'check')).join('\n');
    expect(line).toContain(`session ${SESSION}: capacity is 12 in the file, 15 in the database (changed in the studio, so the database is kept`);
    expect(line).not.toContain('import sessions');
  });

  it('a session cancelled in the studio is reported by start-up and flows check while the file lists it, and db seed leaves it cancelled', async () => {
    const out = await cancelSession(t.db, { send: async () => undefined, notices: await loadNotices() }, SESSION, env);
    expect(out).toMatchObject({ type: 'cancelled', residents: 0 });

    for (const mode of ['insertNew', 'check', 'applyFile'] as const) {
      const r = await seed(t.db, mode);
      expect(r.conflicts).toEqual([{ file: 'flows/courses.yaml', kind: 'session', id: SESSION, differences: [], reason: 'cancelledInStudio' }]);
    }
    expect(coordinatorDataLines(await seed(t.db, 'check'))).toContain(
      `flows/courses.yaml: session ${SESSION}: listed in the file, cancelled in the database (cancelled in the studio, so the database is kept; take it out of the file)`,
    );
    const cancelled = await t.db.query<{ cancelled: boolean; source: string }>(`SELECT cancelled_at IS NOT NULL AS cancelled, source FROM course_sessions WHERE id = $1`, [SESSION]);
    expect(cancelled.rows).toEqual([{ cancelled: true, source: 'studio' }]);
    // Residents are not offered it.
    const offered = await listSessions(t.db, { programmeId: 'hospitality-to-health', now: NOW, limit: 50 });
    expect(offered.length).toBeGreaterThan(0);
    expect(offered.map((s) => s.id)).not.toContain(SESSION);
  });
});

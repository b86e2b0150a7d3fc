/**
 * Issue 10, item 7: a process starting must never undo what a coordinator changed, and
 * coordinator data must never stop a start-up. Each test plays the coordinator's story and
 * checks what they would see: seats in the listing, bookings kept, the conflict reported.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import { seedCoordinatorData } from '../../../src/domain/coordinatorData/seedCoordinatorData.ts';
import { coordinatorDataLines } from '../../../src/domain/coordinatorData/coordinatorDataLines.ts';
import { bookSession } from '../../../src/domain/courses/bookSession.ts';
import { importSessionsCsv } from '../../../src/domain/courses/importSessionsCsv.ts';
import { getSession } from '../../../src/domain/courses/listSessions.ts';
import type { SeedMode } from '../../../src/domain/coordinatorData/seedConflict.ts';
import type { Db } from '../../../src/store/db.ts';
import { silent } from '../../helpers/flowDir.ts';
import { createTestDb, TEST_DATABASE_URL, type TestDb } from '../../helpers/testDb.ts';
import { addConversations, counts, env, NOW } from './fixtures.ts';

/** The first session in flows/courses.yaml: capacity 12 there. */
const SESSION = 'h2h-support-2027-01-11';
const CSV_HEADER = 'id,course_id,venue_name,venue_address,venue_accessible,start_date,start_time,end_time,capacity';
const importCapacity = (capacity: number) =>
  [
    CSV_HEADER,
    `${SESSION},h2h-support-services,Queen Elizabeth Hospital Education Centre,"Mindelsohn Way, Edgbaston, Birmingham B15 2TH",yes,2027-01-11,09:30,15:00,${capacity}`,
  ].join('\n');

/** A copy of flows/ whose courses.yaml gives SESSION another capacity (a coordinator's edit). */
function flowsWithCapacity(capacity: number): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'anchorline-seed-')), 'flows');
  cpSync('flows', dir, { recursive: true });
  const file = path.join(dir, 'courses.yaml');
  const text = readFileSync(file, 'utf8');
  const edited = text.replace(/(- id: h2h-support-2027-01-11\n(?:.*\n)*?\s+capacity: )12\n/, `$1${capacity}\n`);
  expect(edited).not.toBe(text);
  writeFileSync(file, edited);
  return dir;
}

/** What a process does at start-up (or `db seed` with 'applyFile'). */
const seed = (db: Db, mode: SeedMode = 'insertNew', flowsDir = 'flows') =>
  seedCoordinatorData(db, { flowsDir, mode, now: NOW, options: env.options });

async function bookMany(db: Db, prefix: string, n: number): Promise<void> {
  for (const id of await addConversations(db, prefix, n)) {
    const r = await db.transaction((tx) => bookSession(tx, { conversationId: id, sessionId: SESSION }, env));
    expect(r.type).toBe('booked');
  }
}

const capacityOf = async (db: Db) => (await getSession(db, SESSION))?.capacity;

/** The database as a server gets it, except that closing the server leaves it open for the next test. */
function keptOpen(db: Db): Db {
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'close') return async () => undefined;
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

describe('start-up seeding keeps what coordinators changed', () => {
  let t: TestDb;
  // One database per file (a fresh PGlite costs seconds); every test starts from empty tables.
  beforeAll(async () => {
    t = await createTestDb();
  });
  beforeEach(async () => {
    await t.db.query(`TRUNCATE jobs, seat_offers, bookings, course_sessions, courses, vacancies, partners, conversations CASCADE`);
  });
  afterAll(() => t?.close());

  it('a capacity changed by import sessions survives a restart, and db seed keeps it too', async () => {
    const first = await seed(t.db);
    expect(first.conflicts).toEqual([]);
    expect(await capacityOf(t.db)).toBe(12);
    expect(await importSessionsCsv(t.db, importCapacity(20), { now: NOW })).toEqual({ type: 'imported', sessions: 1 });

    const restart = await seed(t.db);
    expect(await getSession(t.db, SESSION)).toMatchObject({ capacity: 20, seatsLeft: 20 });
    expect(restart.courses?.added).toEqual({ courses: 0, sessions: 0 });
    expect(restart.conflicts).toEqual([
      {
        file: 'flows/courses.yaml',
        kind: 'session',
        id: SESSION,
        differences: [{ field: 'capacity', file: '12', database: '20' }],
        reason: 'changedByImport',
      },
    ]);

    const applied = await seed(t.db, 'applyFile');
    expect(await capacityOf(t.db)).toBe(20);
    expect(applied.conflicts.map((c) => c.reason)).toEqual(['changedByImport']);
  });

  it('more residents booked than the file allows: start-up succeeds, no seat is taken away, the conflict is on /readyz', async () => {
    await seed(t.db);
    await importSessionsCsv(t.db, importCapacity(14), { now: NOW });
    await bookMany(t.db, 'over', 14);

    const restart = await seed(t.db);
    expect(await getSession(t.db, SESSION)).toMatchObject({ capacity: 14, seatsLeft: 0 });
    expect(await counts(t.db, SESSION)).toEqual({ booked: 14 });
    expect(restart.conflicts).toHaveLength(1);

    // A whole server start on the same data: it listens, is ready, and says what it kept.
    const appDb = TEST_DATABASE_URL ? await t.another() : keptOpen(t.db);
    const app = await buildApp(loadConfig({ PORT: '0', HOST: '127.0.0.1' }), { db: appDb, logger: silent, workers: false });
    try {
      const ready = await fetch(`http://127.0.0.1:${app.server.port}/readyz`);
      expect(ready.status).toBe(200);
      const body = (await ready.json()) as { checks: Record<string, { ok: boolean; reason?: string }> };
      expect(body.checks.coordinatorData?.ok).toBe(false);
      expect(body.checks.coordinatorData?.reason).toContain(`session ${SESSION}: capacity is 12 in the file, 14 in the database`);
      expect(await counts(appDb, SESSION)).toEqual({ booked: 14 });
    } finally {
      await app.close();
    }
  });

  it('a file lowering a capacity below the seats held is applied neither at start-up nor by db seed', async () => {
    await seed(t.db);
    await bookMany(t.db, 'low', 3);
    const lowered = flowsWithCapacity(2);

    for (const mode of ['insertNew', 'applyFile'] as const) {
      const r = await seed(t.db, mode, lowered);
      expect(r.conflicts).toMatchObject([
        { kind: 'session', id: SESSION, reason: 'belowSeatsHeld', seatsHeld: 3, differences: [{ field: 'capacity', file: '2', database: '12' }] },
      ]);
      expect(await capacityOf(t.db)).toBe(12);
      expect(await counts(t.db, SESSION)).toEqual({ booked: 3 });
    }
  });

  it('a file edit of a session only the file wrote: start-up reports it, db seed applies it and offers the new seat', async () => {
    await seed(t.db);
    await bookMany(t.db, 'full', 12);
    const [waiting] = await addConversations(t.db, 'wait', 1);
    expect((await t.db.transaction((tx) => bookSession(tx, { conversationId: waiting!, sessionId: SESSION }, env))).type).toBe('waitlisted');
    const raised = flowsWithCapacity(13);

    const restart = await seed(t.db, 'insertNew', raised);
    expect(restart.conflicts).toMatchObject([{ id: SESSION, reason: 'startUpKeepsDatabase' }]);
    expect(await capacityOf(t.db)).toBe(12);

    const checked = coordinatorDataLines(await seed(t.db, 'check', raised));
    expect(checked.join('\n')).toContain(`session ${SESSION}: capacity is 13 in the file, 12 in the database (start-up keeps the database`);

    const applied = await seed(t.db, 'applyFile', raised);
    expect(applied.conflicts).toEqual([]);
    expect(applied.courses?.updated).toEqual({ courses: 0, sessions: 1 });
    expect(await capacityOf(t.db)).toBe(13);
    expect(await counts(t.db, SESSION)).toEqual({ booked: 12, offered: 1 });
  });

  it('a broken courses.yaml does not stop start-up: partners are still seeded and the problem is reported', async () => {
    const flowsDir = flowsWithCapacity(0);
    const r = await seed(t.db, 'insertNew', flowsDir);
    expect(r.problems).toEqual([expect.stringMatching(/courses\.yaml: courses\[0\]\.sessions\[0\]\.capacity: /)]);
    expect(r.courses).toBeUndefined();
    expect(r.partners?.added.vacancies).toBeGreaterThan(0);
  });

  it('check writes nothing', async () => {
    const r = await seed(t.db, 'check');
    expect(r.courses?.added.sessions).toBeGreaterThan(0);
    expect(await getSession(t.db, SESSION)).toBeUndefined();
  });

  // On PostgreSQL the second seeder has its own pool (a second process) and the two really race;
  // PGlite has one connection, so there they queue, and the outcome must be the same.
  it('two processes starting at once: each row added once, an import and its bookings untouched', async () => {
    const other = TEST_DATABASE_URL ? await t.another() : t.db;
    const [a, b] = await Promise.all([seed(t.db), seed(other)]);
    expect(a.conflicts).toEqual([]);
    expect(b.conflicts).toEqual([]);
    expect(a.courses!.added.sessions + b.courses!.added.sessions).toBe(a.courses!.sessions);
    expect(a.partners!.added.vacancies + b.partners!.added.vacancies).toBe(a.partners!.vacancies);

    await importSessionsCsv(t.db, importCapacity(14), { now: NOW });
    await bookMany(t.db, 'twice', 13);
    const again = await Promise.all([seed(t.db), seed(other), seed(other)]);
    expect(again.map((r) => r.conflicts.map((c) => `${c.id} ${c.reason}`))).toEqual([
      [`${SESSION} changedByImport`],
      [`${SESSION} changedByImport`],
      [`${SESSION} changedByImport`],
    ]);
    expect(await getSession(t.db, SESSION)).toMatchObject({ capacity: 14, seatsLeft: 1 });
    expect(await counts(t.db, SESSION)).toEqual({ booked: 13 });
  });
});

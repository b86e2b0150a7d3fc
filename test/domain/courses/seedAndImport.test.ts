import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookSession } from '../../../src/domain/courses/bookSession.ts';
import { importSessionsCsv } from '../../../src/domain/courses/importSessionsCsv.ts';
import { listSessions } from '../../../src/domain/courses/listSessions.ts';
import { seedCourses } from '../../../src/domain/courses/seedCourses.ts';
import { DataFileError } from '../../../src/domain/shared/yamlFile.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { addConversations, env, NOW } from './fixtures.ts';

const HEADER = 'id,course_id,venue_name,venue_address,venue_accessible,start_date,start_time,end_time,capacity';

describe('seeding courses and importing sessions', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t?.close());

  const sessionCount = async () => (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM course_sessions`)).rows[0]!.n;

  it('seeds flows/courses.yaml, and seeding again changes nothing', async () => {
    const first = await seedCourses(t.db, 'flows/courses.yaml', { now: NOW });
    const again = await seedCourses(t.db, 'flows/courses.yaml', { now: NOW });
    expect(first.sessions).toBeGreaterThan(0);
    expect(first.added).toEqual({ courses: first.courses, sessions: first.sessions });
    expect(again).toEqual({ ...first, added: { courses: 0, sessions: 0 } });
    expect(again.conflicts).toEqual([]);
    expect(await sessionCount()).toBe(first.sessions);
    const ican = await listSessions(t.db, { programmeId: 'i-can', now: NOW });
    expect(ican.length).toBeGreaterThan(0);
    expect(ican.every((s) => s.programmeId === 'i-can' && s.seatsLeft === s.capacity)).toBe(true);
    // 09:30 in London in January is 09:30 UTC; in July it would be 08:30.
    expect(ican.find((s) => s.id === 'ican-facilities-2027-01-25')?.startsAt).toBe('2027-01-25T09:30:00.000Z');
    expect((await listSessions(t.db, { programmeId: 'i-can', now: NOW, language: 'so' })).map((s) => s.courseId)).toEqual([
      'ican-facilities',
    ]);
  });

  it('a bad file names the file and the path of each problem', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'courses-'));
    const file = path.join(dir, 'courses.yaml');
    await writeFile(
      file,
      `courses:
  - id: c1
    name: Course
    programme: i-can
    jobFamily: kitchen
    lengthWeeks: 5
    guaranteedInterview: true
    languages: [en]
    sessions:
      - id: s1
        venue: { name: Hall, address: Road, accessible: yes }
        startDate: 2027-02-30
        startTime: "09:30"
        endTime: "15:00"
        capacity: 0
`,
    );
    const err = await seedCourses(t.db, file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataFileError);
    const issues = (err as DataFileError).issues;
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${file}: courses\\[0\\]\\.jobFamily: `)),
        expect.stringMatching(new RegExp(`^${file}: courses\\[0\\]\\.sessions\\[0\\]\\.startDate: `)),
        expect.stringMatching(new RegExp(`^${file}: courses\\[0\\]\\.sessions\\[0\\]\\.capacity: `)),
      ]),
    );
  });

  it('imports a valid CSV, and updates in place when imported again', async () => {
    const csv = [
      HEADER,
      'csv-1,ican-admin,Library of Birmingham,"Centenary Square, Birmingham B1 2ND",yes,2027-03-08,10:00,14:30,6',
      'csv-2,ican-admin,Library of Birmingham,"Centenary Square, Birmingham B1 2ND",no,2027-03-15,10:00,14:30,6',
      '',
    ].join('\r\n');
    const before = await sessionCount();
    expect(await importSessionsCsv(t.db, csv, { now: NOW })).toEqual({ type: 'imported', sessions: 2 });
    expect(await importSessionsCsv(t.db, csv, { now: NOW })).toEqual({ type: 'imported', sessions: 2 });
    expect(await sessionCount()).toBe(before + 2);
  });

  it('a CSV with bad rows names each line and imports nothing', async () => {
    const csv = [
      HEADER,
      'bad-1,ican-admin,Hall,"Road,\nwith a line break",yes,2027-04-01,10:00,14:30,6',
      'bad-2,ican-admin,Hall,Road,perhaps,2027-04-01,10:00,14:30,6',
      'bad-3,no-such-course,Hall,Road,yes,2027-04-01,10:00,14:30,6',
      'bad-4,ican-admin,Hall,Road,yes,2027-04-01,15:00,14:30,six',
      'bad-5,ican-admin,Hall,Road,yes',
    ].join('\n');
    const before = await sessionCount();
    const r = await importSessionsCsv(t.db, csv, { now: NOW });
    expect(r.type).toBe('invalid');
    const lines = r.type === 'invalid' ? r.errors.map((e) => e.line) : [];
    // Line 2 is fine (its quoted field runs onto line 3); the rest are wrong.
    expect([...new Set(lines)]).toEqual([4, 5, 6, 7]);
    const messages = r.type === 'invalid' ? r.errors.map((e) => `${e.line} ${e.message}`).join('\n') : '';
    expect(messages).toMatch(/4 venue\.accessible/);
    expect(messages).toMatch(/5 course_id: no course no-such-course/);
    expect(messages).toMatch(/6 capacity/);
    expect(messages).toMatch(/7 expected 9 fields, found 5/);
    expect(await sessionCount()).toBe(before);
  });

  it('refuses to cut a capacity below the seats already booked, and imports nothing', async () => {
    const [a, b] = await addConversations(t.db, 'imp', 2);
    for (const p of [a!, b!]) await t.db.transaction((tx) => bookSession(tx, { conversationId: p, sessionId: 'csv-1' }, env));
    const csv = [
      HEADER,
      'csv-3,ican-admin,Hall,Road,yes,2027-04-01,10:00,14:30,6',
      'csv-1,ican-admin,Hall,Road,yes,2027-03-08,10:00,14:30,1',
    ].join('\n');
    const r = await importSessionsCsv(t.db, csv, { now: NOW });
    expect(r).toEqual({ type: 'invalid', errors: [{ line: 3, message: 'capacity: below the seats already booked for csv-1' }] });
    expect((await t.db.query(`SELECT id FROM course_sessions WHERE id = 'csv-3'`)).rows).toEqual([]);
  });

  it('moving a session moves the reminders of the people booked on it', async () => {
    const csv = [HEADER, 'csv-1,ican-admin,Hall,Road,yes,2027-03-22,10:00,14:30,6'].join('\n');
    expect(await importSessionsCsv(t.db, csv, { now: NOW })).toEqual({ type: 'imported', sessions: 1 });
    const { rows } = await t.db.query<{ run_at: Date; n: number }>(
      `SELECT run_at, count(*)::int AS n FROM jobs
       WHERE kind = 'courseReminder' AND status = 'pending' AND (payload->>'offsetMs')::bigint = 172800000
         AND (payload->>'bookingId')::bigint IN (SELECT id FROM bookings WHERE session_id = 'csv-1')
       GROUP BY run_at`,
    );
    expect(rows).toEqual([{ run_at: new Date('2027-03-20T10:00:00Z'), n: 2 }]);
  });
});

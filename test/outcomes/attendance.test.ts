/**
 * Issue 15: who went to a course session. A coordinator's mark (CLI, CSV, studio) always wins and
 * may be corrected; a resident's answer in chat counts only where nothing is marked, once. Every
 * effective mark is a funnel event with the session and the programme, in the same transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelBooking } from '../../src/domain/courses/cancelBooking.ts';
import { answerAttendance, markAttendance, type Marker } from '../../src/domain/outcomes/attendance.ts';
import { importAttendanceCsv } from '../../src/domain/outcomes/importAttendanceCsv.ts';
import { env } from '../domain/courses/fixtures.ts';
import { createTestDb, TEST_DATABASE_URL, type TestDb } from '../helpers/testDb.ts';
import { attendanceRepo } from '../../src/store/attendance.ts';
import { attendanceEvents, bookedSession, consentingResidents, DURING, END, markOf } from './attendanceFixture.ts';

const coordinator: Marker = { source: 'coordinator', markedBy: 'staff:7' };
/** An hour after the session of 11 January ends: when the resident is asked, and answers. */
const AFTER = new Date(END.getTime() + 3600_000);

describe('attendance marks', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t?.close());

  const mark = (bookingId: number, attended: boolean, by: Marker = coordinator, at = DURING) =>
    t.db.transaction((tx) => markAttendance(tx, { bookingId, attended }, by, at));
  const answer = (conversationId: string, went: boolean, at = AFTER) => t.db.transaction((tx) => answerAttendance(tx, conversationId, went, at));

  it("a coordinator's mark is kept when the resident answers afterwards", async () => {
    const [r] = await consentingResidents(t.db, 'cfirst', 1);
    const [b] = await bookedSession(t.db, 'cfirst', [r!]);
    expect(await mark(b!, false)).toMatchObject({ type: 'marked', attended: false, changed: true, previous: null });
    expect(await answer(r!, true)).toEqual({ type: 'alreadyAnswered', sessionId: 'cfirst' });
    expect(await markOf(t.db, b!)).toEqual({ attended: false, source: 'coordinator', marked_by: 'staff:7' });
    expect(await attendanceEvents(t.db, 'cfirst')).toEqual([{ stage: 'did_not_attend', programme_id: 'i-can' }]);
  });

  it("a coordinator's mark replaces the resident's earlier answer, and the resident cannot change it back", async () => {
    const [r] = await consentingResidents(t.db, 'rfirst', 1);
    const [b] = await bookedSession(t.db, 'rfirst', [r!]);
    expect(await answer(r!, true)).toEqual({ type: 'attended', sessionId: 'rfirst' });
    expect(await markOf(t.db, b!)).toEqual({ attended: true, source: 'resident', marked_by: 'resident' });
    const corrected = await mark(b!, false, { source: 'coordinator', markedBy: 'csv' }, new Date(AFTER.getTime() + 3600_000));
    expect(corrected).toMatchObject({ type: 'marked', changed: true, previous: { attended: true, source: 'resident' } });
    expect(await answer(r!, true)).toEqual({ type: 'alreadyAnswered', sessionId: 'rfirst' });
    expect(await markOf(t.db, b!)).toEqual({ attended: false, source: 'coordinator', marked_by: 'csv' });
    expect((await attendanceEvents(t.db, 'rfirst')).map((e) => e.stage)).toEqual(['attended', 'did_not_attend']);
  });

  it('a second answer from the resident changes nothing', async () => {
    const [r] = await consentingResidents(t.db, 'twice', 1);
    const [b] = await bookedSession(t.db, 'twice', [r!]);
    expect(await answer(r!, false)).toEqual({ type: 'notAttended', sessionId: 'twice' });
    expect(await answer(r!, true)).toEqual({ type: 'alreadyAnswered', sessionId: 'twice' });
    expect(await markOf(t.db, b!)).toMatchObject({ attended: false, source: 'resident' });
    expect((await attendanceEvents(t.db, 'twice')).map((e) => e.stage)).toEqual(['did_not_attend']);
  });

  it('a correction records the new stage; marking the same again records nothing', async () => {
    const [r] = await consentingResidents(t.db, 'corr', 1);
    const [b] = await bookedSession(t.db, 'corr', [r!]);
    await mark(b!, true);
    expect(await mark(b!, true)).toMatchObject({ type: 'marked', changed: false });
    expect(await mark(b!, false, coordinator, new Date(DURING.getTime() + 3600_000))).toMatchObject({ type: 'marked', changed: true });
    expect((await attendanceEvents(t.db, 'corr')).map((e) => e.stage)).toEqual(['attended', 'did_not_attend']);
    // What the outcome queries count: the latest stage per resident and session.
    const { rows } = await t.db.query(
      `SELECT DISTINCT ON (subject, session_id) stage FROM funnel_events
        WHERE session_id = 'corr' AND stage IN ('attended', 'did_not_attend') ORDER BY subject, session_id, at DESC, id DESC`,
    );
    expect(rows).toEqual([{ stage: 'did_not_attend' }]);
  });

  it('a session that has not started cannot be marked or answered, and nothing is written', async () => {
    const [r] = await consentingResidents(t.db, 'early', 1);
    const [b] = await bookedSession(t.db, 'early', [r!]);
    const before = new Date('2027-01-11T09:29:00Z');
    expect(await mark(b!, true, coordinator, before)).toMatchObject({ type: 'notStarted', sessionId: 'early' });
    expect(await answer(r!, true, before)).toEqual({ type: 'noSession' });
    expect(await markOf(t.db, b!)).toBeUndefined();
    expect(await attendanceEvents(t.db, 'early')).toEqual([]);
  });

  it('"I went" while the session is still on is not taken: only a session that has ended can be answered', async () => {
    const [r] = await consentingResidents(t.db, 'midway', 1);
    const [b] = await bookedSession(t.db, 'midway', [r!]);
    expect(await answer(r!, true, DURING)).toEqual({ type: 'noSession' });
    expect(await answer(r!, true, new Date(END.getTime() - 60_000))).toEqual({ type: 'noSession' });
    expect(await markOf(t.db, b!)).toBeUndefined();
    expect(await attendanceEvents(t.db, 'midway')).toEqual([]);
    expect(await answer(r!, true, END)).toEqual({ type: 'attended', sessionId: 'midway' });
  });

  it('the answer goes to the question asked last, not to a session that is still on', async () => {
    const [r] = await consentingResidents(t.db, 'two', 1);
    const [first] = await bookedSession(t.db, 'two-mon', [r!], '2027-01-11');
    const [second] = await bookedSession(t.db, 'two-tue', [r!], '2027-01-12');
    await t.db.transaction((tx) => attendanceRepo.recordAsked(tx, first!, AFTER));
    // Tuesday morning, during the second session: "Yes, I went" answers Monday's question.
    const tuesdayMorning = new Date('2027-01-12T10:00:00Z');
    expect(await answer(r!, true, tuesdayMorning)).toEqual({ type: 'attended', sessionId: 'two-mon' });
    expect(await markOf(t.db, second!)).toBeUndefined();
    // Monday's is answered; Tuesday's is still on: nothing else to answer.
    expect(await answer(r!, false, tuesdayMorning)).toEqual({ type: 'alreadyAnswered', sessionId: 'two-mon' });
    expect(await markOf(t.db, second!)).toBeUndefined();
  });

  it('of two ended sessions, the answer goes to the one asked about most recently; then to the other', async () => {
    const [r] = await consentingResidents(t.db, 'order', 1);
    const [first] = await bookedSession(t.db, 'order-mon', [r!], '2027-01-11');
    const [second] = await bookedSession(t.db, 'order-tue', [r!], '2027-01-12');
    // Tuesday's question went first; Monday's was asked again on Wednesday morning.
    await t.db.transaction(async (tx) => {
      await attendanceRepo.recordAsked(tx, second!, new Date('2027-01-12T16:00:00Z'));
      await attendanceRepo.recordAsked(tx, first!, new Date('2027-01-13T08:00:00Z'));
    });
    const wednesday = new Date('2027-01-13T09:00:00Z');
    expect(await answer(r!, false, wednesday)).toEqual({ type: 'notAttended', sessionId: 'order-mon' });
    expect(await answer(r!, true, wednesday)).toEqual({ type: 'attended', sessionId: 'order-tue' });
    expect(await markOf(t.db, first!)).toMatchObject({ attended: false, source: 'resident' });
    expect(await markOf(t.db, second!)).toMatchObject({ attended: true, source: 'resident' });
  });

  it('a coordinator who saw another mark than the one stored changes nothing (changedMeanwhile)', async () => {
    const [r] = await consentingResidents(t.db, 'stale', 1);
    const [b] = await bookedSession(t.db, 'stale', [r!]);
    await answer(r!, true);
    const stale = await t.db.transaction((tx) => markAttendance(tx, { bookingId: b!, attended: false, expected: null }, coordinator, AFTER));
    expect(stale).toMatchObject({ type: 'changedMeanwhile', bookingId: b, sessionId: 'stale', mark: { attended: true, source: 'resident' } });
    expect(await markOf(t.db, b!)).toEqual({ attended: true, source: 'resident', marked_by: 'resident' });
    const seen = await t.db.transaction((tx) => markAttendance(tx, { bookingId: b!, attended: false, expected: true }, coordinator, AFTER));
    expect(seen).toMatchObject({ type: 'marked', changed: true });
  });

  it('a cancelled booking, an unknown booking and a booking of another session are refused', async () => {
    const [a, c] = await consentingResidents(t.db, 'refuse', 2);
    const [ba, bc] = await bookedSession(t.db, 'refuse', [a!, c!]);
    await t.db.transaction((tx) => cancelBooking(tx, { conversationId: a!, sessionId: 'refuse' }, env));
    expect(await mark(ba!, true)).toMatchObject({ type: 'notBooked', status: 'cancelled' });
    expect(await mark(987654, true)).toEqual({ type: 'notFound', bookingId: 987654 });
    expect(await t.db.transaction((tx) => markAttendance(tx, { bookingId: bc!, attended: true, sessionId: 'cfirst' }, coordinator, DURING))).toEqual({
      type: 'otherSession',
      bookingId: bc,
      sessionId: 'refuse',
    });
    expect(await attendanceEvents(t.db, 'refuse')).toEqual([]);
  });

  it('the funnel event names the session and programme, never the conversation', async () => {
    const [r] = await consentingResidents(t.db, 'event', 1);
    const [b] = await bookedSession(t.db, 'event', [r!]);
    await mark(b!, true);
    const { rows } = await t.db.query(`SELECT * FROM funnel_events WHERE session_id = 'event' AND stage = 'attended'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ programme_id: 'i-can', session_id: 'event', language: 'en', at: DURING });
    expect(JSON.stringify(rows[0])).not.toContain(r!);
  });
});

// Two transactions at once need two connections: PostgreSQL only (PGlite has one).
const servers = TEST_DATABASE_URL ? ['pg'] : [];
for (const server of servers) {
  describe(`attendance marks at the same moment (${server})`, () => {
    let t: TestDb;
    beforeAll(async () => {
      t = await createTestDb({ driver: 'pg' });
    });
    afterAll(() => t?.close());
    const answer = (conversationId: string, went: boolean) => t.db.transaction((tx) => answerAttendance(tx, conversationId, went, AFTER));

    it("a resident's answer waiting on a coordinator's unfinished mark sees it once committed, and keeps it", async () => {
      const [r] = await consentingResidents(t.db, 'race', 1);
      const [b] = await bookedSession(t.db, 'race', [r!]);
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let marked!: () => void;
      const inside = new Promise<void>((resolve) => (marked = resolve));
      const coordinatorTx = t.db.transaction(async (tx) => {
        await markAttendance(tx, { bookingId: b!, attended: false }, coordinator, DURING);
        marked();
        await held;
      });
      await inside;
      const residentTx = answer(r!, true);
      // The answer waits on the booking's lock; let it queue, then commit the coordinator's mark.
      await new Promise((resolve) => setTimeout(resolve, 200));
      release();
      await coordinatorTx;
      expect(await residentTx).toEqual({ type: 'alreadyAnswered', sessionId: 'race' });
      expect(await markOf(t.db, b!)).toEqual({ attended: false, source: 'coordinator', marked_by: 'staff:7' });
      expect((await attendanceEvents(t.db, 'race')).map((e) => e.stage)).toEqual(['did_not_attend']);
    });
  });
}

describe('attendance CSV import', () => {
  let t: TestDb;
  let ids: number[];
  let later: number;
  beforeAll(async () => {
    t = await createTestDb();
    const people = await consentingResidents(t.db, 'csv', 4);
    ids = await bookedSession(t.db, 'csv-s', people.slice(0, 3));
    // A session in February: its booking cannot be marked yet.
    [later] = (await bookedSession(t.db, 'csv-later', people.slice(3), '2027-02-01')) as [number];
  });
  afterAll(() => t?.close());

  const marks = async () =>
    (await t.db.query(`SELECT booking_id::int AS booking, attended, marked_by FROM session_attendance ORDER BY booking_id`)).rows;

  it('a file with a bad row marks nothing and names each problem by its line', async () => {
    const [a, b, c] = ids;
    const csv = [
      'session_id,booking_id,attended',
      `csv-s,${a},yes`,
      `csv-s,${b},maybe`,
      `csv-s,${c},no`,
      'csv-s,999999,yes',
      `csv-later,${later},no`,
    ].join('\n');
    // Syntax first: the bad value is found before the database is asked.
    expect(await importAttendanceCsv(t.db, csv, DURING)).toEqual({ type: 'invalid', errors: [{ line: 3, message: 'attended: use yes or no (or true/false, 1/0)' }] });
    const fixed = csv.replace(`${b},maybe`, `${b},true`);
    const r = await importAttendanceCsv(t.db, fixed, DURING);
    expect(r).toEqual({
      type: 'invalid',
      errors: [
        { line: 5, message: 'there is no booking 999999' },
        { line: 6, message: 'session csv-later has not started yet (it starts 1 Feb 2027, 09:30): mark attendance once it has' },
      ],
    });
    expect(await marks()).toEqual([]);
  });

  it('a good file with a byte-order mark and Windows line ends marks every row, as the coordinator (csv)', async () => {
    const [a, b, c] = ids;
    const csv = `\uFEFFSession_ID,attended,booking_id\r\ncsv-s,Yes,${a}\r\ncsv-s,0,${b}\r\ncsv-s,TRUE,${c}\r\n`;
    expect(await importAttendanceCsv(t.db, csv, DURING)).toEqual({ type: 'imported', rows: 3, changed: 3 });
    expect(await marks()).toEqual([
      { booking: a, attended: true, marked_by: 'csv' },
      { booking: b, attended: false, marked_by: 'csv' },
      { booking: c, attended: true, marked_by: 'csv' },
    ]);
    // The same file again: nothing changes, no event is added.
    expect(await importAttendanceCsv(t.db, csv, DURING)).toEqual({ type: 'imported', rows: 3, changed: 0 });
    expect(await attendanceEvents(t.db, 'csv-s')).toHaveLength(3);
  });

  it('refuses a missing column, a booking named twice and an empty file', async () => {
    expect(await importAttendanceCsv(t.db, 'session_id,booking_id\ncsv-s,1\n', DURING)).toEqual({
      type: 'invalid',
      errors: [{ line: 1, message: 'missing columns: attended (the header is session_id,booking_id,attended)' }],
    });
    expect(await importAttendanceCsv(t.db, `session_id,booking_id,attended\ncsv-s,${ids[0]},yes\ncsv-s,${ids[0]},no\n`, DURING)).toEqual({
      type: 'invalid',
      errors: [{ line: 3, message: `booking ${ids[0]} is already on line 2` }],
    });
    expect(await importAttendanceCsv(t.db, '', DURING)).toEqual({ type: 'invalid', errors: [{ line: 1, message: 'the file is empty' }] });
  });
});

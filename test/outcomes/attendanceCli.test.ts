/**
 * `anchorline attendance list | mark | import`: the coordinator's register by booking number, marks
 * that win over residents' answers, all or nothing, with exit codes a script can rely on
 * (0 done, 1 refused, 2 usage).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attendanceCommand } from '../../src/cli/attendanceCommand.ts';
import { answerAttendance } from '../../src/domain/outcomes/attendance.ts';
import { createTestDb, TEST_DATABASE_URL, type TestDb } from '../helpers/testDb.ts';
import { runCli, schemaDatabaseUrl } from '../helpers/cliProcess.ts';
import { setLocale } from '../domain/courses/fixtures.ts';
import { attendanceEvents, bookedSession, consentingResidents, DURING, markOf } from './attendanceFixture.ts';

describe('anchorline attendance', () => {
  let t: TestDb;
  let booked: number[];
  let upcoming: number;
  let dir: string;
  const clock = DURING;

  beforeAll(async () => {
    t = await createTestDb();
    const people = await consentingResidents(t.db, 'cli', 4);
    await setLocale(t.db, people[1]!, 'pl');
    // A resident types something personal: the register must never show it.
    await t.db.query(`INSERT INTO messages (conversation_id, seq, direction, body) VALUES ($1, 1, 'in', $2)`, [people[0], JSON.stringify({ text: 'my name is Zebedee Quartz' })]);
    booked = await bookedSession(t.db, 'cli-s', people.slice(0, 3));
    [upcoming] = (await bookedSession(t.db, 'cli-later', people.slice(3), '2027-02-01')) as [number];
    dir = await mkdtemp(path.join(tmpdir(), 'attendance-'));
  });
  afterAll(() => t?.close());

  async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await attendanceCommand(argv, { withDb: (fn) => fn(t.db), out: (l) => out.push(l), err: (l) => err.push(l), now: () => clock });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('list shows each booking by number with when it was made, the language and the mark, and nothing the resident wrote', async () => {
    // The resident answers an hour after the session ended (a session still on cannot be answered).
    await t.db.transaction((tx) => answerAttendance(tx, 'cli-2', false, new Date('2027-01-11T16:00:00Z')));
    const r = await run('list', 'cli-s');
    expect(r.code).toBe(0);
    expect(r.out).toContain('session cli-s, starts 2027-01-11 09:30:00Z: 3 booked');
    // "Booking number", the words the resident's booking confirmation uses.
    expect(r.out).toMatch(/^booking number\s+booked at\s+language\s+attendance\s+marked by$/m);
    const at = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ';
    expect(r.out).toMatch(new RegExp(`^${booked[0]}\\s+${at}\\s+en\\s+not marked\\s+-$`, 'm'));
    expect(r.out).toMatch(new RegExp(`^${booked[1]}\\s+${at}\\s+pl\\s+not marked\\s+-$`, 'm'));
    expect(r.out).toMatch(new RegExp(`^${booked[2]}\\s+${at}\\s+en\\s+did not go\\s+resident, 2027-01-11 16:00:00Z$`, 'm'));
    expect(r.out).not.toMatch(/Zebedee|cli-\d/);
  });

  it('mark --attended marks every booking named, and wins over the resident\'s answer', async () => {
    const r = await run('mark', 'cli-s', String(booked[0]), String(booked[2]), '--attended');
    expect(r).toEqual({
      code: 0,
      out: `booking ${booked[0]}: went (before: not marked)\nbooking ${booked[2]}: went (before: did not go, by resident)`,
      err: '',
    });
    expect(await markOf(t.db, booked[2]!)).toEqual({ attended: true, source: 'coordinator', marked_by: 'cli' });
    expect((await run('mark', 'cli-s', String(booked[0]), '--attended')).out).toBe(`booking ${booked[0]}: went (unchanged)`);
  });

  it('a booking of another session, or of a session not started, marks nothing at all (exit 1)', async () => {
    const r = await run('mark', 'cli-s', String(booked[1]), String(upcoming), '--absent');
    expect(r.code).toBe(1);
    expect(r.err).toBe(`booking ${upcoming} is for session cli-later, not this one\nnothing marked: 1 problem(s)`);
    expect(await markOf(t.db, booked[1]!)).toBeUndefined();
    const early = await run('mark', 'cli-later', String(upcoming), '--absent');
    expect(early.code).toBe(1);
    expect(early.err).toContain('session cli-later has not started yet (it starts 1 Feb 2027, 09:30): mark attendance once it has');
    expect(await attendanceEvents(t.db, 'cli-later')).toEqual([]);
  });

  it('usage problems exit 2 with the usage: no flag, both flags, a bad booking number, an unknown command', async () => {
    for (const argv of [
      ['mark', 'cli-s', String(booked[1])],
      ['mark', 'cli-s', String(booked[1]), '--attended', '--absent'],
      ['mark', 'cli-s', 'twelve', '--attended'],
      ['mark', 'cli-s', '--attended'],
      ['list', 'cli-s', '--absent'],
      ['list'],
      ['wipe', 'cli-s'],
    ]) {
      const r = await run(...argv);
      expect({ argv, code: r.code, usage: r.err.includes('usage:') }).toEqual({ argv, code: 2, usage: true });
    }
    expect((await run('mark', 'cli-s', 'twelve', '--attended')).err).toContain('a booking number is a whole number, such as 42');
    expect((await run('list', 'no-such-session')).err).toBe('no session "no-such-session"');
    expect((await run('list', 'no-such-session')).code).toBe(1);
  });

  it('import applies a good file, and a file with a problem names its line and changes nothing', async () => {
    const bad = path.join(dir, 'bad.csv');
    await writeFile(bad, `session_id,booking_id,attended\ncli-s,${booked[1]},no\ncli-s,${upcoming},no\n`);
    const refused = await run('import', bad);
    expect(refused.code).toBe(1);
    expect(refused.err).toBe(`${bad}:3: booking ${upcoming} is for session cli-later, not this one\nnothing imported: 1 problem(s)`);
    expect(await markOf(t.db, booked[1]!)).toBeUndefined();

    const good = path.join(dir, 'good.csv');
    await writeFile(good, `session_id,booking_id,attended\r\ncli-s,${booked[1]},no\r\ncli-s,${booked[0]},yes\r\n`);
    expect(await run('import', good)).toEqual({ code: 0, out: 'imported 2 row(s): 1 mark(s) new or changed, 1 as they were', err: '' });
    expect(await markOf(t.db, booked[1]!)).toEqual({ attended: false, source: 'coordinator', marked_by: 'csv' });
    expect((await run('import', path.join(dir, 'missing.csv'))).code).toBe(2);
  });
});

// The real command line (bin → src/cli/main.ts) on PostgreSQL: a second process needs a shared database.
const servers = TEST_DATABASE_URL ? ['pg'] : [];
for (const server of servers) {
  describe(`anchorline attendance, as a process (${server})`, () => {
    let t: TestDb;
    let databaseUrl: string;
    let bookingId: number;
    beforeAll(async () => {
      t = await createTestDb({ driver: 'pg' });
      const [r] = await consentingResidents(t.db, 'proc', 1);
      // A session that has started by the real clock: yesterday's date in the future would not be.
      [bookingId] = (await bookedSession(t.db, 'proc-s', [r!])) as [number];
      await t.db.query(`UPDATE course_sessions SET starts_at = now() - interval '2 hours', ends_at = now() - interval '1 hour' WHERE id = 'proc-s'`);
      databaseUrl = await schemaDatabaseUrl(t);
    });
    afterAll(async () => t?.close());

    const cli = (...argv: string[]) => runCli(databaseUrl, argv);

    it('marks through the command line; a usage problem exits 2, a refused mark 1', async () => {
      const ok = await cli('attendance', 'mark', 'proc-s', String(bookingId), '--absent');
      expect({ code: ok.code, out: ok.stdout.trim() }).toEqual({ code: 0, out: `booking ${bookingId}: did not go (before: not marked)` });
      expect(await markOf(t.db, bookingId)).toEqual({ attended: false, source: 'coordinator', marked_by: 'cli' });
      const usage = await cli('attendance', 'mark', 'proc-s', String(bookingId));
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain('say --attended or --absent (one of them)');
      const refused = await cli('attendance', 'mark', 'proc-s', '999999', '--attended');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('there is no booking 999999');
    }, 60_000);
  });
}

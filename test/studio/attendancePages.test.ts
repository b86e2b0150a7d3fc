/**
 * /studio/attendance behind the real sign-in layer (src/studio/auth): a coordinator marks a
 * session's register with the page's own form (its hidden CSRF field) and the save is in the
 * studio's audit; a viewer reads the register and cannot save; a post without the token changes
 * nothing; a session that has not started cannot be marked.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, listen, type RunningServer } from '../../src/http/server.ts';
import { inviteStaff } from '../../src/studio/auth/staffAccounts.ts';
import { studioAuth } from '../../src/studio/auth/studioAuth.ts';
import { attendanceRoutes } from '../../src/studio/attendance/attendanceRoutes.ts';
import type { Role } from '../../src/studio/staff.ts';
import { answerAttendance } from '../../src/domain/outcomes/attendance.ts';
import { setLocale } from '../domain/courses/fixtures.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';
import { attendanceEvents, bookedSession, consentingResidents, DURING, markOf } from '../outcomes/attendanceFixture.ts';
import { call, signIn } from './auth/studioHarness.ts';

/** The day after the sessions of 11 January 2027. */
const NOW = new Date('2027-01-12T12:00:00Z');

describe('the attendance register in the studio', () => {
  let t: TestDb;
  let server: RunningServer;
  let base: string;
  let booked: number[];

  beforeAll(async () => {
    t = await createTestDb();
    const people = await consentingResidents(t.db, 'reg', 5);
    await setLocale(t.db, people[1]!, 'ur');
    booked = await bookedSession(t.db, 'reg', people.slice(0, 3));
    await bookedSession(t.db, 'reg-upcoming', people.slice(3, 4), '2027-02-01');
    await bookedSession(t.db, 'reg-october', people.slice(4), '2026-10-05', new Date('2026-10-01T09:00:00Z'));
    await bookedSession(t.db, 'reg-december', [], '2026-12-14');
    // One resident answered in chat already.
    await t.db.transaction((tx) => answerAttendance(tx, people[2]!, true, DURING));
    const logger = pino({ level: 'silent' });
    const auth = studioAuth({ db: t.db, logger, sessionHours: 8, inviteHours: 72, publicUrl: 'http://localhost' });
    const app = createApp({
      logger,
      bodyLimit: '64kb',
      readiness: [],
      routes: [['/studio', auth.router], ['/studio/attendance', attendanceRoutes({ db: t.db, guard: auth.guard, now: () => NOW })]],
    });
    server = await listen(app, 0, '127.0.0.1');
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server?.close(1000);
    await t?.close();
  });

  async function signedIn(email: string, role: Role): Promise<{ cookie: string; formCsrf: string; staffId: string }> {
    const invited = await inviteStaff(t.db, { email, role }, { publicUrl: base, inviteHours: 72, now: new Date() });
    const { cookie } = await signIn(base, new URL(invited.link.url).searchParams.get('token')!);
    const page = await (await call(base, '/studio/attendance', { cookie })).text();
    // The token the page's forms carry (the shell's sign-out form has it for every role).
    const formCsrf = /<input type="hidden" name="csrf" value="([^"]+)">/.exec(page)?.[1];
    if (!formCsrf) throw new Error('no CSRF field in the page');
    const staffId = String((await t.db.query(`SELECT id FROM studio_staff WHERE email = $1`, [email])).rows[0]!.id);
    return { cookie, formCsrf, staffId };
  }

  it('lists the sessions that started in the last 60 days, newest first, with counts; not upcoming or older ones', async () => {
    const { cookie } = await signedIn('list@example.org', 'viewer');
    const res = await call(base, '/studio/attendance', { cookie });
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('<caption>Sessions that started in the last 60 days</caption>');
    expect(body).toMatch(/<th scope="row"><a href="\/studio\/attendance\/reg">Mon, 11 Jan 2027, 09:30 to 15:00<\/a><\/th><td>Test course<\/td><td>Hall<\/td><td>3<\/td><td>1<\/td><td>0<\/td><td>2<\/td>/);
    // Newest first: 11 January before 14 December.
    expect(body.indexOf('href="/studio/attendance/reg"')).toBeLessThan(body.indexOf('href="/studio/attendance/reg-december"'));
    expect(body).toContain('href="/studio/attendance/reg-december"');
    expect(body).not.toContain('/studio/attendance/reg-upcoming');
    expect(body).not.toContain('/studio/attendance/reg-october');
    expect(body).toContain('<a href="/studio/attendance" aria-current="page">Attendance</a>');
  });

  it('a coordinator saves the register with the page\'s form: marks win over the chat answer, and the audit says who', async () => {
    const { cookie, formCsrf, staffId } = await signedIn('coordinator@example.org', 'coordinator');
    const page = await (await call(base, '/studio/attendance/reg', { cookie })).text();
    const [a, b, c] = booked as [number, number, number];
    // One fieldset per booking, its legend the booking number, a labelled radio per choice.
    expect(page).toContain(`<fieldset class="field" id="booking-${a}" aria-describedby="booking-${a}-now">\n<legend>Booking ${a}</legend>`);
    expect(page).toMatch(new RegExp(`<p class="hint" id="booking-${b}-now">Booked [^<]+; speaks Urdu\\. Not marked\\.</p>`));
    expect(page).toContain(`Went: marked by the resident, in chat, Mon, 11 Jan 2027 10:00.`);
    expect(page).toContain(`<input type="radio" id="booking-${a}-unmarked" name="b-${a}" value="unmarked" checked> <label for="booking-${a}-unmarked">Not marked</label>`);
    expect(page).toContain(`<input type="radio" id="booking-${c}-went" name="b-${c}" value="went" checked>`);
    // A mark can be corrected, not cleared: no "Not marked" for the answered booking.
    expect(page).not.toContain(`id="booking-${c}-unmarked"`);
    expect(page).toContain('<button type="submit">Save attendance</button>');

    const res = await call(base, '/studio/attendance/reg', { cookie, form: { csrf: formCsrf, [`b-${a}`]: 'went', [`b-${b}`]: 'unmarked', [`b-${c}`]: 'absent' } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/studio/attendance/reg?saved=2&changed=2');
    expect(await markOf(t.db, a)).toEqual({ attended: true, source: 'coordinator', marked_by: `staff:${staffId}` });
    expect(await markOf(t.db, b)).toBeUndefined();
    expect(await markOf(t.db, c)).toEqual({ attended: false, source: 'coordinator', marked_by: `staff:${staffId}` });
    expect((await attendanceEvents(t.db, 'reg')).map((e) => e.stage)).toEqual(['attended', 'attended', 'did_not_attend']);
    const { rows } = await t.db.query(`SELECT via, staff_email, action, subject, detail FROM studio_audit WHERE action LIKE 'attendance.%'`);
    expect(rows).toEqual([{ via: 'studio', staff_email: 'coordinator@example.org', action: 'attendance.save', subject: 'reg', detail: { went: 1, absent: 1, changed: [a, c] } }]);
    const after = await (await call(base, res.headers.get('location')!, { cookie })).text();
    expect(after).toContain('<div class="done" role="status"><p>Saved: 2 booking(s) marked, 2 of them new or changed.</p></div>');
    expect(after).toMatch(new RegExp(`id="booking-${a}-now">Booked [^<]+; speaks English\\. Went: marked by coordinator@example\\.org, Tue, 12 Jan 2027 12:00\\.</p>`));

    // Clearing a mark is refused with the problem summarised and linked to the booking; nothing is saved.
    const refused = await call(base, '/studio/attendance/reg', { cookie, form: { csrf: formCsrf, [`b-${a}`]: 'unmarked', [`b-${b}`]: 'went' } });
    expect(refused.status).toBe(409);
    const body = await refused.text();
    expect(body).toContain('<h2 id="error-summary-title">There is a problem</h2>');
    expect(body).toContain(`<li><a href="#booking-${a}">Booking ${a}: a mark can be corrected (went or did not go) but not taken back</a></li>`);
    expect(body).toContain(`<fieldset class="field field-invalid" id="booking-${a}" aria-describedby="booking-${a}-now booking-${a}-error">`);
    expect(await markOf(t.db, a)).toMatchObject({ attended: true });
    expect(await markOf(t.db, b)).toBeUndefined();
  });

  it('a booking that is not on this session is refused and nothing of the save is kept', async () => {
    const { cookie, formCsrf } = await signedIn('coordinator2@example.org', 'coordinator');
    const [, b] = booked as [number, number];
    const other = Number((await t.db.query(`SELECT id FROM bookings WHERE session_id = 'reg-october'`)).rows[0]!.id);
    const res = await call(base, '/studio/attendance/reg', { cookie, form: { csrf: formCsrf, [`b-${b}`]: 'went', [`b-${other}`]: 'went' } });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain(`<li>Booking ${other}: booking ${other} is for session reg-october, not this one</li>`);
    expect(await markOf(t.db, b)).toBeUndefined();
    expect(await markOf(t.db, other)).toBeUndefined();
    const bad = await call(base, '/studio/attendance/reg', { cookie, form: { csrf: formCsrf, [`b-${b}`]: 'maybe' } });
    expect(bad.status).toBe(400);
  });

  it('a viewer reads the register without a form and is refused a save; without the CSRF token nothing changes', async () => {
    const viewer = await signedIn('viewer@example.org', 'viewer');
    const page = await (await call(base, '/studio/attendance/reg', { cookie: viewer.cookie })).text();
    expect(page).toContain('<caption>Register</caption>');
    expect(page).not.toContain('Save attendance');
    const [, b] = booked as [number, number];
    const refused = await call(base, '/studio/attendance/reg', { cookie: viewer.cookie, form: { csrf: viewer.formCsrf, [`b-${b}`]: 'went' } });
    expect(refused.status).toBe(403);
    expect(await markOf(t.db, b)).toBeUndefined();

    const coordinator = await signedIn('coordinator3@example.org', 'coordinator');
    const forged = await call(base, '/studio/attendance/reg', { cookie: coordinator.cookie, form: { [`b-${b}`]: 'went' } });
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('csrf_failed');
    expect(await markOf(t.db, b)).toBeUndefined();
  });

  it('a session that has not started cannot be opened or marked', async () => {
    const { cookie, formCsrf } = await signedIn('coordinator4@example.org', 'coordinator');
    const id = Number((await t.db.query(`SELECT id FROM bookings WHERE session_id = 'reg-upcoming'`)).rows[0]!.id);
    expect((await call(base, '/studio/attendance/reg-upcoming', { cookie })).status).toBe(409);
    const res = await call(base, '/studio/attendance/reg-upcoming', { cookie, form: { csrf: formCsrf, [`b-${id}`]: 'went' } });
    expect(res.status).toBe(409);
    expect(await markOf(t.db, id)).toBeUndefined();
    expect((await call(base, '/studio/attendance/no-such-session', { cookie })).status).toBe(404);
  });
});

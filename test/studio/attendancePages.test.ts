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
import { markAttendance } from '../../src/domain/outcomes/attendance.ts';
import { attendanceEvents, bookedSession, consentingResidents, END, markOf } from '../outcomes/attendanceFixture.ts';
import { call, signIn } from './auth/studioHarness.ts';

/** The day after the sessions of 11 January 2027. */
const NOW = new Date('2027-01-12T12:00:00Z');
/** An hour after the session ended: when the resident is asked, and answers. */
const AFTER = new Date(END.getTime() + 3600_000);

/** The form as the page would post it untouched: each booking's checked choice and the mark it showed. */
function pageForm(page: string): Record<string, string> {
  const form: Record<string, string> = {};
  for (const m of page.matchAll(/<input type="hidden" name="(s-\d+)" value="(\w+)">/g)) form[m[1]!] = m[2]!;
  for (const m of page.matchAll(/<input type="radio" id="[^"]+" name="(b-\d+)" value="(\w+)" checked[^>]*>/g)) form[m[1]!] = m[2]!;
  return form;
}

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
    await t.db.transaction((tx) => answerAttendance(tx, people[2]!, true, AFTER));
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
    // One fieldset per booking, its legend the booking number, a labelled radio per choice, and the mark shown (hidden).
    expect(page).toContain(`<fieldset class="field" id="booking-${a}" aria-describedby="booking-${a}-now">\n<legend>Booking number ${a}</legend>\n<input type="hidden" name="s-${a}" value="unmarked">`);
    expect(page).toContain(`<input type="hidden" name="s-${c}" value="went">`);
    expect(page).toMatch(new RegExp(`<p class="hint" id="booking-${b}-now">Booked [^<]+; speaks Urdu\\. Not marked\\.</p>`));
    expect(page).toContain(`Went: marked by the resident, in chat, Mon, 11 Jan 2027 16:00.`);
    expect(page).toContain(`<input type="radio" id="booking-${a}-unmarked" name="b-${a}" value="unmarked" checked> <label for="booking-${a}-unmarked">Not marked</label>`);
    expect(page).toContain(`<input type="radio" id="booking-${c}-went" name="b-${c}" value="went" checked>`);
    // A mark can be corrected, not cleared: no "Not marked" for the answered booking.
    expect(page).not.toContain(`id="booking-${c}-unmarked"`);
    expect(page).toContain('<button type="submit">Save attendance</button>');

    const res = await call(base, '/studio/attendance/reg', { cookie, form: { ...pageForm(page), csrf: formCsrf, [`b-${a}`]: 'went', [`b-${c}`]: 'absent' } });
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
    const refused = await call(base, '/studio/attendance/reg', { cookie, form: { ...pageForm(after), csrf: formCsrf, [`b-${a}`]: 'unmarked', [`b-${b}`]: 'went' } });
    expect(refused.status).toBe(409);
    const body = await refused.text();
    expect(body).toContain('<h2 id="error-summary-title">There is a problem</h2>');
    expect(body).toContain(`<li><a href="#booking-${a}">Booking number ${a}: a mark can be corrected (went or did not go) but not taken back</a></li>`);
    expect(body).toContain(`<fieldset class="field field-invalid" id="booking-${a}" aria-describedby="booking-${a}-now booking-${a}-error">`);
    expect(await markOf(t.db, a)).toMatchObject({ attended: true });
    expect(await markOf(t.db, b)).toBeUndefined();
  });

  it('saving changes only what the coordinator changed; a mark made since the page was opened is not overwritten', async () => {
    const { cookie, formCsrf, staffId } = await signedIn('keeper@example.org', 'coordinator');
    const people = await consentingResidents(t.db, 'keep', 3);
    const [b0, b1, b2] = (await bookedSession(t.db, 'keep', people)) as [number, number, number];
    await t.db.transaction((tx) => answerAttendance(tx, people[0]!, true, AFTER));

    // The page as shown, one choice changed: the resident's own "went" (pre-ticked) stays theirs.
    const page = await (await call(base, '/studio/attendance/keep', { cookie })).text();
    const saved = await call(base, '/studio/attendance/keep', { cookie, form: { ...pageForm(page), csrf: formCsrf, [`b-${b1}`]: 'absent' } });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe('/studio/attendance/keep?saved=1&changed=1');
    expect(await markOf(t.db, b0)).toEqual({ attended: true, source: 'resident', marked_by: 'resident' });
    expect(await markOf(t.db, b1)).toEqual({ attended: false, source: 'coordinator', marked_by: `staff:${staffId}` });
    expect((await attendanceEvents(t.db, 'keep')).map((e) => e.stage)).toEqual(['attended', 'did_not_attend']);

    // A page left open while the command line and a CSV import mark two bookings.
    const open = await (await call(base, '/studio/attendance/keep', { cookie })).text();
    await t.db.transaction(async (tx) => {
      await markAttendance(tx, { bookingId: b2, attended: true }, { source: 'coordinator', markedBy: 'cli' }, NOW);
      await markAttendance(tx, { bookingId: b1, attended: true }, { source: 'coordinator', markedBy: 'csv' }, NOW);
    });
    // The coordinator changes b0 and b2; b1 is left as the page showed it (did not go).
    const stale = await call(base, '/studio/attendance/keep', { cookie, form: { ...pageForm(open), csrf: formCsrf, [`b-${b0}`]: 'absent', [`b-${b2}`]: 'absent' } });
    expect(stale.status).toBe(409);
    const body = await stale.text();
    expect(body).toContain('<p>Nothing was saved.</p>');
    expect(body).toContain(
      `<li><a href="#booking-${b2}">Booking number ${b2}: someone else marked it after you opened this page (it is now: Went: marked by the command line, Tue, 12 Jan 2027 12:00). Check it and save again</a></li>`,
    );
    expect(body).not.toContain(`<a href="#booking-${b1}">`);
    // Nothing overwritten, nothing of the save kept.
    expect(await markOf(t.db, b2)).toEqual({ attended: true, source: 'coordinator', marked_by: 'cli' });
    expect(await markOf(t.db, b1)).toEqual({ attended: true, source: 'coordinator', marked_by: 'csv' });
    expect(await markOf(t.db, b0)).toEqual({ attended: true, source: 'resident', marked_by: 'resident' });
    // The register shows the current marks (and posts them back as shown); the coordinator's own change to b0 is kept.
    expect(body).toContain(`<input type="hidden" name="s-${b2}" value="went">`);
    expect(body).toContain(`<input type="radio" id="booking-${b2}-went" name="b-${b2}" value="went" checked aria-invalid="true">`);
    expect(body).toContain(`<input type="radio" id="booking-${b1}-went" name="b-${b1}" value="went" checked>`);
    expect(body).toContain(`<input type="hidden" name="s-${b0}" value="went">`);
    expect(body).toContain(`<input type="radio" id="booking-${b0}-absent" name="b-${b0}" value="absent" checked>`);
    // Saved again from that page, only b0 changes.
    const again = await call(base, '/studio/attendance/keep', { cookie, form: { ...pageForm(body), csrf: formCsrf } });
    expect(again.headers.get('location')).toBe('/studio/attendance/keep?saved=1&changed=1');
    expect(await markOf(t.db, b0)).toEqual({ attended: false, source: 'coordinator', marked_by: `staff:${staffId}` });
    expect(await markOf(t.db, b1)).toEqual({ attended: true, source: 'coordinator', marked_by: 'csv' });
    expect(await markOf(t.db, b2)).toEqual({ attended: true, source: 'coordinator', marked_by: 'cli' });
  });

  it('a booking that is not on this session is refused and nothing of the save is kept', async () => {
    const { cookie, formCsrf } = await signedIn('coordinator2@example.org', 'coordinator');
    const [, b] = booked as [number, number];
    const other = Number((await t.db.query(`SELECT id FROM bookings WHERE session_id = 'reg-october'`)).rows[0]!.id);
    const res = await call(base, '/studio/attendance/reg', {
      cookie,
      form: { csrf: formCsrf, [`b-${b}`]: 'went', [`s-${b}`]: 'unmarked', [`b-${other}`]: 'went', [`s-${other}`]: 'unmarked' },
    });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain(`<li>Booking number ${other}: booking ${other} is for session reg-october, not this one</li>`);
    expect(await markOf(t.db, b)).toBeUndefined();
    expect(await markOf(t.db, other)).toBeUndefined();
    const bad = await call(base, '/studio/attendance/reg', { cookie, form: { csrf: formCsrf, [`b-${b}`]: 'maybe', [`s-${b}`]: 'unmarked' } });
    expect(bad.status).toBe(400);
    // Without the mark the page showed, a choice cannot be weighed against what is stored: refused.
    const incomplete = await call(base, '/studio/attendance/reg', { cookie, form: { csrf: formCsrf, [`b-${b}`]: 'went' } });
    expect(incomplete.status).toBe(400);
    expect(await markOf(t.db, b)).toBeUndefined();
  });

  it('a viewer reads the register without a form and is refused a save; without the CSRF token nothing changes', async () => {
    const viewer = await signedIn('viewer@example.org', 'viewer');
    const page = await (await call(base, '/studio/attendance/reg', { cookie: viewer.cookie })).text();
    expect(page).toContain('<caption>Register</caption>');
    // The column the resident's booking confirmation names: "Your booking number is …".
    expect(page).toContain('<th scope="col">Booking number</th>');
    expect(page).not.toContain('Save attendance');
    const [, b] = booked as [number, number];
    const refused = await call(base, '/studio/attendance/reg', { cookie: viewer.cookie, form: { csrf: viewer.formCsrf, [`b-${b}`]: 'went', [`s-${b}`]: 'unmarked' } });
    expect(refused.status).toBe(403);
    expect(await markOf(t.db, b)).toBeUndefined();

    const coordinator = await signedIn('coordinator3@example.org', 'coordinator');
    const forged = await call(base, '/studio/attendance/reg', { cookie: coordinator.cookie, form: { [`b-${b}`]: 'went', [`s-${b}`]: 'unmarked' } });
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('csrf_failed');
    expect(await markOf(t.db, b)).toBeUndefined();
  });

  it('a session that has not started cannot be opened or marked', async () => {
    const { cookie, formCsrf } = await signedIn('coordinator4@example.org', 'coordinator');
    const id = Number((await t.db.query(`SELECT id FROM bookings WHERE session_id = 'reg-upcoming'`)).rows[0]!.id);
    expect((await call(base, '/studio/attendance/reg-upcoming', { cookie })).status).toBe(409);
    const res = await call(base, '/studio/attendance/reg-upcoming', { cookie, form: { csrf: formCsrf, [`b-${id}`]: 'went', [`s-${id}`]: 'unmarked' } });
    expect(res.status).toBe(409);
    expect(await markOf(t.db, id)).toBeUndefined();
    expect((await call(base, '/studio/attendance/no-such-session', { cookie })).status).toBe(404);
  });
});

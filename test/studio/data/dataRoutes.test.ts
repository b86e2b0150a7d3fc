import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationProfileSchema } from '../../../src/domain/applications/applicationProfile.ts';
import { applicationStatus } from '../../../src/domain/applications/applicationStatus.ts';
import { submitApplication } from '../../../src/domain/applications/submitApplication.ts';
import { formatSeedConflict } from '../../../src/domain/coordinatorData/seedConflict.ts';
import { seedCoordinatorData } from '../../../src/domain/coordinatorData/seedCoordinatorData.ts';
import { bookSession } from '../../../src/domain/courses/bookSession.ts';
import { listSessions } from '../../../src/domain/courses/listSessions.ts';
import { matchVacancies } from '../../../src/domain/vacancies/matchVacancies.ts';
import { personSpecSchema } from '../../../src/domain/vacancies/personSpec.ts';
import { listMessages } from '../../../src/store/messages.ts';
import { addConversations, setLocale } from '../../domain/courses/fixtures.ts';
import { agreeToShare } from '../../helpers/consent.ts';
import { courseOptions, NOW, startStudioData, type StudioDataFixture } from './studioDataFixture.ts';

const as = (role: string) => ({ 'x-test-role': role });

describe('studio programme data pages', () => {
  let f: StudioDataFixture;
  const env = { now: NOW, options: courseOptions };

  beforeAll(async () => {
    f = await startStudioData();
  });
  afterAll(async () => {
    await f?.close();
  });

  const get = (path: string, role = 'coordinator') => fetch(`${f.base}${path}`, { headers: as(role) });
  const post = (path: string, fields: Record<string, string>, role = 'coordinator') =>
    fetch(`${f.base}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...as(role), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf: 'test-csrf-token', ...fields }).toString(),
    });
  const follow = async (res: Response) => {
    expect(res.status).toBe(303);
    return get(new URL(res.headers.get('location')!, f.base).pathname.replace('/studio/data', '') + new URL(res.headers.get('location')!, f.base).search);
  };
  const capacityOf = async (id: string) => (await f.t.db.query<{ capacity: number; taken: number }>(`SELECT capacity, taken FROM course_sessions WHERE id = $1`, [id])).rows[0];
  const book = (conversationId: string, sessionId: string) => f.t.db.transaction((tx) => bookSession(tx, { conversationId, sessionId }, env));
  const outTexts = async (conversationId: string) =>
    (await listMessages(f.t.db, conversationId)).flatMap((m) => (m.direction === 'out' ? [JSON.stringify(m.body)] : []));

  it('the overview shows the seeded programmes, upcoming sessions with seats, and partners with open vacancies', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('<title>Programme data · Anchorline studio</title>');
    expect(body).toContain('Hospitality to Health');
    expect(body).toContain('I Can');
    // A session row: date and time, course link, venue, capacity 12, none booked or waiting, open.
    expect(body).toMatch(/<th scope="row">2027-01-11, 09:30 to 15:00<\/th><td><a href="\/studio\/data\/courses\/h2h-support-services">[^<]+<\/a><\/td><td>[^<]+<\/td><td>12<\/td><td>0<\/td><td>0<\/td><td>Open<\/td>/);
    expect(body).toMatch(/<a href="\/studio\/data\/partners\/bchc">[^<]+<\/a><\/th><td>bchc<\/td><td>2<\/td><td>0<\/td>/);
    expect(body).toContain('<caption>Upcoming sessions</caption>');
  });

  it('programmes are listed, and one programme shows its eligibility rules read-only, saying where they are edited', async () => {
    const list = await (await get('/programmes')).text();
    expect(list).toContain('href="/studio/data/programmes/hospitality-to-health"');
    const res = await get('/programmes/hospitality-to-health');
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('Aged 18 or over');
    expect(body).toContain('Lives in Birmingham (E08000025), Solihull (E08000029)');
    expect(body).toContain('Worked in hospitality in the last 2 year(s), or is at risk of losing their job');
    expect(body).toContain('Has the right to work in the UK');
    expect(body).toContain('flows/programmes.yaml');
    // No form but the shell's sign-out: the rules cannot be changed here.
    expect(body.match(/<form /g)).toHaveLength(1);
    expect((await get('/programmes/no-such-programme')).status).toBe(404);
  });

  it('adds a valid session: residents are offered it, db seed will not overwrite it, and the change is audited', async () => {
    const res = await post('/courses/ican-admin/sessions', {
      id: 'ican-admin-2027-04-12',
      startDate: '2027-04-12',
      startTime: '10:00',
      endTime: '14:30',
      'venue.name': 'Studio Hall',
      'venue.address': '2 New Street, Birmingham B2 4AA',
      'venue.accessible': 'yes',
      capacity: '9',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/studio/data/courses/ican-admin?done=sessionAdded&id=ican-admin-2027-04-12');
    const page = await (await follow(res)).text();
    expect(page).toContain('Session ican-admin-2027-04-12 added.');
    expect(page).toContain('2027-04-12, 10:00 to 14:30');
    const offered = await listSessions(f.t.db, { programmeId: 'i-can', now: NOW, limit: 50 });
    expect(offered.map((s) => s.id)).toContain('ican-admin-2027-04-12');
    const row = (await f.t.db.query(`SELECT source, capacity FROM course_sessions WHERE id = 'ican-admin-2027-04-12'`)).rows[0];
    expect(row).toEqual({ source: 'studio', capacity: 9 });
    expect(f.audits).toContainEqual({ role: 'coordinator', action: 'data.session.add', subject: 'ican-admin-2027-04-12', detail: { courseId: 'ican-admin', startDate: '2027-04-12', capacity: 9 } });
  });

  it('refuses an invalid session with each problem next to its field and summarised at the top, and stores nothing', async () => {
    const res = await post('/courses/ican-admin/sessions', {
      id: 'Bad Id',
      startDate: '2027-04-13',
      startTime: '14:00',
      endTime: '09:00',
      'venue.name': '',
      'venue.address': '3 Road',
      capacity: '0',
    });
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(body).toContain('<title>Error: Course:');
    expect(body).toContain('<h2 id="error-summary-title">There is a problem</h2>');
    for (const [field, label, message] of [
      ['id', 'Session id', 'use lower-case letters, digits and dashes'],
      ['venue-name', 'Venue name', 'Enter a value'],
      ['venue-accessible', 'Step-free access to the venue?', 'Enter a value'],
    ] as const) {
      expect(body).toContain(`<li><a href="#f-add-${field}">${label}: ${message}</a></li>`);
      expect(body).toContain(`<p class="field-error" id="f-add-${field}-error"><span class="visually-hidden">Error:</span> ${message}</p>`);
    }
    expect(body).toContain('<li><a href="#f-add-capacity">Capacity (seats): Enter 1 or more</a></li>');
    // What was typed is kept for correcting.
    expect(body).toContain('value="3 Road"');
    // A rule across fields is checked (by zod) once every field is right on its own.
    const crossed = await post('/courses/ican-admin/sessions', {
      id: 'ican-admin-2027-04-13',
      startDate: '2027-04-13',
      startTime: '14:00',
      endTime: '09:00',
      'venue.name': 'Hall',
      'venue.address': '3 Road',
      'venue.accessible': 'no',
      capacity: '4',
    });
    expect(crossed.status).toBe(400);
    const crossedBody = await crossed.text();
    expect(crossedBody).toContain('<li><a href="#f-add-endTime">End time: endTime must be after startTime</a></li>');
    expect(crossedBody).toContain('<input id="f-add-endTime" name="endTime" type="time" value="09:00" required aria-invalid="true" aria-describedby="f-add-endTime-hint f-add-endTime-error">');
    expect((await f.t.db.query(`SELECT 1 FROM course_sessions WHERE course_id = 'ican-admin' AND starts_at::date = '2027-04-13'`)).rowCount).toBe(0);
  });

  it('refuses a session id that exists (409) and a start that has passed (400)', async () => {
    const fields = { startDate: '2027-05-01', startTime: '09:00', endTime: '12:00', 'venue.name': 'Hall', 'venue.address': '1 Road', 'venue.accessible': 'no', capacity: '5' };
    const taken = await post('/courses/ican-admin/sessions', { ...fields, id: 'h2h-support-2027-01-11' });
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain('A session with the id h2h-support-2027-01-11 exists already: choose another id');
    expect(await capacityOf('h2h-support-2027-01-11')).toEqual({ capacity: 12, taken: 0 });
    const past = await post('/courses/ican-admin/sessions', { ...fields, id: 'ican-admin-2027-01-01', startDate: '2027-01-01' });
    expect(past.status).toBe(400);
    expect(await past.text()).toContain('This date and start time have passed: choose a later date');
    expect((await f.t.db.query(`SELECT 1 FROM course_sessions WHERE id = 'ican-admin-2027-01-01'`)).rowCount).toBe(0);
  });

  it('never lowers a capacity below the seats booked: refused with the count, unchanged in the database', async () => {
    const people = await addConversations(f.t.db, 'cap', 3);
    for (const p of people) expect((await book(p, 'ican-admin-2027-01-18')).type).toBe('booked');
    const res = await post('/sessions/ican-admin-2027-01-18/capacity', { capacity: '2' });
    expect(res.status).toBe(409);
    const body = await res.text();
    expect(body).toContain('3 seat(s) are booked or offered, so the capacity cannot be below 3; it stays 8');
    expect(body).toContain('<li><a href="#f-ican-admin-2027-01-18-capacity">Capacity of ican-admin-2027-01-18: 3 seat(s) are booked or offered');
    expect(await capacityOf('ican-admin-2027-01-18')).toEqual({ capacity: 8, taken: 3 });

    const ok = await post('/sessions/ican-admin-2027-01-18/capacity', { capacity: '3' });
    expect(ok.status).toBe(303);
    expect(await (await follow(ok)).text()).toContain('The capacity of ican-admin-2027-01-18 is now 3.');
    expect(await capacityOf('ican-admin-2027-01-18')).toEqual({ capacity: 3, taken: 3 });
    expect(f.audits).toContainEqual({ role: 'coordinator', action: 'data.session.capacity', subject: 'ican-admin-2027-01-18', detail: { from: 8, to: 3, offered: 0 } });

    const notNumber = await post('/sessions/ican-admin-2027-01-18/capacity', { capacity: 'ten' });
    expect(notNumber.status).toBe(400);
    expect(await notNumber.text()).toContain('Enter the number of seats, a whole number from 1 to 500');
  });

  it('a raised capacity is offered to the waiting list at once', async () => {
    const [waiter] = await addConversations(f.t.db, 'raise', 1);
    expect((await book(waiter!, 'ican-admin-2027-01-18')).type).toBe('waitlisted');
    const res = await post('/sessions/ican-admin-2027-01-18/capacity', { capacity: '4' });
    expect(res.status).toBe(303);
    expect(await (await follow(res)).text()).toContain('1 seat(s) were offered to people on the waiting list.');
    expect(await capacityOf('ican-admin-2027-01-18')).toEqual({ capacity: 4, taken: 4 });
  });

  describe('cancelling a session', () => {
    const SESSION = 'h2h-clinical-2027-02-01';
    let english: string;
    let urdu: string;
    let urduWaiting: string;

    beforeAll(async () => {
      [english, urdu, urduWaiting] = await addConversations(f.t.db, 'cancel', 3) as [string, string, string];
      await setLocale(f.t.db, urdu, 'ur');
      await setLocale(f.t.db, urduWaiting, 'ur');
      // Two seats, so the third resident waits.
      await f.t.db.query(`UPDATE course_sessions SET capacity = 2 WHERE id = $1`, [SESSION]);
      expect((await book(english, SESSION)).type).toBe('booked');
      expect((await book(urdu, SESSION)).type).toBe('booked');
      expect((await book(urduWaiting, SESSION)).type).toBe('waitlisted');
    });

    it('asks first, saying how many residents will be told', async () => {
      const body = await (await get(`/sessions/${SESSION}/cancel`)).text();
      expect(body).toContain('2 resident(s) have a seat and 1 are on the waiting list.');
      expect(body).toContain('Cancel the session and tell 3 resident(s)');
    });

    it('tells every resident booked or waiting, in their own language, and cancels their bookings', async () => {
      const res = await post(`/sessions/${SESSION}/cancel`, {});
      expect(res.status).toBe(303);
      const page = await (await follow(res)).text();
      expect(page).toContain(`Session ${SESSION} is cancelled. 3 of 3 resident(s) with a booking or on the waiting list were told.`);
      expect(page).toMatch(new RegExp(`<th scope="row">${SESSION}</th>.*<td>Cancelled</td>`));

      const en = await outTexts(english);
      expect(en.some((m) => m.includes('Sorry, we had to cancel') && m.includes('Your seat on it is cancelled.'))).toBe(true);
      expect(en.some((m) => m.includes('cmd:restart') && m.includes('Choose another date'))).toBe(true);
      const ur = await outTexts(urdu);
      expect(ur.some((m) => m.includes('معذرت، ہمیں') && m.includes('اس میں آپ کی سیٹ بھی منسوخ ہو گئی ہے') && m.includes('"locale":"ur"') && m.includes('"dir":"rtl"'))).toBe(true);
      const waiting = await outTexts(urduWaiting);
      expect(waiting.some((m) => m.includes('آپ اس کی انتظار کی فہرست میں تھے'))).toBe(true);

      const statuses = (await f.t.db.query(`SELECT status, count(*)::int AS n FROM bookings WHERE session_id = $1 GROUP BY status`, [SESSION])).rows;
      expect(statuses).toEqual([{ status: 'cancelled', n: 3 }]);
      expect(await capacityOf(SESSION)).toEqual({ capacity: 2, taken: 0 });
      // No longer offered, and cannot be booked.
      expect((await listSessions(f.t.db, { programmeId: 'hospitality-to-health', now: NOW, includeFull: true, limit: 50 })).map((s) => s.id)).not.toContain(SESSION);
      const [late] = await addConversations(f.t.db, 'late', 1);
      expect((await book(late!, SESSION)).type).toBe('notFound');
      expect(f.audits.filter((a) => a.action === 'data.session.cancel')).toEqual([
        { role: 'coordinator', action: 'data.session.cancel', subject: SESSION, detail: { residents: 3, told: 3, booked: 2, waiting: 1 } },
      ]);
    });

    it('cancelling again changes nothing: nobody is told twice and nothing is freed twice', async () => {
      const before = (await outTexts(english)).length + (await outTexts(urdu)).length + (await outTexts(urduWaiting)).length;
      const res = await post(`/sessions/${SESSION}/cancel`, {});
      expect(res.status).toBe(303);
      expect(await (await follow(res)).text()).toContain(`Session ${SESSION} was already cancelled: nothing more was done and nobody was told twice.`);
      expect((await outTexts(english)).length + (await outTexts(urdu)).length + (await outTexts(urduWaiting)).length).toBe(before);
      expect(await capacityOf(SESSION)).toEqual({ capacity: 2, taken: 0 });
      expect(f.audits.filter((a) => a.action === 'data.session.cancel')).toHaveLength(1);
    });

    it('refuses to cancel a session that has started, and leaves its bookings', async () => {
      const [booked] = await addConversations(f.t.db, 'started', 1);
      expect((await book(booked!, 'h2h-support-2027-01-11')).type).toBe('booked');
      f.clock.now = new Date('2027-01-11T10:00:00Z');
      try {
        const res = await post('/sessions/h2h-support-2027-01-11/cancel', {});
        expect(res.status).toBe(409);
        expect(await res.text()).toContain('This session has started: it cannot be cancelled.');
      } finally {
        f.clock.now = NOW;
      }
      expect((await f.t.db.query(`SELECT status FROM bookings WHERE conversation_id = $1`, [booked])).rows).toEqual([{ status: 'booked' }]);
      expect(await outTexts(booked!)).toEqual([]);
    });
  });

  describe('vacancies', () => {
    const spec = personSpecSchema.parse({ jobFamilies: ['facilities'], age: 30 });
    const fitting = async () => (await matchVacancies(f.t.db, spec, NOW)).fitting.map((v) => v.id);

    it('adds a vacancy checked like partners.yaml: residents are matched to it', async () => {
      const res = await post('/partners/uhb/vacancies', {
        id: 'uhb-porter-qeh-2027-2',
        role: 'Porter',
        jobFamily: 'facilities',
        band: '2',
        hoursPerWeek: '37.5',
        'site.id': 'qeh',
        'site.name': 'Queen Elizabeth Hospital Birmingham',
        closingDate: '2027-03-31',
        startDate: '2027-05-03',
        minAge: '18',
        'requirements.drivingLicence': 'no',
      });
      expect(res.status).toBe(303);
      expect(await (await follow(res)).text()).toContain('Vacancy uhb-porter-qeh-2027-2 added.');
      expect(await fitting()).toContain('uhb-porter-qeh-2027-2');
      expect(f.audits).toContainEqual({ role: 'coordinator', action: 'data.vacancy.add', subject: 'uhb-porter-qeh-2027-2', detail: { partnerId: 'uhb', closingDate: '2027-03-31' } });
    });

    it('refuses an invalid vacancy with the problems by field', async () => {
      const res = await post('/partners/uhb/vacancies', {
        id: 'uhb-bad',
        role: 'Porter',
        jobFamily: 'cooking',
        band: 'two',
        hoursPerWeek: '60',
        'site.id': 'qeh',
        'site.name': 'QEH',
        closingDate: '2027-03-31',
        minAge: '18',
      });
      expect(res.status).toBe(400);
      const body = await res.text();
      expect(body).toContain('<li><a href="#f-add-band">Band: a band like &#34;2&#34; or &#34;2-3&#34;</a></li>');
      expect(body).toContain('<li><a href="#f-add-hoursPerWeek">Hours a week: Enter 48 or less</a></li>');
      expect(body).toContain('<li><a href="#f-add-jobFamily">Job family: Choose one of: administration, facilities, medical</a></li>');
      const crossed = await post('/partners/uhb/vacancies', {
        id: 'uhb-bad',
        role: 'Porter',
        jobFamily: 'facilities',
        band: '2',
        hoursPerWeek: '20',
        'site.id': 'qeh',
        'site.name': 'QEH',
        closingDate: '2027-03-31',
        startDate: '2027-03-01',
        minAge: '18',
        'requirements.drivingLicence': 'yes',
      });
      expect(crossed.status).toBe(400);
      expect(await crossed.text()).toContain('<li><a href="#f-add-startDate">Start date (optional): startDate must not be before closingDate</a></li>');
      expect((await f.t.db.query(`SELECT 1 FROM vacancies WHERE id = 'uhb-bad'`)).rowCount).toBe(0);
    });

    it('closing stops matching and new applications, keeps applications made; reopening matches again', async () => {
      const VACANCY = 'bchc-catering-2027-1';
      const profile = applicationProfileSchema.parse({ jobFamilies: ['facilities'], age: 30 });
      const [applied, later] = await addConversations(f.t.db, 'vac', 2) as [string, string];
      const apply = async (who: string) => {
        const sharedWith = await agreeToShare(f.t.db, who, ['bchc']);
        return f.t.db.transaction((tx) => submitApplication(tx, { conversationId: who, profile, vacancyIds: [VACANCY], sharedWith }, NOW));
      };
      expect((await apply(applied)).type).toBe('submitted');
      expect(await fitting()).toContain(VACANCY);

      const res = await post(`/vacancies/${VACANCY}/close`, {});
      expect(res.status).toBe(303);
      expect(await (await follow(res)).text()).toContain(`Vacancy ${VACANCY} is closed (closing date 2027-01-04).`);
      expect(await fitting()).not.toContain(VACANCY);
      const notFitting = (await matchVacancies(f.t.db, spec, NOW)).notFitting.find((n) => n.vacancy.id === VACANCY);
      expect(notFitting?.reasons).toEqual([{ type: 'closed', closingDate: '2027-01-04' }]);
      expect((await apply(later)).type).toBe('refused');
      const kept = await applicationStatus(f.t.db, applied);
      expect(kept.type === 'found' ? kept.vacancies.map((v) => [v.vacancyId, v.status]) : []).toEqual([[VACANCY, 'submitted']]);
      expect(f.audits).toContainEqual({ role: 'coordinator', action: 'data.vacancy.close', subject: VACANCY, detail: { from: '2027-03-14', to: '2027-01-04' } });

      const again = await post(`/vacancies/${VACANCY}/close`, {});
      expect(await (await follow(again)).text()).toContain(`Vacancy ${VACANCY} was already closed`);

      const past = await post(`/vacancies/${VACANCY}/reopen`, { closingDate: '2027-01-01' });
      expect(past.status).toBe(400);
      expect(await past.text()).toContain('The closing date must be today (2027-01-05) or later');
      expect(await fitting()).not.toContain(VACANCY);

      const reopened = await post(`/vacancies/${VACANCY}/reopen`, { closingDate: '2027-03-31' });
      expect(reopened.status).toBe(303);
      expect(await (await follow(reopened)).text()).toContain(`Vacancy ${VACANCY} is open until 2027-03-31.`);
      expect(await fitting()).toContain(VACANCY);
      expect((await apply(later)).type).toBe('submitted');
    });

    it('refuses to reopen past a start date (the schema of partners.yaml)', async () => {
      const res = await post('/vacancies/uhb-hcsw-qeh-2027-1/reopen', { closingDate: '2027-04-30' });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('startDate must not be before closingDate');
    });
  });

  describe('roles', () => {
    const changes: Array<[string, Record<string, string>]> = [
      ['/courses/ican-admin/sessions', { id: 'x-1', startDate: '2027-06-01', startTime: '09:00', endTime: '10:00', 'venue.name': 'H', 'venue.address': 'A', 'venue.accessible': 'no', capacity: '5' }],
      ['/sessions/ican-facilities-2027-01-25/capacity', { capacity: '20' }],
      ['/sessions/ican-facilities-2027-01-25/cancel', {}],
      ['/partners/uhb/vacancies', { id: 'x-2' }],
      ['/vacancies/uhb-porter-heartlands-2027-1/close', {}],
      ['/vacancies/uhb-porter-heartlands-2027-1/reopen', { closingDate: '2027-12-31' }],
    ];

    it('viewers and translators read every page but change nothing (403), and see no forms', async () => {
      for (const role of ['viewer', 'translator']) {
        for (const path of ['/', '/programmes', '/programmes/i-can', '/courses/ican-facilities', '/partners/uhb']) {
          const res = await get(path, role);
          expect(res.status, `${role} ${path}`).toBe(200);
          expect((await res.text()).match(/<form /g), `${role} ${path}`).toHaveLength(1);
        }
        const course = await (await get('/courses/ican-facilities', role)).text();
        expect(course).not.toContain('<th scope="col">Cancel</th>');
        expect(course).not.toContain('Change capacity');
        expect((await get('/sessions/ican-facilities-2027-01-25/cancel', role)).status).toBe(403);
        for (const [path, fields] of changes) expect((await post(path, fields, role)).status, `${role} ${path}`).toBe(403);
      }
      expect(await capacityOf('ican-facilities-2027-01-25')).toEqual({ capacity: 15, taken: 0 });
      expect((await f.t.db.query(`SELECT cancelled_at FROM course_sessions WHERE id = 'ican-facilities-2027-01-25'`)).rows).toEqual([{ cancelled_at: null }]);
      expect(f.audits.filter((a) => a.role !== 'coordinator')).toEqual([]);
    });

    it('without a session nothing is shown (401)', async () => {
      expect((await fetch(`${f.base}/`)).status).toBe(401);
    });
  });

  // Runs last: what the changes above leave between flows/*.yaml and the database, as the next
  // start-up (and `npm run flows -- check --db`) reports it.
  it('changes made here are reported as differences from the files, and the database is kept', async () => {
    const report = await seedCoordinatorData(f.t.db, { flowsDir: 'flows', mode: 'check', now: NOW, options: courseOptions });
    const lines = report.conflicts.map(formatSeedConflict);
    // A capacity changed here belongs to the studio from then on: `db seed` leaves it.
    expect(lines).toContain(
      'flows/courses.yaml: session ican-admin-2027-01-18: capacity is 8 in the file, 4 in the database (changed in the studio, so the database is kept; change it in the studio again, or make the file match)',
    );
    // A session cancelled here (earlier in this file) is said to be cancelled while the file lists it.
    expect(lines).toContain(
      'flows/courses.yaml: session h2h-clinical-2027-02-01: listed in the file, cancelled in the database; capacity is 10 in the file, 2 in the database (cancelled in the studio, so the database is kept; take it out of the file)',
    );
    // A vacancy closed and reopened here: start-up and `db seed` both keep it.
    expect(lines).toContain(
      'flows/partners.yaml: vacancy bchc-catering-2027-1: closingDate is 2027-03-14 in the file, 2027-03-31 in the database (changed in the studio, so the database is kept; change it in the studio again, or make the file match)',
    );
  });
});

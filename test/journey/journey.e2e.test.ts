import nock from 'nock';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { allActions } from '../../src/domain/allActions.ts';
import { seedCourses } from '../../src/domain/courses/seedCourses.ts';
import { seedPartners } from '../../src/domain/vacancies/seedPartners.ts';
import { ActionRegistry } from '../../src/engine/actions.ts';
import { createEngine } from '../../src/engine/createEngine.ts';
import type { Reply } from '../../src/engine/reply.ts';
import { makeActionRunner } from '../../src/engine/runAction.ts';
import { FlowCatalog } from '../../src/flows/catalog.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';

// The whole journey through the real engine, real actions, the shipped flows and data, and the
// database; only postcodes.io (outside) is stood in for with nock.
const POSTCODES = 'http://postcodes.test';
const logger = pino({ level: 'silent' });

/**
 * A postcodes.io 18.x-shaped answer. The postcode/LSOA pairs are constructed for the test; the
 * LSOAs and wards are real rows of the shipped IMD table: E01008882 (Birmingham 066A, Tyseley &
 * Hay Mills, IMD decile 1). Sandwell is E08000028, outside both councils.
 */
function place(postcode: string, district: [string, string], ward: [string, string], lsoa11: string) {
  return {
    status: 200,
    result: {
      postcode,
      admin_district: district[1],
      admin_ward: ward[1],
      codes: { admin_district: district[0], admin_ward: ward[0], lsoa: 'E01033620', lsoa11, lsoa21: 'E01033620' },
    },
  };
}

const texts = (rs: Reply[]) => rs.map((r) => ('text' in r ? r.text : r.type === 'card' ? r.card.fallback : r.type)).join('\n');
const values = (rs: Reply[]) => rs.flatMap((r) => (r.type === 'choices' ? r.choices.map((c) => c.value) : []));

describe('resident journey, end to end', () => {
  let t: TestDb;
  let send: (c: string, text?: string, value?: unknown) => Promise<Reply[]>;

  beforeAll(async () => {
    t = await createTestDb();
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    await seedCourses(t.db, 'flows/courses.yaml');
    await seedPartners(t.db, 'flows/partners.yaml');
    const config = loadConfig({ POSTCODES_IO_URL: POSTCODES });
    const ref: { catalog?: FlowCatalog } = {};
    const actions = new ActionRegistry().register(
      ...(await allActions(config, { translate: (k, p, l) => String(ref.catalog!.current.translator.t(l)(k, p)) })),
    );
    const catalog = new FlowCatalog({ flowsDir: 'flows', localesDir: 'locales', actions }, t.db);
    ref.catalog = catalog;
    if (!(await catalog.reload()).ok) throw new Error('shipped flows do not load');
    const engine = createEngine({ db: t.db, catalog, logger, runAction: makeActionRunner(actions, 5000, logger) });
    let n = 0;
    send = async (c, text, value) =>
      (await engine.handleTurn({ conversationId: c, channel: 'test', activityId: `j${++n}`, user: { id: c }, text, value, receivedAt: new Date() })).replies;
  });
  afterAll(async () => {
    nock.cleanAll();
    nock.enableNetConnect();
    await t.close();
  });

  async function aboutYou(c: string, postcode: string, who: { age?: string; work?: string; hospitality?: string } = {}) {
    await send(c, 'hello');
    await send(c, undefined, 'en');
    await send(c, undefined, 'yes');
    await send(c, who.age ?? '19');
    await send(c, undefined, who.work ?? 'unemployed');
    await send(c, undefined, who.hospitality ?? 'never');
    await send(c, 'yes');
    return send(c, postcode);
  }

  it('Birmingham, decile 1: eligible with the reason, books the last seat, applies to two vacancies, asks for status', async () => {
    nock(POSTCODES)
      .get('/postcodes/B11%203AA')
      .reply(200, place('B11 3AA', ['E08000025', 'Birmingham'], ['E05011182', 'Tyseley & Hay Mills'], 'E01008882'));
    // One seat left on the first I Can session.
    const { rows } = await t.db.query<{ id: string }>(
      `SELECT s.id FROM course_sessions s JOIN courses c ON c.id = s.course_id WHERE c.programme_id = 'i-can' ORDER BY s.starts_at LIMIT 1`,
    );
    const sessionId = rows[0]!.id;
    await t.db.query('UPDATE course_sessions SET capacity = taken + 1 WHERE id = $1', [sessionId]);

    const decision = await aboutYou('res-brum', 'b11 3aa');
    const said = texts(decision);
    expect(said).toContain('Good news! You can join I Can.');
    expect(said).toContain('You live in Birmingham.');
    expect(said).toContain('You live in one of the neighbourhoods I Can is for.');
    expect(values(decision)).toContain(sessionId);

    const booked = await send('res-brum', undefined, sessionId);
    expect(texts(booked)).toContain('Your place is booked.');
    // The number the course team's register shows (anchorline attendance list, the studio's register).
    const bookingId = (await t.db.query<{ id: string }>('SELECT id FROM bookings WHERE session_id = $1 AND status = $2', [sessionId, 'booked'])).rows[0]!.id;
    expect(texts(booked)).toContain(`Your booking number is ${bookingId}. Give it to the course team when you arrive.`);
    const seats = await t.db.query<{ taken: number; capacity: number }>('SELECT taken, capacity FROM course_sessions WHERE id = $1', [sessionId]);
    expect(seats.rows[0]!.taken).toBe(seats.rows[0]!.capacity);

    await send('res-brum', 'admin and facilities');
    const vacancies = await send('res-brum', 'yes');
    const offered = values(vacancies).filter((v) => v !== '*');
    expect(offered.length).toBeGreaterThanOrEqual(2);
    await send('res-brum', '1 and 2');
    const share = texts(await send('res-brum', 'I am friendly, reliable and I like helping people.'));
    expect(share).toMatch(/^We will send your application to .*NHS Foundation Trust\. They will see your answers and what you wrote\. Is that OK\?$/);
    const applied = await send('res-brum', 'yes');
    expect(texts(applied)).toContain('We have sent one application for the jobs you picked.');
    const links = await t.db.query<{ vacancy_id: string }>(
      `SELECT av.vacancy_id FROM application_vacancies av JOIN applications a ON a.id = av.application_id WHERE a.conversation_id = 'res-brum' ORDER BY av.vacancy_id`,
    );
    expect(links.rows.map((r) => r.vacancy_id).sort()).toEqual(offered.slice(0, 2).sort());

    const status = texts(await send('res-brum', 'Where is my application?'));
    expect(status).toMatch(/^Here is where your application is:/);
    expect(status.split('\n')).toHaveLength(3);
  });

  it('Sandwell: told kindly why not, and what else is open', async () => {
    nock(POSTCODES)
      .get('/postcodes/B67%209HG')
      .reply(200, place('B67 9HG', ['E08000028', 'Sandwell'], ['E05001260', 'Smethwick'], 'E01009999'));
    const replies = await aboutYou('res-sandwell', 'B67 9HG');
    const said = texts(replies);
    expect(said).toContain('You cannot join I Can right now.');
    expect(said).toContain('I Can is for people who live in Birmingham or Solihull. You live in Sandwell.');
    expect(said).toContain('But there is more you can do. You can look at other jobs, or talk to a person.');
    expect(said).toContain('What would you like to do now?');
    expect(values(replies)).toEqual(['jobs', 'cmd:person', 'finish']);
  });

  it('affluent Birmingham neighbourhood, never in hospitality: both real reasons, then jobs or a person, never a dead end', async () => {
    // E01009068: Birmingham 075C, Harborne ward, IMD 2019 decile 8 (a real row of the shipped table).
    nock(POSTCODES)
      .get('/postcodes/B17%209AA')
      .reply(200, place('B17 9AA', ['E08000025', 'Birmingham'], ['E05011144', 'Harborne'], 'E01009068'));
    const replies = await aboutYou('res-harborne', 'B17 9AA', { age: '30' });
    const said = texts(replies);
    expect(said).toContain(
      'You cannot join Hospitality to Health right now.\nHospitality to Health is for people who work in hotels, pubs, cafes or restaurants, or did in the last 2 years. You told us you never have.',
    );
    expect(said).toContain('You cannot join I Can right now.\nI Can is for people who live in certain neighbourhoods of Birmingham and Solihull. Yours is not one of them.');
    expect(said).not.toMatch(/We need|few more answers|not final/);
    expect(values(replies)).toEqual(['jobs', 'cmd:person', 'finish']);
    expect(texts(await send('res-harborne', undefined, 'jobs'))).toContain('Which kinds of job interest you?');
  });

  it('a truly missing answer is asked then and there, and only that one, then the answer comes', async () => {
    nock(POSTCODES)
      .get('/postcodes/B17%209AB')
      .reply(200, place('B17 9AB', ['E08000025', 'Birmingham'], ['E05011144', 'Harborne'], 'E01009068'));
    // In other work and never in hospitality: is their job at risk? Nobody asked yet.
    const asked = await aboutYou('res-atrisk', 'B17 9AB', { age: '40', work: 'other_work' });
    expect(texts(asked)).toContain('One more question. Do you have a job now that you might lose soon?');
    expect(texts(asked)).not.toMatch(/You cannot join|We need/);
    const answer = texts(await send('res-atrisk', 'no'));
    expect(answer).toContain('It is also for people who might lose their job soon. You told us you never worked there, and your job is safe.');
    expect(answer).toContain('I Can is for people who live in certain neighbourhoods of Birmingham and Solihull.');
    expect(answer).not.toMatch(/What is your postcode|How old are you|Have you worked in hospitality/);
  });

  describe('postcodes.io down', () => {
    it('500, district wholly in Birmingham: decided on the district, said plainly, marked approximate; the postcode is not asked again', async () => {
      nock(POSTCODES).get('/postcodes/B10%200AB').reply(500, { status: 500, error: 'Internal Server Error' });
      const replies = await aboutYou('res-down-500', 'B10 0AB', { age: '30', hospitality: '1' });
      const said = texts(replies);
      expect(said).toContain('We cannot check postcodes just now. So we used the first part of your postcode.');
      expect(said).toContain('Good news! You can join Hospitality to Health.');
      expect(said).toContain('From the first part of your postcode, we think you live in Birmingham.');
      expect(said).toContain('This answer for Hospitality to Health may change when we can check your full postcode.');
      // I Can needs the neighbourhood, which the district cannot tell: said, not guessed.
      expect(said).toContain('We cannot tell yet if you can join I Can.\nWe could not check your neighbourhood just now.');
      expect(said).not.toMatch(/This answer for I Can|What is your postcode|could not find that postcode/);
      expect(said).toContain('Here are the next course dates.');
    });

    it('timeout, district across councils: says so, offers check again / jobs / a person, and checks again without asking for the postcode', async () => {
      nock(POSTCODES).get('/postcodes/B43%205AA').reply(() => new Promise<never>(() => {}));
      const replies = await aboutYou('res-down-slow', 'B43 5AA', { age: '30', hospitality: '1' });
      const said = texts(replies);
      expect(said.split('\n')[1]).toBe('We cannot check postcodes just now. Please try again soon, or talk to a person.');
      expect(said).toContain('We cannot tell yet if you can join Hospitality to Health.\nWe could not check where you live just now.');
      expect(said).toContain('We will keep your answers. You can check again later, or talk to a person.');
      expect(said).not.toMatch(/What is your postcode|could not find that postcode|not final/);
      expect(values(replies)).toEqual(['retry', 'jobs', 'cmd:person', 'finish']);
      // Later, the service is back: one press, no postcode typed again.
      nock(POSTCODES)
        .get('/postcodes/B43%205AA')
        .reply(200, place('B43 5AA', ['E08000025', 'Birmingham'], ['E05011144', 'Harborne'], 'E01009068'));
      const again = texts(await send('res-down-slow', undefined, 'retry'));
      expect(again).toContain('Good news! You can join Hospitality to Health.');
      expect(again).toContain('You cannot join I Can right now.');
      expect(again).not.toContain('We cannot check postcodes');
    }, 20_000);

    it('connection refused: the same plain answer and a way on', async () => {
      nock(POSTCODES).get('/postcodes/B14%207AA').replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' });
      const replies = await aboutYou('res-down-refused', 'B14 7AA');
      const said = texts(replies);
      expect(said).toContain('We cannot check postcodes just now. Please try again soon, or talk to a person.');
      expect(said).toContain('We cannot tell yet if you can join I Can.');
      expect(said).not.toMatch(/What is your postcode|could not find that postcode/);
      expect(values(replies)).toEqual(['retry', 'jobs', 'cmd:person', 'finish']);
      // The button is the global "talk to a person": answered, and the flow is not ended by it.
      const person = texts(await send('res-down-refused', undefined, 'cmd:person'));
      expect(person).not.toBe('');
      expect(person).not.toContain('Thank you for talking to me');
    });
  });
});

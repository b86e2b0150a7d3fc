/**
 * The data pages behind the real sign-in layer (src/studio/auth): a coordinator signed in with an
 * invitation changes a capacity with the page's own form (its hidden CSRF field), the change is
 * in the studio's audit with who made it; without the token, or as a viewer, nothing changes.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCoordinatorData } from '../../../src/domain/coordinatorData/seedCoordinatorData.ts';
import { createApp, listen, type RunningServer } from '../../../src/http/server.ts';
import { inviteStaff } from '../../../src/studio/auth/staffAccounts.ts';
import { studioAuth } from '../../../src/studio/auth/studioAuth.ts';
import { dataRoutes } from '../../../src/studio/data/dataRoutes.ts';
import type { Role } from '../../../src/studio/staff.ts';
import { loadNotices } from '../../domain/courses/fixtures.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { call, signIn } from '../auth/studioHarness.ts';
import { courseOptions, NOW } from './studioDataFixture.ts';

const SESSION = 'ican-facilities-2027-01-25';

describe('programme data pages behind the real studio sign-in', () => {
  let t: TestDb;
  let server: RunningServer;
  let base: string;

  beforeAll(async () => {
    t = await createTestDb();
    await seedCoordinatorData(t.db, { flowsDir: 'flows', mode: 'insertNew', now: NOW, options: courseOptions });
    const logger = pino({ level: 'silent' });
    const auth = studioAuth({ db: t.db, logger, sessionHours: 8, inviteHours: 72, publicUrl: 'http://localhost' });
    const data = dataRoutes({
      db: t.db,
      guard: auth.guard,
      send: async () => undefined,
      notices: await loadNotices(),
      courseOptions,
      logger,
      programmesFile: 'flows/programmes.yaml',
      now: () => NOW,
    });
    const app = createApp({ logger, bodyLimit: '64kb', readiness: [], routes: [['/studio', auth.router], ['/studio/data', data]] });
    server = await listen(app, 0, '127.0.0.1');
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server?.close(1000);
    await t?.close();
  });

  async function signedIn(email: string, role: Role): Promise<{ cookie: string; formCsrf: string }> {
    const invited = await inviteStaff(t.db, { email, role }, { publicUrl: base, inviteHours: 72, now: new Date() });
    const { cookie } = await signIn(base, new URL(invited.link.url).searchParams.get('token')!);
    const page = await (await call(base, '/studio/data/courses/ican-facilities', { cookie })).text();
    // The token the page's forms carry (the shell's sign-out form has it for every role).
    const formCsrf = /<input type="hidden" name="csrf" value="([^"]+)">/.exec(page)?.[1];
    if (!formCsrf) throw new Error('no CSRF field in the page');
    return { cookie, formCsrf };
  }
  const capacity = async () => (await t.db.query(`SELECT capacity FROM course_sessions WHERE id = $1`, [SESSION])).rows[0];

  it('a coordinator changes a capacity with the page\'s form; the studio audit says who', async () => {
    const { cookie, formCsrf } = await signedIn('coordinator@example.org', 'coordinator');
    const res = await call(base, `/studio/data/sessions/${SESSION}/capacity`, { cookie, form: { csrf: formCsrf, capacity: '20' } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/studio/data/courses/ican-facilities?done=capacityChanged&id=${SESSION}&n=20&m=0`);
    expect(await capacity()).toEqual({ capacity: 20 });
    const { rows } = await t.db.query(`SELECT via, staff_email, action, subject, detail FROM studio_audit WHERE action LIKE 'data.%'`);
    expect(rows).toEqual([{ via: 'studio', staff_email: 'coordinator@example.org', action: 'data.session.capacity', subject: SESSION, detail: { from: 15, to: 20, offered: 0 } }]);

    const forged = await call(base, `/studio/data/sessions/${SESSION}/capacity`, { cookie, form: { capacity: '25' } });
    expect(forged.status).toBe(403);
    expect(await capacity()).toEqual({ capacity: 20 });
  });

  it('a viewer reads the page and is refused the change; without a session the page sends to sign-in', async () => {
    const { cookie, formCsrf } = await signedIn('viewer@example.org', 'viewer');
    const res = await call(base, `/studio/data/sessions/${SESSION}/capacity`, { cookie, form: { csrf: formCsrf, capacity: '30' } });
    expect(res.status).toBe(403);
    expect(await capacity()).toEqual({ capacity: 20 });
    const anonymous = await call(base, '/studio/data/partners/uhb');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe(`/studio/signin?next=${encodeURIComponent('/studio/data/partners/uhb')}`);
  });
});

/**
 * Issue 15: coordinators and viewers reach the outcomes dashboard from the studio (a staff session
 * of network scope behind its own cookie); translators do not; a removed account's session ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type RunningApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { inviteStaff, removeStaff } from '../../src/studio/auth/staffAccounts.ts';
import type { Role } from '../../src/studio/staff.ts';
import { silent } from '../helpers/flowDir.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';
import { call, signIn } from '../studio/auth/studioHarness.ts';
import { JOBCLUB, PIONEER, seedPopulation } from './dashboardPopulation.ts';

describe('the studio opens the outcomes dashboard', () => {
  let t: TestDb;
  let app: RunningApp;
  let base: string;
  const studio = {} as Record<Role, string>;

  beforeAll(async () => {
    t = await createTestDb();
    app = await buildApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'silent' }), { db: t.db, logger: silent, workers: false });
    base = `http://127.0.0.1:${app.server.port}`;
    await seedPopulation(t.db, new Date('2026-10-01T00:00:00Z'));
    for (const role of ['coordinator', 'translator', 'viewer'] as const) {
      const invited = await inviteStaff(t.db, { email: `${role}@outcomes.test`, role }, { publicUrl: base, inviteHours: 1, now: new Date() });
      studio[role] = (await signIn(base, new URL(invited.link.url).searchParams.get('token')!)).cookie;
    }
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  const open = async (role: Role) => {
    const res = await call(base, '/studio/outcomes', { cookie: studio[role] });
    const set = res.headers.getSetCookie().find((c) => c.startsWith('anchorline_outcomes='));
    return { res, cookie: set?.split(';')[0], set };
  };

  it('a coordinator lands on the network dashboard with a session cookie of its own (Path=/admin)', async () => {
    const { res, cookie, set } = await open('coordinator');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/outcomes');
    expect(set).toMatch(/; Path=\/admin; .*HttpOnly; Secure; SameSite=Strict$/);
    const page = await (await call(base, '/admin/outcomes?from=2026-10-01&to=2026-10-31', { cookie })).text();
    expect(page).toContain('Coordinator (whole network)');
    expect(page).toContain(PIONEER.label);
    expect(page).toContain(JOBCLUB.label);
  });

  it('a viewer may look too; a translator may not (403), and the studio shows the link only to those who may', async () => {
    expect((await open('viewer')).res.status).toBe(303);
    const translator = await open('translator');
    expect(translator.res.status).toBe(403);
    expect(translator.cookie).toBeUndefined();
    const nav = async (role: Role) => (await (await call(base, '/studio/flows', { cookie: studio[role] })).text()).includes('href="/studio/outcomes"');
    expect({ coordinator: await nav('coordinator'), viewer: await nav('viewer'), translator: await nav('translator') }).toEqual({ coordinator: true, viewer: true, translator: false });
  });

  it('a role change to one without the outcomes permission ends the dashboard session at the next request', async () => {
    const email = 'demoted@outcomes.test';
    const invited = await inviteStaff(t.db, { email, role: 'coordinator' }, { publicUrl: base, inviteHours: 1, now: new Date() });
    const studioCookie = (await signIn(base, new URL(invited.link.url).searchParams.get('token')!)).cookie;
    const res = await call(base, '/studio/outcomes', { cookie: studioCookie });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('anchorline_outcomes='))!.split(';')[0];
    expect((await call(base, '/admin/outcomes', { cookie })).status).toBe(200);
    await inviteStaff(t.db, { email, role: 'translator' }, { publicUrl: base, inviteHours: 1, now: new Date() });
    expect((await call(base, '/admin/outcomes', { cookie })).status).toBe(401);
    // It was the role: given one with the permission again, the same session opens the figures.
    await inviteStaff(t.db, { email, role: 'viewer' }, { publicUrl: base, inviteHours: 1, now: new Date() });
    expect((await call(base, '/admin/outcomes', { cookie })).status).toBe(200);
  });

  it("removing the account ends its dashboard session at the next request", async () => {
    const { cookie } = await open('viewer');
    expect((await call(base, '/admin/outcomes', { cookie })).status).toBe(200);
    await removeStaff(t.db, 'viewer@outcomes.test', new Date());
    expect((await call(base, '/admin/outcomes', { cookie })).status).toBe(401);
  });
});

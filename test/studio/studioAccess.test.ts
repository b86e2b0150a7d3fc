/**
 * Issue 13: every route under /studio in the real server (buildApp), found by walking Express's
 * router, so a studio route added later is covered or this test fails until it says who may use
 * it. For each guarded route:
 * - no session → a page GET is sent to the sign-in page (303), anything else is 401;
 * - a change without the session's CSRF token → 403 csrf_failed, and a cross-site one too;
 * - a role without the permission → 403 forbidden;
 * - a role with it (and the token) gets past the guard (an answer that is neither 401 nor 403).
 * Public routes (the sign-in pages, the static assets) answer without a session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type RunningApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { inviteStaff } from '../../src/studio/auth/staffAccounts.ts';
import { can, type Permission, type Role } from '../../src/studio/staff.ts';
import { silent } from '../helpers/flowDir.ts';
import { mountedRoutes, type LayerLike } from '../helpers/mountedRoutes.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';
import { call, signIn } from './auth/studioHarness.ts';

type Access = { kind: 'public'; path: string } | { kind: 'guarded'; permission: Permission; path: () => string; body?: unknown };

const ids = { course: '', session: '', partner: '', vacancy: '', release: 0 };

/** Who may use each studio route, and a request that names real data. A route missing here fails the first test. */
const access: Record<string, Access> = {
  'GET /studio/signin': { kind: 'public', path: '/studio/signin' },
  'POST /studio/signin': { kind: 'public', path: '/studio/signin' },
  'ALL /studio/signin': { kind: 'public', path: '/studio/signin' },
  'ALL /studio/signout': { kind: 'public', path: '/studio/signout' },
  'GET /studio/assets/:name': { kind: 'public', path: '/studio/assets/studio.css' },
  'GET /studio/preview/assets/preview.js': { kind: 'public', path: '/studio/preview/assets/preview.js' },
  // Signing out needs no permission: without a session it only goes to the sign-in page (test/studio/auth covers its CSRF check).
  'POST /studio/signout': { kind: 'public', path: '/studio/signout' },
  'GET /studio/api/me': { kind: 'guarded', permission: 'read', path: () => '/studio/api/me' },
  'GET /studio/': { kind: 'guarded', permission: 'read', path: () => '/studio/' },
  'GET /studio/api/schema': { kind: 'guarded', permission: 'read', path: () => '/studio/api/schema' },
  'GET /studio/flows': { kind: 'guarded', permission: 'read', path: () => '/studio/flows' },
  'GET /studio/flows/:id': { kind: 'guarded', permission: 'read', path: () => '/studio/flows/main' },
  'GET /studio/files/:name': { kind: 'guarded', permission: 'read', path: () => '/studio/files/journey-en.test.yaml' },
  'GET /studio/publish': { kind: 'guarded', permission: 'read', path: () => '/studio/publish' },
  'GET /studio/history': { kind: 'guarded', permission: 'read', path: () => '/studio/history' },
  'GET /studio/api/draft': { kind: 'guarded', permission: 'read', path: () => '/studio/api/draft' },
  'PUT /studio/api/draft/files': { kind: 'guarded', permission: 'wording', path: () => '/studio/api/draft/files', body: {} },
  'POST /studio/api/draft/discard': { kind: 'guarded', permission: 'edit', path: () => '/studio/api/draft/discard', body: {} },
  'GET /studio/api/draft/check': { kind: 'guarded', permission: 'read', path: () => '/studio/api/draft/check' },
  'GET /studio/api/draft/report': { kind: 'guarded', permission: 'read', path: () => '/studio/api/draft/report' },
  'POST /studio/api/publish': { kind: 'guarded', permission: 'publish', path: () => '/studio/api/publish', body: {} },
  'GET /studio/api/releases': { kind: 'guarded', permission: 'read', path: () => '/studio/api/releases' },
  'GET /studio/api/releases/:id/diff': { kind: 'guarded', permission: 'read', path: () => `/studio/api/releases/${ids.release}/diff` },
  'POST /studio/api/releases/:id/revert': { kind: 'guarded', permission: 'publish', path: () => `/studio/api/releases/${ids.release}/revert`, body: { note: 7 } },
  'GET /studio/wording': { kind: 'guarded', permission: 'read', path: () => '/studio/wording' },
  'POST /studio/wording': { kind: 'guarded', permission: 'wording', path: () => '/studio/wording', body: {} },
  'GET /studio/preview': { kind: 'guarded', permission: 'read', path: () => '/studio/preview' },
  'POST /studio/api/preview': { kind: 'guarded', permission: 'read', path: () => '/studio/api/preview', body: { step: 'no_such_step' } },
  'POST /studio/api/preview/:id/activities': { kind: 'guarded', permission: 'read', path: () => '/studio/api/preview/preview-none/activities', body: { type: 'message', text: 'hi' } },
  'POST /studio/api/preview/:id/flow-test': { kind: 'guarded', permission: 'read', path: () => '/studio/api/preview/preview-none/flow-test', body: { name: 'x' } },
  'DELETE /studio/api/preview/:id': { kind: 'guarded', permission: 'read', path: () => '/studio/api/preview/preview-none' },
  'GET /studio/data/': { kind: 'guarded', permission: 'read', path: () => '/studio/data/' },
  'GET /studio/data/programmes': { kind: 'guarded', permission: 'read', path: () => '/studio/data/programmes' },
  'GET /studio/data/programmes/:id': { kind: 'guarded', permission: 'read', path: () => '/studio/data/programmes/i-can' },
  'GET /studio/data/courses/:id': { kind: 'guarded', permission: 'read', path: () => `/studio/data/courses/${ids.course}` },
  'POST /studio/data/courses/:id/sessions': { kind: 'guarded', permission: 'data', path: () => `/studio/data/courses/${ids.course}/sessions`, body: {} },
  'POST /studio/data/sessions/:id/capacity': { kind: 'guarded', permission: 'data', path: () => `/studio/data/sessions/${ids.session}/capacity`, body: {} },
  'GET /studio/data/sessions/:id/cancel': { kind: 'guarded', permission: 'data', path: () => `/studio/data/sessions/${ids.session}/cancel` },
  'POST /studio/data/sessions/:id/cancel': { kind: 'guarded', permission: 'data', path: () => '/studio/data/sessions/no-such-session/cancel', body: {} },
  'GET /studio/data/partners/:id': { kind: 'guarded', permission: 'read', path: () => `/studio/data/partners/${ids.partner}` },
  'POST /studio/data/partners/:id/vacancies': { kind: 'guarded', permission: 'data', path: () => `/studio/data/partners/${ids.partner}/vacancies`, body: {} },
  'POST /studio/data/vacancies/:id/close': { kind: 'guarded', permission: 'data', path: () => '/studio/data/vacancies/no-such-vacancy/close', body: {} },
  // Issue 15: opens the outcomes dashboard with a staff session (coordinators and viewers, not translators).
  'GET /studio/outcomes': { kind: 'guarded', permission: 'outcomes', path: () => '/studio/outcomes' },
  'POST /studio/data/vacancies/:id/reopen': { kind: 'guarded', permission: 'data', path: () => `/studio/data/vacancies/${ids.vacancy}/reopen`, body: {} },
  'GET /studio/attendance/': { kind: 'guarded', permission: 'read', path: () => '/studio/attendance/' },
  'GET /studio/attendance/:sessionId': { kind: 'guarded', permission: 'read', path: () => `/studio/attendance/${ids.session}` },
  'POST /studio/attendance/:sessionId': { kind: 'guarded', permission: 'data', path: () => `/studio/attendance/${ids.session}`, body: {} },
};

const ROLES: Role[] = ['coordinator', 'translator', 'viewer'];

describe('every /studio route: who may use it', () => {
  let t: TestDb;
  let app: RunningApp;
  let base: string;
  let routes: string[];
  const sessions = {} as Record<Role, { cookie: string; csrf: string }>;

  beforeAll(async () => {
    t = await createTestDb();
    app = await buildApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'silent' }), { db: t.db, logger: silent, workers: false });
    base = `http://127.0.0.1:${app.server.port}`;
    const express = app.server.app as unknown as { router: { stack: LayerLike[] } };
    routes = [...new Set(mountedRoutes(express.router.stack).filter((r) => / \/studio(\/|$)/.test(r)))].sort();
    const one = async (sql: string) => String((await t.db.query<{ id: unknown }>(sql)).rows[0]!.id);
    ids.course = await one('SELECT id FROM courses ORDER BY id LIMIT 1');
    ids.session = await one('SELECT id FROM course_sessions ORDER BY id LIMIT 1');
    ids.partner = await one('SELECT id FROM partners ORDER BY id LIMIT 1');
    ids.vacancy = await one('SELECT id FROM vacancies ORDER BY id LIMIT 1');
    ids.release = Number(await one('SELECT max(id) AS id FROM flow_releases'));
    for (const role of ROLES) {
      const invited = await inviteStaff(t.db, { email: `${role}@studio.test`, role }, { publicUrl: base, inviteHours: 1, now: new Date() });
      const s = await signIn(base, new URL(invited.link.url).searchParams.get('token')!);
      sessions[role] = { cookie: s.cookie, csrf: s.csrf };
    }
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  const accessOf = (route: string): Access => {
    const a = access[route];
    if (!a) throw new Error(`${route} is not in test/studio/studioAccess.test.ts: say whether it is public or which permission it needs`);
    return a;
  };
  const guarded = () => routes.filter((r) => accessOf(r).kind === 'guarded').map((r) => ({ route: r, a: accessOf(r) as Extract<Access, { kind: 'guarded' }> }));
  const send = (route: string, path: string, o: { cookie?: string; csrf?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const method = route.split(' ')[0]!;
    const isChange = method !== 'GET';
    return call(base, path, {
      method,
      ...(o.cookie ? { cookie: o.cookie } : {}),
      ...(o.csrf ? { csrf: o.csrf } : {}),
      ...(o.headers ? { headers: o.headers } : {}),
      ...(isChange ? { json: o.body ?? {} } : {}),
    });
  };

  it('every studio route is listed with who may use it', () => {
    expect(routes.length).toBeGreaterThan(30);
    for (const r of routes) accessOf(r);
  });

  it('public routes answer without a session (sign-in pages and assets)', async () => {
    const wrong: string[] = [];
    for (const r of routes.filter((x) => accessOf(x).kind === 'public' && x.startsWith('GET '))) {
      const res = await call(base, (accessOf(r) as { path: string }).path);
      if (res.status !== 200) wrong.push(`${r}: ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('without a session: pages go to the sign-in page, everything else is 401', async () => {
    const wrong: string[] = [];
    for (const { route, a } of guarded()) {
      const res = await send(route, a.path(), { body: a.body });
      const isPage = route.startsWith('GET ') && !route.includes('/api/');
      const got = `${res.status} ${res.headers.get('location') ?? ''}`.trim();
      const want = isPage ? /^303 \/studio\/signin\?next=/ : /^401$/;
      if (!want.test(got)) wrong.push(`${route}: ${got}`);
    }
    expect(wrong).toEqual([]);
  });

  it('a change without the CSRF token, or from another site, is refused with nothing done', async () => {
    const coordinator = sessions.coordinator;
    const wrong: string[] = [];
    let checked = 0;
    for (const { route, a } of guarded().filter((g) => !g.route.startsWith('GET '))) {
      const res = await send(route, a.path(), { cookie: coordinator.cookie, body: a.body });
      const code = ((await res.json()) as { error?: { code?: string } }).error?.code;
      if (res.status !== 403 || code !== 'csrf_failed') wrong.push(`${route} without token: ${res.status} ${code}`);
      const cross = await send(route, a.path(), { cookie: coordinator.cookie, csrf: coordinator.csrf, body: a.body, headers: { 'sec-fetch-site': 'cross-site' } });
      if (cross.status !== 403) wrong.push(`${route} cross-site: ${cross.status}`);
      checked++;
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(10);
  });

  it('a role without the permission gets 403; a role with it gets past the guard', async () => {
    const wrong: string[] = [];
    let refused = 0;
    for (const { route, a } of guarded()) {
      for (const role of ROLES) {
        const s = sessions[role];
        const res = await send(route, a.path(), { cookie: s.cookie, csrf: s.csrf, body: a.body });
        if (can(role, a.permission)) {
          if (res.status === 401 || res.status === 403) wrong.push(`${role} on ${route}: ${res.status}, but the role may`);
        } else {
          refused++;
          const code = ((await res.json()) as { error?: { code?: string } }).error?.code;
          if (res.status !== 403 || code !== 'forbidden') wrong.push(`${role} on ${route}: ${res.status} ${code}, but the role may not`);
        }
      }
    }
    expect(wrong).toEqual([]);
    // Translators and viewers were refused somewhere: the role table is not vacuous.
    expect(refused).toBeGreaterThan(10);
  });
  it('every studio page a signed-in coordinator opens forbids framing and sniffing (CSP frame-ancestors \'none\', nosniff)', async () => {
    const wrong: string[] = [];
    let pages = 0;
    for (const { route, a } of guarded().filter((g) => g.route.startsWith('GET ') && !g.route.includes('/api/'))) {
      const res = await send(route, a.path(), { cookie: sessions.coordinator.cookie });
      pages++;
      const csp = res.headers.get('content-security-policy') ?? '';
      if (!csp.includes("frame-ancestors 'none'") || res.headers.get('x-content-type-options') !== 'nosniff') wrong.push(`${route}: ${res.status} csp="${csp}"`);
    }
    expect(wrong).toEqual([]);
    expect(pages).toBeGreaterThan(10);
  });
});

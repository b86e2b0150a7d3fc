/**
 * Issue 12, the IDOR test: every route mounted under /admin in the real app (buildApp), found by
 * walking Express's router, so a route added later is covered or this test fails until it says
 * who the route belongs to. For each:
 * - no credential → 401; a revoked credential → 401;
 * - partner routes: partner A's credential on partner B's data (or on an id that does not exist)
 *   → 403, the same answer either way; the operator token (ADMIN_TOKEN) → 403; A on its own → 2xx;
 * - operator routes: a partner credential → 401; the operator token → 2xx.
 * - shared routes (the outcomes dashboard, its exports and report, referral posters, issue 15):
 *   the operator token → 2xx for the network; a partner → its own part only, and another
 *   partner's route or report, or one nobody has, is the same 403.
 * - public routes (the dashboard's sign-in and sign-out): answer without a credential.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type RunningApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { applicationProfileSchema } from '../../src/domain/applications/applicationProfile.ts';
import { applicationStatus } from '../../src/domain/applications/applicationStatus.ts';
import { submitApplication } from '../../src/domain/applications/submitApplication.ts';
import { createPartnerCredential, revokePartnerCredential } from '../../src/store/partnerCredentials.ts';
import { createReferralCode } from '../../src/store/referralCodes.ts';
import { addConversations } from '../domain/courses/fixtures.ts';
import { silent } from '../helpers/flowDir.ts';
import { agreeToShare } from '../helpers/consent.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';
import { mountedRoutes, type LayerLike } from '../helpers/mountedRoutes.ts';

const OPERATOR_TOKEN = 'idor-operator-Zr8Q2mV7xLp4KtN9wB3yH6cJ1fD';
/** Whose data a request names: A's own, B's, or an id no partner has. */
type Target = 'own' | 'other' | 'missing';
const A = 'uhb';
const B = 'bchc';
/** Referral routes of A and B (made below), and one nobody has. */
const ROUTES: Record<Target, string> = { own: 'UHBROUTE1', other: 'BCHCROUTE1', missing: 'NOSUCHROUTE' };
const PARTNERS: Record<Target, string> = { own: A, other: B, missing: 'no-such-partner' };

interface Req {
  path: string;
  body?: unknown;
}
type Fixture =
  | { kind: 'operator'; request: () => Req }
  | { kind: 'partner'; request: (target: Target) => Req }
  | { kind: 'shared'; request: (target: Target) => Req }
  | { kind: 'public'; request: () => Req; status: number };

describe('every /admin route: who may call it (IDOR)', () => {
  let t: TestDb;
  let app: RunningApp;
  let base: string;
  let adminRoutes: string[];
  const tokens = { a: '', b: '', revokedA: '' };
  const lines = { a: 0, b: 0 };

  /** How to name A's, B's and nobody's data on each route. A route missing here fails the first test. */
  const fixtures: Record<string, Fixture> = {
    'POST /admin/flows/reload': { kind: 'operator', request: () => ({ path: '/admin/flows/reload' }) },
    'GET /admin/partners/:id/applications': {
      kind: 'partner',
      request: (target) => ({ path: `/admin/partners/${{ own: A, other: B, missing: 'no-such-partner' }[target]}/applications` }),
    },
    'POST /admin/applications/:id/status': {
      kind: 'partner',
      request: (target) => ({ path: `/admin/applications/${{ own: lines.a, other: lines.b, missing: 987_654_321 }[target]}/status`, body: { status: 'shortlisted' } }),
    },
    // Issue 15: the outcomes dashboard. A partner names another's data by a referral route or a partner id.
    'GET /admin/outcomes/signin': { kind: 'public', request: () => ({ path: '/admin/outcomes/signin' }), status: 200 },
    'POST /admin/outcomes/signin': { kind: 'public', request: () => ({ path: '/admin/outcomes/signin' }), status: 400 },
    'POST /admin/outcomes/signout': { kind: 'public', request: () => ({ path: '/admin/outcomes/signout' }), status: 303 },
    'GET /admin/outcomes': { kind: 'shared', request: (target) => ({ path: `/admin/outcomes?route=${ROUTES[target]}` }) },
    'GET /admin/outcomes/export/:file': { kind: 'shared', request: (target) => ({ path: `/admin/outcomes/export/by-route.csv?route=${ROUTES[target]}` }) },
    'GET /admin/outcomes/report': { kind: 'shared', request: (target) => ({ path: `/admin/outcomes/report?month=2027-01&partner=${PARTNERS[target]}` }) },
    // Without Chromium here (CHROMIUM_PATH below), a caller who got past the checks is told 503 pdf_unavailable.
    'GET /admin/outcomes/report.pdf': { kind: 'shared', request: (target) => ({ path: `/admin/outcomes/report.pdf?month=2027-01&partner=${PARTNERS[target]}` }) },
    'GET /admin/referrals/:code/poster': { kind: 'shared', request: (target) => ({ path: `/admin/referrals/${ROUTES[target]}/poster` }) },
    'GET /admin/referrals/:code/qr.svg': { kind: 'shared', request: (target) => ({ path: `/admin/referrals/${ROUTES[target]}/qr.svg` }) },
  };

  beforeAll(async () => {
    t = await createTestDb();
    app = await buildApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'silent', ADMIN_TOKEN: OPERATOR_TOKEN, CHROMIUM_PATH: '/nonexistent/chromium' }), {
      db: t.db,
      logger: silent,
      workers: false,
    });
    base = `http://127.0.0.1:${app.server.port}`;
    const express = app.server.app as unknown as { router: { stack: LayerLike[] } };
    adminRoutes = [...new Set(mountedRoutes(express.router.stack).filter((r) => / \/admin(\/|$)/.test(r)))].sort();

    // One resident applied to a vacancy of each partner (and agreed to share with both).
    const [who] = await addConversations(t.db, 'idor', 1);
    const profile = applicationProfileSchema.parse({ jobFamilies: ['facilities'], age: 30 });
    const sharedWith = await agreeToShare(t.db, who!, ['uhb', 'bchc']);
    await t.db.transaction((tx) =>
      submitApplication(tx, { conversationId: who!, profile, vacancyIds: ['uhb-domestic-heartlands-2027-1', 'bchc-catering-2027-1'], sharedWith }, new Date('2027-01-10T12:00:00Z')),
    );
    const s = await applicationStatus(t.db, who!);
    if (s.type !== 'found') throw new Error('no application');
    lines.a = s.vacancies.find((v) => v.vacancyId.startsWith(`${A}-`))!.applicationVacancyId;
    lines.b = s.vacancies.find((v) => v.vacancyId.startsWith(`${B}-`))!.applicationVacancyId;

    const mint = async (partnerId: string) => {
      const c = await createPartnerCredential(t.db, { partnerId, label: 'idor test' });
      if (c.type !== 'created') throw new Error(`no partner ${partnerId}`);
      return c;
    };
    tokens.a = (await mint(A)).token;
    tokens.b = (await mint(B)).token;
    const revoked = await mint(A);
    await revokePartnerCredential(t.db, revoked.credential.id);
    tokens.revokedA = revoked.token;
    for (const [target, partnerId] of [['own', A], ['other', B]] as const) await createReferralCode(t.db, { partnerId, label: `${partnerId} route`, code: ROUTES[target] });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  async function call(route: string, req: Req, token?: string): Promise<{ status: number; body: string }> {
    const method = route.split(' ')[0]!;
    const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(req.body ? { 'content-type': 'application/json' } : {}) };
    const res = await fetch(`${base}${req.path}`, { method, headers, redirect: 'manual', ...(req.body ? { body: JSON.stringify(req.body) } : {}) });
    return { status: res.status, body: await res.text() };
  }

  const fixtureOf = (route: string): Fixture => {
    const f = fixtures[route];
    if (!f) throw new Error(`${route} has no fixture in test/http/adminAccess.test.ts: say whether it is an operator or a partner route`);
    return f;
  };
  const anyRequest = (f: Fixture, target: Target = 'own') => (f.kind === 'operator' || f.kind === 'public' ? f.request() : f.request(target));
  const partnerRoutes = () => adminRoutes.filter((r) => fixtureOf(r).kind === 'partner');
  const operatorRoutes = () => adminRoutes.filter((r) => fixtureOf(r).kind === 'operator');
  const sharedRoutes = () => adminRoutes.filter((r) => fixtureOf(r).kind === 'shared');
  const guardedRoutes = () => adminRoutes.filter((r) => fixtureOf(r).kind !== 'public');
  /** A partner's data: the partner routes, and the shared ones as a partner sees them. */
  const partnerData = () => [...partnerRoutes(), ...sharedRoutes()];
  /** Got past the checks: 2xx, or the PDF's 503 for want of Chromium here (after every check). */
  const passed = (route: string, status: number) => (status >= 200 && status < 300) || (route.endsWith('/report.pdf') && status === 503);

  /** The status of one call per route, keyed by route: a failure names the route. */
  async function statuses(routes: string[], req: (f: Fixture) => Req, token?: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const r of routes) out[r] = (await call(r, req(fixtureOf(r)), token)).status;
    return out;
  }
  const all = (routes: string[], status: number) => Object.fromEntries(routes.map((r) => [r, status]));

  it('finds every mounted /admin route, and each has a fixture saying whose it is', () => {
    expect(adminRoutes).toEqual(Object.keys(fixtures).sort());
    expect(partnerRoutes().length).toBeGreaterThan(0);
    expect(operatorRoutes().length).toBeGreaterThan(0);
    expect(sharedRoutes().length).toBeGreaterThan(0);
  });

  it('no credential → 401 on every route but the sign-in pages, which answer without one', async () => {
    const routes = guardedRoutes();
    expect(await statuses(routes, (f) => anyRequest(f))).toEqual(all(routes, 401));
    expect(await statuses(routes, (f) => anyRequest(f), 'not-a-credential')).toEqual(all(routes, 401));
    const open = adminRoutes.filter((r) => fixtureOf(r).kind === 'public');
    expect(await statuses(open, (f) => anyRequest(f))).toEqual(Object.fromEntries(open.map((r) => [r, (fixtureOf(r) as { status: number }).status])));
  });

  it('a revoked credential → 401 on every route, its own partner\'s data included', async () => {
    const routes = guardedRoutes();
    expect(await statuses(routes, (f) => anyRequest(f, 'own'), tokens.revokedA)).toEqual(all(routes, 401));
  });

  it("partner A's credential on partner B's data → 403, and B's on A's", async () => {
    const routes = partnerData();
    expect(await statuses(routes, (f) => anyRequest(f, 'other'), tokens.a)).toEqual(all(routes, 403));
    expect(await statuses(routes, (f) => anyRequest(f, 'own'), tokens.b)).toEqual(all(routes, 403));
  });

  it("an id no partner has → the same 403 as another partner's, so nothing tells them apart", async () => {
    for (const r of partnerData()) {
      const f = fixtureOf(r);
      const other = await call(r, anyRequest(f, 'other'), tokens.a);
      const missing = await call(r, anyRequest(f, 'missing'), tokens.a);
      expect({ route: r, status: missing.status, body: missing.body }).toEqual({ route: r, status: 403, body: other.body });
    }
  });

  it('the operator token (ADMIN_TOKEN) → 403 on partner data', async () => {
    const routes = partnerRoutes();
    expect(await statuses(routes, (f) => anyRequest(f, 'own'), OPERATOR_TOKEN)).toEqual(all(routes, 403));
  });

  it('a partner credential does not open operator routes (401)', async () => {
    const routes = operatorRoutes();
    expect(await statuses(routes, (f) => anyRequest(f), tokens.a)).toEqual(all(routes, 401));
  });

  it('the refusals are not vacuous: A on its own data and the operator on operator and shared routes succeed', async () => {
    const own = await statuses(partnerData(), (f) => anyRequest(f, 'own'), tokens.a);
    const operator = await statuses([...operatorRoutes(), ...sharedRoutes()], (f) => anyRequest(f), OPERATOR_TOKEN);
    for (const [route, status] of Object.entries(own)) expect({ route, as: 'A', ok: passed(route, status) }).toEqual({ route, as: 'A', ok: true });
    for (const [route, status] of Object.entries(operator)) expect({ route, as: 'operator', ok: passed(route, status) }).toEqual({ route, as: 'operator', ok: true });
  });

  it("after all that, B's application line is untouched", async () => {
    const s = await applicationStatus(t.db, 'idor-0');
    expect(s.type === 'found' && s.vacancies.find((v) => v.applicationVacancyId === lines.b)?.status).toBe('submitted');
  });
});

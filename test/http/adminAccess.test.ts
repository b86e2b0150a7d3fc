/**
 * Issue 12, the IDOR test: every route mounted under /admin in the real app (buildApp), found by
 * walking Express's router, so a route added later is covered or this test fails until it says
 * who the route belongs to. For each:
 * - no credential → 401; a revoked credential → 401;
 * - partner routes: partner A's credential on partner B's data (or on an id that does not exist)
 *   → 403, the same answer either way; the operator token (ADMIN_TOKEN) → 403; A on its own → 2xx;
 * - operator routes: a partner credential → 401; the operator token → 2xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type RunningApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { applicationProfileSchema } from '../../src/domain/applications/applicationProfile.ts';
import { applicationStatus } from '../../src/domain/applications/applicationStatus.ts';
import { submitApplication } from '../../src/domain/applications/submitApplication.ts';
import { createPartnerCredential, revokePartnerCredential } from '../../src/store/partnerCredentials.ts';
import { addConversations } from '../domain/courses/fixtures.ts';
import { silent } from '../helpers/flowDir.ts';
import { agreeToShare } from '../helpers/consent.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';
import { mountedRoutes, type LayerLike } from '../helpers/mountedRoutes.ts';

const OPERATOR_TOKEN = 'idor-operator-Zr8Q2mV7xLp4KtN9wB3yH6cJ1fD';
const A = 'uhb';
const B = 'bchc';

interface Req {
  path: string;
  body?: unknown;
}
/** Whose data a request names: A's own, B's, or an id no partner has. */
type Target = 'own' | 'other' | 'missing';
type Fixture = { kind: 'operator'; request: () => Req } | { kind: 'partner'; request: (target: Target) => Req };

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
  };

  beforeAll(async () => {
    t = await createTestDb();
    app = await buildApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'silent', ADMIN_TOKEN: OPERATOR_TOKEN }), {
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
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  async function call(route: string, req: Req, token?: string): Promise<{ status: number; body: string }> {
    const method = route.split(' ')[0]!;
    const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(req.body ? { 'content-type': 'application/json' } : {}) };
    const res = await fetch(`${base}${req.path}`, { method, headers, ...(req.body ? { body: JSON.stringify(req.body) } : {}) });
    return { status: res.status, body: await res.text() };
  }

  const fixtureOf = (route: string): Fixture => {
    const f = fixtures[route];
    if (!f) throw new Error(`${route} has no fixture in test/http/adminAccess.test.ts: say whether it is an operator or a partner route`);
    return f;
  };
  const anyRequest = (f: Fixture, target: Target = 'own') => (f.kind === 'operator' ? f.request() : f.request(target));
  const partnerRoutes = () => adminRoutes.filter((r) => fixtureOf(r).kind === 'partner');
  const operatorRoutes = () => adminRoutes.filter((r) => fixtureOf(r).kind === 'operator');

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
  });

  it('no credential → 401 on every route', async () => {
    expect(await statuses(adminRoutes, (f) => anyRequest(f))).toEqual(all(adminRoutes, 401));
    expect(await statuses(adminRoutes, (f) => anyRequest(f), 'not-a-credential')).toEqual(all(adminRoutes, 401));
  });

  it('a revoked credential → 401 on every route, its own partner\'s data included', async () => {
    expect(await statuses(adminRoutes, (f) => anyRequest(f, 'own'), tokens.revokedA)).toEqual(all(adminRoutes, 401));
  });

  it("partner A's credential on partner B's data → 403, and B's on A's", async () => {
    const routes = partnerRoutes();
    expect(await statuses(routes, (f) => anyRequest(f, 'other'), tokens.a)).toEqual(all(routes, 403));
    expect(await statuses(routes, (f) => anyRequest(f, 'own'), tokens.b)).toEqual(all(routes, 403));
  });

  it("an id no partner has → the same 403 as another partner's, so nothing tells them apart", async () => {
    for (const r of partnerRoutes()) {
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

  it('the refusals are not vacuous: A on its own data and the operator on operator routes succeed', async () => {
    const own = await statuses(partnerRoutes(), (f) => anyRequest(f, 'own'), tokens.a);
    const operator = await statuses(operatorRoutes(), (f) => anyRequest(f), OPERATOR_TOKEN);
    for (const [route, status] of Object.entries({ ...own, ...operator })) expect({ route, ok: status >= 200 && status < 300 }).toEqual({ route, ok: true });
  });

  it("after all that, B's application line is untouched", async () => {
    const s = await applicationStatus(t.db, 'idor-0');
    expect(s.type === 'found' && s.vacancies.find((v) => v.applicationVacancyId === lines.b)?.status).toBe('submitted');
  });
});

/**
 * Issue 15, the dashboard over HTTP on the real app (buildApp) and real PostgreSQL: who sees what
 * (the operator the network, a partner only its own routes and vacancies), sign-in sessions and
 * their end, the CSV exports against the tables, bad filters, the monthly report and the posters.
 */
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type RunningApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { loadOutcomes } from '../../src/domain/outcomes/loadOutcomes.ts';
import { parseCsv } from '../../src/domain/shared/csv.ts';
import { monthPeriod } from '../../src/http/outcomes/filters.ts';
import { outcomeTables, TABLE_IDS } from '../../src/http/outcomes/outcomeTables.ts';
import { renderPdf } from '../../src/http/outcomes/renderPdf.ts';
import { createPartnerCredential, listPartnerAccess, revokePartnerCredential } from '../../src/store/partnerCredentials.ts';
import { silent } from '../helpers/flowDir.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';
import { CONSENTED_TOTAL, DECILE1_TOTAL, JOBCLUB, PIONEER, seedPopulation } from './dashboardPopulation.ts';

const OPERATOR = 'outcomes-operator-Zr8Q2mV7xLp4KtN9wB3yH6cJ1fD';
const PUBLIC_URL = 'https://chat.anchorline.test';
const MONTH = { from: '2026-10-01', to: '2026-10-31' };
const PERIOD = `from=${MONTH.from}&to=${MONTH.to}`;

describe('the outcomes dashboard over HTTP', () => {
  let t: TestDb;
  let app: RunningApp;
  let base: string;
  const tokens = { pioneer: '', pioneerId: '', bchc: '', uhb: '' };

  beforeAll(async () => {
    t = await createTestDb();
    app = await buildApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'silent', ADMIN_TOKEN: OPERATOR, PUBLIC_URL }), { db: t.db, logger: silent, workers: false });
    base = `http://127.0.0.1:${app.server.port}`;
    await seedPopulation(t.db, new Date('2026-10-01T00:00:00Z'));
    const mint = async (partnerId: string) => {
      const c = await createPartnerCredential(t.db, { partnerId, label: 'dashboard test' });
      if (c.type !== 'created') throw new Error(`no partner ${partnerId}`);
      return c;
    };
    const p = await mint('pioneer-housing');
    tokens.pioneer = p.token;
    tokens.pioneerId = p.credential.id;
    tokens.bchc = (await mint('bchc')).token;
    // An employer only: its vacancies, no referral codes.
    tokens.uhb = (await mint('uhb')).token;
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  const get = (path: string, o: { token?: string; cookie?: string; accept?: string } = {}) =>
    fetch(`${base}${path}`, {
      redirect: 'manual',
      headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...(o.cookie ? { cookie: o.cookie } : {}), ...(o.accept ? { accept: o.accept } : {}) },
    });
  const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString() });
  const cookieOf = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith('anchorline_outcomes='));

  it('the operator sees the network: both routes, the headline table, charts drawn as labelled images', async () => {
    const res = await get(`/admin/outcomes?${PERIOD}`, { token: OPERATOR });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('Residents from decile-1 neighbourhoods by referral route');
    expect(page).toContain(PIONEER.label);
    expect(page).toContain(JOBCLUB.label);
    // One chart per section, each an image with a title saying what it shows; no script anywhere.
    expect(page.match(/<svg[^>]* role="img" aria-labelledby="chart-[a-z0-9-]+-title"/g)).toHaveLength(TABLE_IDS.length);
    expect(page).toContain('<title id="chart-decile1-by-route-title">Decile-1 residents brought in and offered a job, by referral route</title>');
    expect(page).not.toMatch(/<script/i);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'none'");
    // The funnel's "Consented" row has everyone in the month.
    expect(page).toMatch(new RegExp(`<th scope="row">Consented</th><td>${CONSENTED_TOTAL}</td>`));
  });

  it('the headline row of Pioneer\'s route is its decile-1 residents: brought in, booked, attended, applied, offered', async () => {
    const page = await (await get(`/admin/outcomes?${PERIOD}`, { token: OPERATOR })).text();
    const table = page.slice(page.indexOf('id="table-decile1-by-route"'));
    expect(table.slice(0, table.indexOf('</table>'))).toContain(`<tr><th scope="row">${PIONEER.label}</th><td>${DECILE1_TOTAL}</td><td>16</td><td>12</td><td>10</td><td>6</td></tr>`);
  });

  it('a partner sees only its own routes and vacancies: never the other partner\'s route, in HTML or in any CSV', async () => {
    const res = await get(`/admin/outcomes?${PERIOD}`, { token: tokens.pioneer });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('Your referral routes');
    expect(page).toContain(`href="/admin/referrals/${PIONEER.code}/poster"`);
    expect(page).toContain(PIONEER.label);
    for (const foreign of [JOBCLUB.label, JOBCLUB.code, 'Birmingham Community Healthcare']) expect(page).not.toContain(foreign);
    // Pioneer's 40 residents, not the network's.
    expect(page).toMatch(/<th scope="row">Consented<\/th><td>40<\/td>/);
    for (const id of TABLE_IDS) {
      const csv = await (await get(`/admin/outcomes/export/${id}.csv?${PERIOD}`, { token: tokens.pioneer })).text();
      for (const foreign of [JOBCLUB.label, JOBCLUB.code]) expect({ id, has: csv.includes(foreign) }).toEqual({ id, has: false });
    }
    // And the other way round: bchc's view has no Pioneer route.
    const theirs = await (await get(`/admin/outcomes?${PERIOD}`, { token: tokens.bchc })).text();
    expect(theirs).toContain(JOBCLUB.label);
    expect(theirs).not.toContain(PIONEER.label);
  });

  it('every CSV export equals its table on the page: the same shown values, a byte order mark, no formulas', async () => {
    const report = await loadOutcomes(t.db, { kind: 'network' }, monthPeriod('2026-10'));
    for (const table of outcomeTables(report)) {
      const res = await get(`/admin/outcomes/export/${table.id}.csv?${PERIOD}`, { token: OPERATOR });
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${table.id}-2026-10-01-to-2026-10-31.csv"`);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = bytes.toString('utf8');
      expect(parseCsv(text).map((r) => r.fields)).toEqual([table.columns, ...table.rows]);
    }
    // The decile table shows what the page shows, a suppressed count included when there is one.
    const deciles = parseCsv(await (await get(`/admin/outcomes/export/reach-by-decile.csv?${PERIOD}`, { token: OPERATOR })).text());
    expect(deciles.find((r) => r.fields[0] === 'Decile 1 (most deprived)')?.fields[1]).toBe(String(DECILE1_TOTAL));
  });

  it('a filter changes the figures: decile 1 only leaves Pioneer\'s decile-1 residents', async () => {
    const page = await (await get(`/admin/outcomes?${PERIOD}&decile=1`, { token: OPERATOR })).text();
    expect(page).toMatch(new RegExp(`<th scope="row">Consented</th><td>${DECILE1_TOTAL}</td>`));
    expect(page).toContain('<option value="1" selected>');
  });

  it('dates before 2000 or after 2100 are refused with what is wrong, not turned into another date or "at most 731 days"', async () => {
    for (const q of ['from=0026-10-01&to=2026-10-31', 'from=0001-01-01&to=0001-01-31', 'from=2026-10-01&to=2101-01-01', 'to=1999-12-31']) {
      const res = await get(`/admin/outcomes?${q}`, { token: OPERATOR, accept: 'text/html' });
      const page = await res.text();
      expect({ q, status: res.status, said: /(From|To): a date between 2000 and 2100, such as 2026-10-31/.test(page), days: page.includes('731 days') }).toEqual({ q, status: 400, said: true, days: false });
    }
    const csv = await get('/admin/outcomes/export/funnel.csv?from=0026-10-01&to=0026-10-31', { token: OPERATOR });
    expect(((await csv.json()) as { error: { message: string } }).error.message).toBe('From: a date between 2000 and 2100, such as 2026-10-31; To: a date between 2000 and 2100, such as 2026-10-31');
    const report = await get('/admin/outcomes/report?month=1999-12', { token: OPERATOR });
    expect(report.status).toBe(400);
    expect(((await report.json()) as { error: { message: string } }).error.message).toBe('month: a month between 2000 and 2100, such as 2026-10');
  });

  it('an employer-only partner (no referral routes) is told in plain words what it sees; reach by decile, which it cannot have, is left out', async () => {
    const res = await get(`/admin/outcomes?${PERIOD}`, { token: tokens.uhb });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('residents who applied to your vacancies but came another way are counted from their application on');
    expect(page).toContain('You have no referral routes, so no resident is counted as brought in by you');
    expect(page).not.toContain('id="table-reach-by-decile"');
    // What it does have: the applications to its vacancies and what followed.
    expect(page).toMatch(/<th scope="row">Applied<\/th><td>15<\/td>/);
    expect(page).toContain('id="table-decile1-by-route"');
    // A partner with routes reads the same first sentence, and keeps its reach.
    const pioneer = await (await get(`/admin/outcomes?${PERIOD}`, { token: tokens.pioneer })).text();
    expect(pioneer).toContain('residents who applied to your vacancies but came another way are counted from their application on');
    expect(pioneer).not.toContain('You have no referral routes');
    expect(pioneer).toContain('id="table-reach-by-decile"');
    // The monthly report says so too, instead of a reach of 0.
    const report = await (await get('/admin/outcomes/report?month=2026-10', { token: tokens.uhb })).text();
    expect(report).toContain('You have no referral routes, so no resident is counted as brought in by you and there is no reach to show');
    expect(report).not.toContain('Residents from the most deprived tenth of neighbourhoods');
  });

  it('bad filter values are answered on the page with what is wrong (400), never a 500', async () => {
    const res = await get('/admin/outcomes?from=2026-13-01&decile=11&colour=red', { token: OPERATOR, accept: 'text/html' });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('These filters cannot be used');
    expect(page).toContain('From: a date such as 2026-10-31');
    expect(page).toContain('IMD decile: a decile from 1 to 10');
    expect(page).toContain('unknown filter &#34;colour&#34;');
    const backwards = await (await get('/admin/outcomes?from=2026-10-31&to=2026-10-01', { token: OPERATOR })).text();
    expect(backwards).toContain('To: the last day must be on or after the first day');
    const csv = await get(`/admin/outcomes/export/funnel.csv?decile=0`, { token: OPERATOR });
    expect(csv.status).toBe(400);
    expect(((await csv.json()) as { error: { message: string } }).error.message).toBe('IMD decile: a decile from 1 to 10');
    expect((await get(`/admin/outcomes/export/secrets.csv?${PERIOD}`, { token: OPERATOR })).status).toBe(404);
  });

  it("a partner filtering by another partner's route, or a route nobody has, gets the same 403", async () => {
    const other = await get(`/admin/outcomes?${PERIOD}&route=${JOBCLUB.code}`, { token: tokens.pioneer });
    const none = await get(`/admin/outcomes?${PERIOD}&route=NOSUCHROUTE`, { token: tokens.pioneer });
    const otherBody = await other.text();
    expect(other.status).toBe(403);
    expect({ status: none.status, body: await none.text() }).toEqual({ status: 403, body: otherBody });
    expect((await get(`/admin/outcomes/export/by-route.csv?${PERIOD}&employer=bchc`, { token: tokens.pioneer })).status).toBe(403);
    // Its own route is fine.
    expect((await get(`/admin/outcomes?${PERIOD}&route=${PIONEER.code}`, { token: tokens.pioneer })).status).toBe(200);
  });

  it('no credential, or a wrong one, is 401; a browser is offered the sign-in page', async () => {
    expect((await get('/admin/outcomes')).status).toBe(401);
    expect((await get('/admin/outcomes', { token: 'alp_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })).status).toBe(401);
    const page = await get('/admin/outcomes', { accept: 'text/html' });
    expect(page.status).toBe(401);
    expect(await page.text()).toContain('href="/admin/outcomes/signin"');
  });

  it('signing in with a partner credential makes an 8-hour HttpOnly, SameSite=Strict, Secure session under /admin; signing out ends it', async () => {
    expect((await get('/admin/outcomes/signin')).status).toBe(200);
    const signin = await post('/admin/outcomes/signin', { credential: tokens.pioneer }, { origin: base });
    expect(signin.status).toBe(303);
    expect(signin.headers.get('location')).toBe('/admin/outcomes');
    const setCookie = cookieOf(signin)!;
    expect(setCookie).toMatch(/; Max-Age=28800; Path=\/admin; Expires=[^;]+; HttpOnly; Secure; SameSite=Strict$/);
    const cookie = setCookie.split(';')[0]!;
    const page = await get(`/admin/outcomes?${PERIOD}`, { cookie });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Pioneer Group');
    expect(html).not.toContain(JOBCLUB.label);
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;

    // Sign-out needs the page's token; then the cookie opens nothing.
    expect((await post('/admin/outcomes/signout', {}, { cookie })).status).toBe(403);
    const out = await post('/admin/outcomes/signout', { csrf }, { cookie });
    expect(out.status).toBe(303);
    expect(cookieOf(out)).toMatch(/^anchorline_outcomes=;/);
    expect((await get('/admin/outcomes', { cookie })).status).toBe(401);
  });

  it('a wrong credential on the sign-in form is told so (401), and a sign-in from another site is refused', async () => {
    const wrong = await post('/admin/outcomes/signin', { credential: 'not-a-credential' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('That is not a credential we know');
    expect(cookieOf(wrong)).toBeUndefined();
    expect((await post('/admin/outcomes/signin', { credential: OPERATOR }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await post('/admin/outcomes/signin', { credential: OPERATOR }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    // The operator token signs in to the network view.
    const op = await post('/admin/outcomes/signin', { credential: OPERATOR });
    const page = await (await get(`/admin/outcomes?${PERIOD}`, { cookie: cookieOf(op)!.split(';')[0]! })).text();
    expect(page).toContain(JOBCLUB.label);
  });

  it('an operator session ends when ADMIN_TOKEN is rotated or removed (a restart with the new setting)', async () => {
    const cookie = cookieOf(await post('/admin/outcomes/signin', { credential: OPERATOR }))!.split(';')[0]!;
    expect((await get('/admin/outcomes', { cookie })).status).toBe(200);
    // The same database behind a server started with another token, and with none.
    for (const ADMIN_TOKEN of ['outcomes-rotated-Hq3Wm8Zt2Lp6Vn4Kc9Yx1Bd7Rf', undefined]) {
      const other = await buildApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'silent', PUBLIC_URL, ...(ADMIN_TOKEN ? { ADMIN_TOKEN } : {}) }), { db: await t.another(), logger: silent, workers: false });
      try {
        const res = await fetch(`http://127.0.0.1:${other.server.port}/admin/outcomes`, { headers: { cookie } });
        expect({ rotatedTo: ADMIN_TOKEN ?? 'none', status: res.status }).toEqual({ rotatedTo: ADMIN_TOKEN ?? 'none', status: 401 });
      } finally {
        await other.close();
      }
    }
    // The server still holding the token it was signed in with keeps it.
    expect((await get('/admin/outcomes', { cookie })).status).toBe(200);
  });

  it('revoking a credential stops its live browser session at the next request', async () => {
    const c = await createPartnerCredential(t.db, { partnerId: 'pioneer-housing', label: 'to revoke' });
    if (c.type !== 'created') throw new Error('no credential');
    const cookie = cookieOf(await post('/admin/outcomes/signin', { credential: c.token }))!.split(';')[0]!;
    expect((await get('/admin/outcomes', { cookie })).status).toBe(200);
    await revokePartnerCredential(t.db, c.credential.id);
    expect((await get('/admin/outcomes', { cookie })).status).toBe(401);
    expect((await post('/admin/outcomes/signin', { credential: c.token })).status).toBe(401);
  });

  it("partner uses are audited: looking, exporting and posters, allowed or not", async () => {
    const actions = (await listPartnerAccess(t.db, tokens.pioneerId)).map((e) => `${e.action} ${e.outcome}`);
    expect(actions).toContain('outcomes.view allowed');
    expect(actions).toContain('outcomes.export allowed');
    expect(actions).toContain('outcomes.view forbidden');
    expect(actions).toContain('outcomes.signin allowed');
  });

  it('the monthly report is one printable page of headline figures, decile-1 reach and the funnel; a partner\'s is its own', async () => {
    const res = await get('/admin/outcomes/report?month=2026-10', { token: OPERATOR });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('Monthly report: 2026-10');
    expect(page).toContain('Are we reaching decile 1?');
    expect(page).toContain(`<strong>${DECILE1_TOTAL}</strong>`);
    expect(page).toContain('@page { size: A4 portrait;');
    expect(page).toContain(PIONEER.label);
    // The decile-1 table is all Pioneer's: bchc's own report has none of it.
    const theirs = await (await get('/admin/outcomes/report?month=2026-10', { token: tokens.bchc })).text();
    expect(theirs).toContain('Birmingham Community Healthcare');
    expect(theirs).not.toContain(PIONEER.label);
    expect(theirs).toMatch(/<li><strong>30<\/strong>Consented<\/li>/);
    expect((await get('/admin/outcomes/report?month=2026-10&partner=bchc', { token: tokens.pioneer })).status).toBe(403);
    const bad = await get('/admin/outcomes/report?month=2026-13', { token: OPERATOR });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toBe('month: a month such as 2026-10');
  });

  it('without Chromium the PDF is a clear 503, not a crash', async () => {
    await expect(renderPdf('<p>x</p>', '/nonexistent/chromium')).rejects.toMatchObject({ code: 'pdf_unavailable', status: 503 });
  });

  it("the poster carries the route's label, the link in words and a QR code drawn from that exact link", async () => {
    const link = `${PUBLIC_URL}/?ref=${PIONEER.code}`;
    const res = await get(`/admin/referrals/${PIONEER.code}/poster`, { token: OPERATOR });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain(PIONEER.label);
    expect(page).toContain(`<p class="link">${link.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)}</p>`);
    expect(page).toContain('@page { size: A4 portrait;');
    const qr = await get(`/admin/referrals/${PIONEER.code}/qr.svg`, { token: tokens.pioneer });
    expect(qr.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    const svg = await qr.text();
    expect(svg).toBe(await QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, color: { dark: '#000000', light: '#ffffff' } }));
    expect(svg).not.toBe(await QRCode.toString(`${PUBLIC_URL}/?ref=${JOBCLUB.code}`, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, color: { dark: '#000000', light: '#ffffff' } }));
    // The poster shows the same QR code.
    expect(page).toContain(svg.slice(svg.indexOf('<path'), svg.indexOf('<path') + 200));
  });

  it("posters: another partner's code and an unknown code are the same 403 for a partner; the operator is told an unknown code is 404", async () => {
    const other = await get(`/admin/referrals/${JOBCLUB.code}/poster`, { token: tokens.pioneer });
    const unknown = await get('/admin/referrals/NOSUCHCODE/poster', { token: tokens.pioneer });
    const otherBody = await other.text();
    expect(other.status).toBe(403);
    expect({ status: unknown.status, body: await unknown.text() }).toEqual({ status: 403, body: otherBody });
    expect((await get('/admin/referrals/NOSUCHCODE/poster', { token: OPERATOR })).status).toBe(404);
    expect((await get(`/admin/referrals/${JOBCLUB.code}/qr.svg`, { token: tokens.bchc })).status).toBe(200);
  });
});

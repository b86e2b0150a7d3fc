import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, type Role } from '../../../src/studio/staff.ts';
import { listStudioAudit } from '../../../src/store/studioAudit.ts';
import { inviteStaff } from '../../../src/studio/auth/staffAccounts.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { call, PERMISSIONS, SESSION_HOURS, signIn, startStudio, type Studio } from './studioHarness.ts';

const HOUR = 3_600_000;
const MINUTE = 60_000;
let serial = 0;

describe('the studio guard: sessions, CSRF and roles', () => {
  let t: TestDb;
  let s: Studio;
  beforeAll(async () => {
    t = await createTestDb();
    s = await startStudio(t.db);
  });
  afterAll(async () => {
    await s?.close();
    await t?.close();
  });

  async function staff(role: Role): Promise<{ cookie: string; csrf: string; email: string }> {
    const email = `${role}${++serial}@example.org`;
    return { ...(await signIn(s.base, await s.invite(email, role))), email };
  }

  const lastSeen = async (): Promise<string[]> =>
    (await t.db.query(`SELECT last_seen_at FROM studio_sessions ORDER BY last_seen_at`)).rows.map((r) => new Date(String(r['last_seen_at'])).toISOString());

  it('without a session, a page redirects to sign-in (coming back to it), and the API answers 401', async () => {
    const page = await call(s.base, '/studio/flows?flow=main');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe(`/studio/signin?next=${encodeURIComponent('/studio/flows?flow=main')}`);
    const api = await call(s.base, '/studio/api/me');
    expect(api.status).toBe(401);
    expect(await api.json()).toMatchObject({ error: { code: 'studio_signin_required' } });
    const change = await call(s.base, '/studio/api/probe/read', { method: 'POST', csrf: 'x' });
    expect(change.status).toBe(401);
    const before = s.changes();
    const form = await call(s.base, '/studio/flows/rename', { form: { csrf: 'x' } });
    expect(form.status).toBe(401);
    expect(s.changes()).toBe(before);
  });

  it('a signed-in coordinator gets the page, with the CSRF token in it for scripts and forms', async () => {
    const c = await staff('coordinator');
    const r = await call(s.base, '/studio/flows', { cookie: c.cookie });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const text = await r.text();
    expect(text).toContain(`<meta name="csrf-token" content="${c.csrf}">`);
    expect(text).toContain(`<input type="hidden" name="csrf" value="${c.csrf}">`);
  });

  it.each(['coordinator', 'translator', 'viewer'] as const)('a %s may do exactly what its role allows, reading and changing', async (role) => {
    const c = await staff(role);
    for (const p of PERMISSIONS) {
      const before = s.changes();
      const read = await call(s.base, `/studio/api/probe/${p}`, { cookie: c.cookie });
      const change = await call(s.base, `/studio/api/probe/${p}`, { method: 'POST', cookie: c.cookie, csrf: c.csrf });
      const want = can(role, p) ? 200 : 403;
      expect([p, read.status, change.status]).toEqual([p, want, want]);
      expect(s.changes()).toBe(before + (can(role, p) ? 1 : 0));
      if (want === 403) expect(await change.json()).toMatchObject({ error: { code: 'forbidden' } });
    }
  });

  it('a translator may not edit; a viewer may not change wording', async () => {
    const tr = await staff('translator');
    const v = await staff('viewer');
    expect((await call(s.base, '/studio/api/probe/edit', { method: 'POST', cookie: tr.cookie, csrf: tr.csrf })).status).toBe(403);
    expect((await call(s.base, '/studio/api/probe/wording', { method: 'POST', cookie: tr.cookie, csrf: tr.csrf })).status).toBe(200);
    expect((await call(s.base, '/studio/api/probe/wording', { method: 'POST', cookie: v.cookie, csrf: v.csrf })).status).toBe(403);
  });

  it('a new role applies to an open session at once', async () => {
    const c = await staff('viewer');
    expect((await call(s.base, '/studio/api/probe/publish', { method: 'POST', cookie: c.cookie, csrf: c.csrf })).status).toBe(403);
    await inviteStaff(t.db, { email: c.email, role: 'coordinator' }, { publicUrl: 'http://localhost', inviteHours: 1, now: s.clock.at });
    expect((await call(s.base, '/studio/api/probe/publish', { method: 'POST', cookie: c.cookie, csrf: c.csrf })).status).toBe(200);
  });

  it('a change without the CSRF token, or with a wrong one, is refused with 403 and changes nothing', async () => {
    const c = await staff('coordinator');
    const other = await staff('coordinator');
    const before = s.changes();
    const attempts = [
      call(s.base, '/studio/api/probe/edit', { method: 'POST', cookie: c.cookie }),
      call(s.base, '/studio/api/probe/edit', { method: 'POST', cookie: c.cookie, csrf: 'wrong' }),
      // Another session's token is not this session's.
      call(s.base, '/studio/api/probe/edit', { method: 'POST', cookie: c.cookie, csrf: other.csrf }),
      call(s.base, '/studio/api/probe/edit', { method: 'POST', cookie: c.cookie, json: { csrf: c.csrf } }),
      call(s.base, '/studio/flows/rename', { cookie: c.cookie, form: { name: 'x' } }),
      call(s.base, '/studio/flows/rename', { cookie: c.cookie, form: { csrf: other.csrf } }),
    ];
    for (const r of await Promise.all(attempts)) {
      expect(r.status).toBe(403);
      expect(await r.json()).toMatchObject({ error: { code: 'csrf_failed', message: expect.stringContaining('reload the page') } });
    }
    expect(s.changes()).toBe(before);
    expect((await listStudioAudit(t.db, 1000)).filter((e) => e.email === c.email).map((e) => e.action)).toEqual(['staff.signin']);
    // With the token, as a header or as the form field, it goes through.
    expect((await call(s.base, '/studio/api/probe/edit', { method: 'POST', cookie: c.cookie, csrf: c.csrf })).status).toBe(200);
    const form = await call(s.base, '/studio/flows/rename', { cookie: c.cookie, form: { csrf: c.csrf, name: 'x' } });
    expect(form.status).toBe(303);
    expect(s.changes()).toBe(before + 2);
  });

  it('a change from another site is refused even with the right token (Sec-Fetch-Site)', async () => {
    const c = await staff('coordinator');
    const before = s.changes();
    const r = await call(s.base, '/studio/api/probe/edit', { method: 'POST', cookie: c.cookie, csrf: c.csrf, headers: { 'sec-fetch-site': 'cross-site' } });
    expect(r.status).toBe(403);
    expect(await r.json()).toMatchObject({ error: { code: 'csrf_failed' } });
    expect(s.changes()).toBe(before);
    const same = await call(s.base, '/studio/api/probe/edit', { method: 'POST', cookie: c.cookie, csrf: c.csrf, headers: { 'sec-fetch-site': 'same-origin' } });
    expect(same.status).toBe(200);
  });

  it('a tampered or foreign cookie is no session', async () => {
    const c = await staff('coordinator');
    const value = c.cookie.split('=')[1]!;
    const flipped = `${value.slice(0, -1)}${value.endsWith('A') ? 'B' : 'A'}`;
    for (const cookie of [`anchorline_studio=${flipped}`, 'anchorline_studio=', 'anchorline_studio=../../etc', `other=${value}`, `anchorline_studio=${value}x`]) {
      expect([cookie, (await call(s.base, '/studio/api/me', { cookie })).status]).toEqual([cookie, 401]);
    }
    expect((await call(s.base, '/studio/api/me', { cookie: `theme=dark; ${c.cookie}` })).status).toBe(200);
  });

  it('a session ends after STUDIO_SESSION_HOURS without activity; activity keeps it going, written at most once a minute', async () => {
    await t.db.query('DELETE FROM studio_sessions');
    const c = await staff('translator');
    const signedInAt = (await lastSeen())[0];
    // Requests within a minute do not write.
    s.clock.advance(30_000);
    expect((await call(s.base, '/studio/api/me', { cookie: c.cookie })).status).toBe(200);
    expect(await lastSeen()).toEqual([signedInAt]);
    // Activity every 7 hours keeps it alive past the 8-hour mark.
    for (let i = 0; i < 3; i++) {
      s.clock.advance(7 * HOUR);
      expect((await call(s.base, '/studio/api/me', { cookie: c.cookie })).status).toBe(200);
      expect(await lastSeen()).toEqual([s.clock.at.toISOString()]);
    }
    s.clock.advance(SESSION_HOURS * HOUR + MINUTE);
    const r = await call(s.base, '/studio/api/me', { cookie: c.cookie });
    expect(r.status).toBe(401);
    expect((await call(s.base, '/studio/flows', { cookie: c.cookie })).headers.get('location')).toBe('/studio/signin?next=%2Fstudio%2Fflows');
  });

  it('a session ends 7 days after sign-in however active', async () => {
    const c = await staff('viewer');
    for (let h = 0; h < 7 * 24 - 6; h += 6) {
      s.clock.advance(6 * HOUR);
      expect((await call(s.base, '/studio/api/me', { cookie: c.cookie })).status).toBe(200);
    }
    s.clock.advance(7 * HOUR);
    expect((await call(s.base, '/studio/api/me', { cookie: c.cookie })).status).toBe(401);
  });

  it('sign-out needs the CSRF token, ends the session, clears the cookie, and the old cookie is refused afterwards', async () => {
    const c = await staff('coordinator');
    const forged = await call(s.base, '/studio/signout', { cookie: c.cookie, form: {} });
    expect(forged.status).toBe(403);
    expect((await call(s.base, '/studio/api/me', { cookie: c.cookie })).status).toBe(200);
    const out = await call(s.base, '/studio/signout', { cookie: c.cookie, form: { csrf: c.csrf } });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/studio/signin');
    const cleared = out.headers.getSetCookie().find((x) => x.startsWith('anchorline_studio='));
    expect(cleared).toMatch(/^anchorline_studio=;/);
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect(cleared).toMatch(/Path=\/studio/);
    expect((await call(s.base, '/studio/api/me', { cookie: c.cookie })).status).toBe(401);
    expect((await call(s.base, '/studio/api/probe/read', { cookie: c.cookie })).status).toBe(401);
    // Signing out again, with no session left, just clears the cookie.
    expect((await call(s.base, '/studio/signout', { cookie: c.cookie, form: {} })).status).toBe(303);
  });

  it('every change is audited with who, what and when; sign-in and sign-out too', async () => {
    const c = await staff('coordinator');
    expect((await call(s.base, '/studio/api/probe/publish', { method: 'POST', cookie: c.cookie, csrf: c.csrf })).status).toBe(200);
    await call(s.base, '/studio/signout', { cookie: c.cookie, form: { csrf: c.csrf } });
    const mine = (await listStudioAudit(t.db, 1000)).filter((e) => e.email === c.email);
    expect(mine.map((e) => [e.via, e.action, e.subject])).toEqual([
      ['studio', 'staff.signin', c.email],
      ['studio', 'probe.publish', expect.stringMatching(/^change \d+$/)],
      ['studio', 'staff.signout', c.email],
    ]);
    expect(mine[1]).toMatchObject({ detail: { permission: 'publish' }, staffId: expect.stringMatching(/^\d+$/) });
    expect(mine.every((e) => e.at.getTime() === s.clock.at.getTime())).toBe(true);
  });
});

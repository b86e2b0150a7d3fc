import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listStudioAudit } from '../../../src/store/studioAudit.ts';
import { linkStaff, removeStaff } from '../../../src/studio/auth/staffAccounts.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { call, INVITE_HOURS, sessionCookieOf, signIn, startStudio, type Studio } from './studioHarness.ts';

const HOUR = 3_600_000;

describe('studio sign-in by invitation link', () => {
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

  it('the link shows a Sign in button without using the link; pressing it signs in with a strict, HttpOnly, Secure cookie', async () => {
    const token = await s.invite('Ann.Coordinator@Example.org', 'coordinator');
    for (let i = 0; i < 2; i++) {
      // A mail scanner's fetch and then the person's own: both see the button.
      const page = await call(s.base, `/studio/signin?token=${token}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      expect(page.headers.get('cache-control')).toBe('no-store');
      const body = await page.text();
      expect(body).toContain('<button type="submit">Sign in</button>');
      expect(body).toContain('<form method="post" action="/studio/signin">');
      expect(body).toContain(`name="token" value="${token}"`);
      expect(page.headers.getSetCookie()).toEqual([]);
    }
    const res = await call(s.base, '/studio/signin', { form: { token } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/studio');
    const { cookie, setCookie } = sessionCookieOf(res);
    const flags = setCookie.split(';').map((f) => f.trim().toLowerCase());
    expect(flags).toEqual(expect.arrayContaining(['httponly', 'secure', 'samesite=strict', 'path=/studio']));
    const me = await call(s.base, '/studio/api/me', { cookie });
    expect(me.status).toBe(200);
    const body = (await me.json()) as { email: string; role: string; csrf: string };
    expect(body).toEqual({ email: 'ann.coordinator@example.org', role: 'coordinator', csrf: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
  });

  it('a used link is refused with 410 and a page saying how to get a new one, on GET and POST', async () => {
    const token = await s.invite('reuse@example.org', 'viewer');
    await signIn(s.base, token);
    const again = await call(s.base, '/studio/signin', { form: { token } });
    expect(again.status).toBe(410);
    expect(again.headers.getSetCookie()).toEqual([]);
    expect(again.headers.get('content-type')).toMatch(/^text\/html/);
    const text = await again.text();
    expect(text).toContain('This sign-in link does not work');
    expect(text).toContain('anchorline studio link');
    expect((await call(s.base, `/studio/signin?token=${token}`)).status).toBe(410);
  });

  it('two presses of one link at once (two tabs, a double click) make one session', async () => {
    const token = await s.invite('twice@example.org', 'viewer');
    const both = await Promise.all([0, 1].map(() => call(s.base, '/studio/signin', { form: { token } })));
    expect(both.map((r) => r.status).sort()).toEqual([303, 410]);
    const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM studio_sessions x JOIN studio_staff s ON s.id = x.staff_id WHERE s.email = 'twice@example.org'`);
    expect(rows[0]!['n']).toBe(1);
  });

  it('an expired link is refused; a new one from `studio link` works', async () => {
    const token = await s.invite('late@example.org', 'translator');
    s.clock.advance(INVITE_HOURS * HOUR + 1000);
    expect((await call(s.base, `/studio/signin?token=${token}`)).status).toBe(410);
    expect((await call(s.base, '/studio/signin', { form: { token } })).status).toBe(410);
    const fresh = await linkStaff(t.db, 'late@example.org', { publicUrl: 'http://localhost', inviteHours: INVITE_HOURS, now: s.clock.at });
    expect(fresh.type).toBe('issued');
    const url = fresh.type === 'issued' ? new URL(fresh.link.url) : undefined;
    expect(url?.pathname).toBe('/studio/signin');
    const { cookie } = await signIn(s.base, url!.searchParams.get('token')!);
    expect(await (await call(s.base, '/studio/api/me', { cookie })).json()).toMatchObject({ email: 'late@example.org', role: 'translator' });
  });

  it('a link just before its expiry still works', async () => {
    const token = await s.invite('ontime@example.org', 'viewer');
    s.clock.advance(INVITE_HOURS * HOUR - 60_000);
    expect((await call(s.base, '/studio/signin', { form: { token } })).status).toBe(303);
  });

  it.each([
    ['an unknown token', 'A'.repeat(43)],
    ['a malformed token', 'not-a-token'],
    ['an empty token', ''],
    ['markup', '"><script>alert(1)</script>'],
  ])('%s is refused with the same 410 page', async (_what, token) => {
    const get = await call(s.base, `/studio/signin?token=${encodeURIComponent(token)}`);
    const post = await call(s.base, '/studio/signin', { form: { token } });
    for (const r of [get, post]) {
      expect(r.status).toBe(410);
      const text = await r.text();
      expect(text).toContain('This sign-in link does not work');
      expect(text).not.toContain('<script>alert');
    }
  });

  it('a POST without any token is refused too', async () => {
    const r = await call(s.base, '/studio/signin', { form: { next: '/studio/flows' } });
    expect(r.status).toBe(410);
  });

  it('the sign-in page without a link explains how to get one', async () => {
    const r = await call(s.base, '/studio/signin');
    expect(r.status).toBe(200);
    const text = await r.text();
    expect(text).toContain('sign in with a link');
    expect(text).toContain('Ask a coordinator');
    expect(text).toContain('anchorline studio link');
    expect(text).not.toContain('<form');
  });

  it('a link of a removed account no longer works, and its sessions end', async () => {
    const first = await s.invite('gone@example.org', 'coordinator');
    const { cookie } = await signIn(s.base, first);
    const unused = await s.invite('gone@example.org', 'coordinator');
    expect((await call(s.base, '/studio/api/me', { cookie })).status).toBe(200);
    expect(await removeStaff(t.db, 'gone@example.org', s.clock.at)).toMatchObject({ type: 'removed', sessionsEnded: 1 });
    expect((await call(s.base, '/studio/api/me', { cookie })).status).toBe(401);
    expect((await call(s.base, `/studio/signin?token=${unused}`)).status).toBe(410);
    expect((await call(s.base, '/studio/signin', { form: { token: unused } })).status).toBe(410);
    expect(await linkStaff(t.db, 'gone@example.org', { publicUrl: 'http://localhost', inviteHours: 1, now: s.clock.at })).toEqual({ type: 'removed' });
    // Invited again: back in, with a new link.
    const back = await s.invite('gone@example.org', 'viewer');
    const again = await signIn(s.base, back);
    expect(await (await call(s.base, '/studio/api/me', { cookie: again.cookie })).json()).toMatchObject({ role: 'viewer' });
  });

  it.each([
    ['//evil.example', '/studio'],
    ['https://evil.example', '/studio'],
    ['https://evil.example/studio', '/studio'],
    ['/\\evil.example', '/studio'],
    ['/%2F%2Fevil.example', '/studio'],
    ['/studio/../evil', '/studio'],
    ['/admin/outcomes', '/studio'],
    ['javascript:alert(1)', '/studio'],
    ['/studio/flows?flow=main', '/studio/flows?flow=main'],
    ['/studio/data', '/studio/data'],
  ])('after signing in, next=%s lands on %s', async (next, where) => {
    const token = await s.invite('next@example.org', 'viewer');
    // The page carries `next` into its form.
    const page = await (await call(s.base, `/studio/signin?token=${token}&next=${encodeURIComponent(next)}`)).text();
    expect(page).toContain('name="next"');
    const { res } = await signIn(s.base, token, next);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(where);
  });

  it('sign-in is audited with who and when', async () => {
    const token = await s.invite('audited@example.org', 'coordinator');
    await signIn(s.base, token);
    const rows = (await listStudioAudit(t.db, 1000)).filter((e) => e.subject === 'audited@example.org');
    expect(rows.map((e) => [e.via, e.email, e.action])).toEqual([
      ['cli', null, 'staff.invite'],
      ['studio', 'audited@example.org', 'staff.signin'],
    ]);
    expect(rows[1]!.at.toISOString()).toBe(s.clock.at.toISOString());
    expect(rows[0]!.detail).toEqual({ role: 'coordinator' });
  });

  it('other methods on the sign-in address are 405', async () => {
    const r = await call(s.base, '/studio/signin', { method: 'DELETE' });
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('GET, POST');
  });
});

/**
 * Issue 13, review item 2: a sign-in posted from another site (login CSRF with the attacker's own
 * link) is refused and signs nobody in; signing in on a browser ends that browser's earlier
 * session, while the same person's session on another browser carries on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { call, sessionCookieOf, signIn, startStudio, type Studio } from './studioHarness.ts';

describe('studio sign-in hardening', () => {
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

  it('a sign-in form posted from another site is refused with a page, no cookie, and the link still works', async () => {
    const token = await s.invite('attacker@example.org', 'viewer');
    const res = await call(s.base, '/studio/signin', { form: { token }, headers: { 'sec-fetch-site': 'cross-site' } });
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('This sign-in was sent from another website, so it was refused');
    // The same link pressed on the studio's own page (same-origin) signs in.
    const own = await call(s.base, '/studio/signin', { form: { token }, headers: { 'sec-fetch-site': 'same-origin' } });
    expect(own.status).toBe(303);
    expect((await call(s.base, '/studio/api/me', { cookie: sessionCookieOf(own).cookie })).status).toBe(200);
  });

  it('signing in on a browser ends the session that browser had; another browser stays signed in', async () => {
    const earlier = await signIn(s.base, await s.invite('first.person@example.org', 'coordinator'));
    const elsewhere = await signIn(s.base, await s.invite('first.person@example.org', 'coordinator'));
    // Someone signs in on the same browser (its cookie comes with the form).
    const next = await call(s.base, '/studio/signin', { cookie: earlier.cookie, form: { token: await s.invite('second.person@example.org', 'viewer') } });
    expect(next.status).toBe(303);
    const now = sessionCookieOf(next).cookie;
    expect(now).not.toBe(earlier.cookie);
    expect((await call(s.base, '/studio/api/me', { cookie: earlier.cookie })).status).toBe(401);
    expect(await (await call(s.base, '/studio/api/me', { cookie: now })).json()).toMatchObject({ email: 'second.person@example.org' });
    expect(await (await call(s.base, '/studio/api/me', { cookie: elsewhere.cookie })).json()).toMatchObject({ email: 'first.person@example.org' });
  });

  it('a used link posted with a session cookie leaves that session alone', async () => {
    const token = await s.invite('careful@example.org', 'viewer');
    const mine = await signIn(s.base, token);
    const again = await call(s.base, '/studio/signin', { cookie: mine.cookie, form: { token } });
    expect(again.status).toBe(410);
    expect((await call(s.base, '/studio/api/me', { cookie: mine.cookie })).status).toBe(200);
  });
});

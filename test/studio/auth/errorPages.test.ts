/**
 * Issue 13, review item 1: a coordinator whose session ended, or whose page is older than their
 * last sign-in, posts a form with typed work in it. The real server (buildApp) answers a page that
 * says plainly the changes were not saved and how to keep them, at the error's status; a page
 * their role may not see, or an unknown item, is a page too. Scripts and the JSON API keep JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type RunningApp } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import { inviteStaff } from '../../../src/studio/auth/staffAccounts.ts';
import type { Role } from '../../../src/studio/staff.ts';
import { silent } from '../../helpers/flowDir.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { call, signIn } from './studioHarness.ts';

/** What Chromium sends when a page's form is submitted or a link followed. */
const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'sec-fetch-site': 'same-origin' };

describe('studio pages and forms fail as pages, not JSON', () => {
  let t: TestDb;
  let app: RunningApp;
  let base: string;
  let sessionId = '';

  const session = async (role: Role, email = `${role}@studio.test`) => {
    const invited = await inviteStaff(t.db, { email, role }, { publicUrl: base, inviteHours: 1, now: new Date() });
    return signIn(base, new URL(invited.link.url).searchParams.get('token')!);
  };
  const draftRevision = async () => Number((await t.db.query<{ revision: unknown }>('SELECT coalesce(max(revision), 0) AS revision FROM flow_draft')).rows[0]?.revision ?? 0);
  /** The wording form as the page posts it: a changed text, the page's CSRF field, from the page it was on. */
  const postWording = (cookie: string, csrf: string, headers: Record<string, string> = BROWSER) =>
    call(base, '/studio/wording?namespace=journey', {
      cookie,
      form: { csrf, revision: '0', 't:en:journey:journey.goodbye': 'A long goodbye I typed with care' },
      headers: { ...headers, referer: `${base}/studio/wording?namespace=journey&page=2` },
    });

  beforeAll(async () => {
    t = await createTestDb();
    app = await buildApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'silent' }), { db: t.db, logger: silent, workers: false });
    base = `http://127.0.0.1:${app.server.port}`;
    sessionId = String((await t.db.query<{ id: unknown }>('SELECT id FROM course_sessions ORDER BY id LIMIT 1')).rows[0]!.id);
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  it('signed out in another tab: the wording form answers a 401 page with a sign-in link back to the form, nothing saved', async () => {
    const before = await draftRevision();
    const s = await session('coordinator');
    const out = await call(base, '/studio/signout', { cookie: s.cookie, form: { csrf: s.csrf } });
    expect(out.status).toBe(303);
    const res = await postWording(s.cookie, s.csrf);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const text = await res.text();
    expect(text).toContain('<h1>You are signed out</h1>');
    expect(text).toContain('Your changes were not saved: you were signed out');
    expect(text).toContain('your browser keeps what you typed');
    expect(text).toContain(`href="/studio/signin?next=${encodeURIComponent('/studio/wording?namespace=journey&page=2').replace(/&/g, '&#38;')}"`);
    expect(text).not.toContain('"error"');
    expect(await draftRevision()).toBe(before);
  });

  it('a page older than the last sign-in (its CSRF token is stale): a 403 page saying how to keep the typed work', async () => {
    const before = await draftRevision();
    const old = await session('coordinator', 'two.tabs@studio.test');
    const fresh = await session('coordinator', 'two.tabs@studio.test');
    const res = await postWording(fresh.cookie, old.csrf);
    expect(res.status).toBe(403);
    const text = await res.text();
    expect(text).toContain('<h1>This page is out of date</h1>');
    expect(text).toContain('Your changes were not saved: the page was opened before this browser last signed in');
    expect(text).toContain('open the same page in a new tab, copy your changes across');
    expect(await draftRevision()).toBe(before);
  });

  it('a form posted from another site: a 403 page saying it was refused', async () => {
    const s = await session('coordinator', 'cross@studio.test');
    const res = await postWording(s.cookie, s.csrf, { ...BROWSER, 'sec-fetch-site': 'cross-site' });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<h1>A change from another site was refused</h1>');
  });

  it('a viewer: a data form and a data page they may not use answer 403 pages naming what is missing', async () => {
    const v = await session('viewer');
    const post = await call(base, `/studio/data/sessions/${sessionId}/capacity`, { cookie: v.cookie, form: { csrf: v.csrf, capacity: '40' }, headers: BROWSER });
    expect(post.status).toBe(403);
    const posted = await post.text();
    expect(posted).toContain('<h1>Your role may not do this</h1>');
    expect(posted).toContain('Your changes were not saved: a viewer may not do this (it needs the &#34;data&#34; permission)');
    const get = await call(base, `/studio/data/sessions/${sessionId}/cancel`, { cookie: v.cookie, headers: BROWSER });
    expect(get.status).toBe(403);
    expect(await get.text()).toContain('This page is not open to you: a viewer may not do this');
  });

  it('an unknown item or page: a 404 page with the studio nav for the signed-in coordinator', async () => {
    const c = await session('coordinator', 'finder@studio.test');
    const item = await call(base, '/studio/data/courses/no-such-course', { cookie: c.cookie, headers: BROWSER });
    expect(item.status).toBe(404);
    const text = await item.text();
    expect(text).toContain('<h1>Not found</h1>');
    expect(text).toContain('<nav aria-label="Studio">');
    const nowhere = await call(base, '/studio/no-such-page', { cookie: c.cookie, headers: BROWSER });
    expect(nowhere.status).toBe(404);
    expect(await nowhere.text()).toContain('<h1>Not found</h1>');
  });

  it('scripts and the JSON API keep JSON errors', async () => {
    const s = await session('coordinator', 'script@studio.test');
    const script = await postWording(s.cookie, 'not-the-token', { accept: '*/*' });
    expect(script.status).toBe(403);
    expect(((await script.json()) as { error: { code: string } }).error.code).toBe('csrf_failed');
    const api = await call(base, '/studio/api/draft', { headers: BROWSER });
    expect(api.status).toBe(401);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('studio_signin_required');
    const apiMissing = await call(base, '/studio/api/no-such-route', { cookie: s.cookie, headers: BROWSER });
    expect(apiMissing.status).toBe(404);
    expect(((await apiMissing.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });
});

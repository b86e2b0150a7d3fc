/**
 * The sign-in as a coordinator does it, in Debian Chromium: the invitation link, the Sign in
 * button, the Secure cookie kept on http://localhost, the page behind the guard, and the shell's
 * Sign out button (a form carrying the CSRF token). Then, over everything this and the fetches
 * did at LOG_LEVEL=debug, no link token, session id, CSRF token or address is in any log line.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../helpers/chromium.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { call, signIn, startStudio, type Studio } from './studioHarness.ts';

const require = createRequire(import.meta.url);

describe('studio sign-in in Chromium, and what the log keeps', () => {
  let t: TestDb;
  let s: Studio;
  let browser: Browser;
  const secrets: string[] = [];
  beforeAll(async () => {
    t = await createTestDb();
    s = await startStudio(t.db);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
    await t?.close();
  });

  it.each(['localhost', '127.0.0.1'])('on http://%s: link → Sign in → the page they asked for → Sign out', async (host) => {
    const email = `browser.${host.replaceAll('.', '-')}@example.org`;
    const token = await s.invite(email, 'coordinator');
    secrets.push(token, email);
    const origin = s.base.replace('127.0.0.1', host);
    const context = await browser.newContext();
    try {
      const tab = await context.newPage();
      // A page first: sent to sign in, and back to it afterwards.
      await tab.goto(`${origin}/studio/flows`);
      expect(new URL(tab.url()).pathname).toBe('/studio/signin');
      await tab.goto(`${origin}/studio/signin?token=${token}&next=${encodeURIComponent('/studio/flows')}`);
      await tab.getByRole('button', { name: 'Sign in' }).click();
      await tab.waitForURL(`${origin}/studio/flows`);
      expect(await tab.locator('h1').textContent()).toBe('Flows');
      const [cookie] = await context.cookies();
      expect(cookie).toMatchObject({ name: 'anchorline_studio', httpOnly: true, secure: true, sameSite: 'Strict', path: '/studio' });
      secrets.push(cookie!.value);
      // Scripts read the CSRF token from the page and send it; document.cookie never sees the session.
      const me = await tab.evaluate(async () => {
        const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
        const r = await fetch('/studio/api/probe/edit', { method: 'POST', headers: { 'X-CSRF-Token': csrf } });
        return { status: r.status, cookieVisible: document.cookie.includes('anchorline_studio'), csrf };
      });
      expect(me).toMatchObject({ status: 200, cookieVisible: false });
      secrets.push(me.csrf);
      await tab.getByRole('button', { name: 'Sign out' }).click();
      await tab.waitForURL(`${origin}/studio/signin`);
      expect(await context.cookies()).toEqual([]);
      await tab.goto(`${origin}/studio/flows`);
      expect(new URL(tab.url()).pathname).toBe('/studio/signin');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('axe finds no violations on the sign-in pages (no link, a working link, a used link)', async () => {
    const token = await s.invite('axe@example.org', 'viewer');
    const used = await s.invite('axe.used@example.org', 'viewer');
    await signIn(s.base, used);
    // The pages' CSP allows no script; axe is injected by the test, not by the page.
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    try {
      const tab = await context.newPage();
      const found: Record<string, unknown[]> = {};
      const pages = { help: '/studio/signin', button: `/studio/signin?token=${token}`, gone: `/studio/signin?token=${used}` };
      for (const [name, path] of Object.entries(pages)) {
        await tab.goto(`${s.base}${path}`);
        await tab.addScriptTag({ content: readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8') });
        const result = (await tab.evaluate(() =>
          (window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<unknown> } }).axe.run(document, {
            runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
          }),
        )) as { violations: Array<{ id: string; nodes: Array<{ target: unknown }> }>; passes: unknown[] };
        expect(result.passes.length).toBeGreaterThan(5);
        found[name] = result.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target) }));
      }
      expect(found).toEqual({ help: [], button: [], gone: [] });
    } finally {
      await context.close();
    }
  }, 60_000);

  it('no token, session id, CSRF token or email address appears in any log line', async () => {
    // Refusals too: a used link, a bad CSRF token, a page without a session.
    const token = await s.invite('logged@example.org', 'viewer');
    const { cookie, csrf } = await signIn(s.base, token);
    secrets.push(token, 'logged@example.org', cookie.split('=')[1]!, csrf);
    expect((await call(s.base, '/studio/signin', { form: { token } })).status).toBe(410);
    expect((await call(s.base, `/studio/signin?token=${token}`)).status).toBe(410);
    expect((await call(s.base, '/studio/api/probe/read', { method: 'POST', cookie, csrf: `${csrf}x` })).status).toBe(403);
    expect((await call(s.base, '/studio/api/probe/edit', { method: 'POST', cookie, csrf })).status).toBe(403);
    await call(s.base, '/studio/signout', { cookie, form: { csrf } });
    expect((await call(s.base, '/studio/api/me', { cookie })).status).toBe(401);
    // The log did see these requests (so an empty log cannot pass this test).
    expect(s.lines.filter((l) => l.includes('"studio: signed in"')).length).toBeGreaterThanOrEqual(1);
    expect(s.lines.some((l) => l.includes('"code":"csrf_failed"'))).toBe(true);
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    for (const secret of secrets) {
      const hits = s.lines.filter((l) => l.toLowerCase().includes(secret.toLowerCase()));
      expect([secret.slice(0, 8), hits]).toEqual([secret.slice(0, 8), []]);
    }
  });
});

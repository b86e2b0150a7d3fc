/**
 * Issue 13, review item 1, in Debian Chromium on the real server (buildApp): a coordinator types
 * a translation, is signed out in another tab, and presses Save. They see a page (not JSON) that
 * says the change was not saved; they sign in again with a new link, go back, find what they
 * typed still in the box, and save it. The page passes axe; screenshot and report in test/artifacts/.
 */
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type RunningApp } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import { inviteStaff, linkStaff } from '../../../src/studio/auth/staffAccounts.ts';
import { axeViolations } from '../../helpers/axe.ts';
import { launchChromium } from '../../helpers/chromium.ts';
import { silent } from '../../helpers/flowDir.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';

const ARTIFACTS = 'test/artifacts';
const EMAIL = 'typing.coordinator@studio.test';
const TYPED = 'ابھی کے لیے بس کریں';

describe('typed work survives a session that ended', () => {
  let t: TestDb;
  let app: RunningApp;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await createTestDb();
    app = await buildApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'silent' }), { db: t.db, logger: silent, workers: false });
    // Cookies are Secure: Chromium keeps them on http://localhost, not on a bare IP address.
    base = `http://localhost:${app.server.port}`;
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await t?.close();
  });

  it('signed out while typing: a page says nothing was saved; after signing in again, Back shows the text and it saves', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    const tab = await context.newPage();
    const invited = await inviteStaff(t.db, { email: EMAIL, role: 'coordinator' }, { publicUrl: base, inviteHours: 1, now: new Date() });
    await tab.goto(invited.link.url);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.waitForURL(`${base}/studio/flows`);

    await tab.goto(`${base}/studio/wording?namespace=journey&q=finish`);
    const box = tab.locator('[name="t:ur:journey:journey.finish"]');
    await box.fill(TYPED);

    // Another tab signs out (or the session idles out): the first tab does not know.
    const other = await context.newPage();
    await other.goto(`${base}/studio/flows`);
    await other.getByRole('button', { name: 'Sign out' }).click();
    await other.waitForURL(/\/studio\/signin$/);

    const [answer] = await Promise.all([tab.waitForResponse((r) => r.request().method() === 'POST'), tab.getByRole('button', { name: 'Save changes to the draft' }).click()]);
    expect(answer.status()).toBe(401);
    await expect(tab.locator('h1').textContent()).resolves.toBe('You are signed out');
    await expect(tab.getByRole('alert').textContent()).resolves.toContain('Your changes were not saved: you were signed out');
    await tab.screenshot({ path: `${ARTIFACTS}/studio-signed-out-while-typing.png` });
    expect(await axeViolations(tab, `${ARTIFACTS}/axe-studio-signed-out-while-typing.json`)).toEqual([]);
    const signin = await tab.getByRole('link', { name: 'Sign in again' }).getAttribute('href');
    expect(signin).toBe(`/studio/signin?next=${encodeURIComponent('/studio/wording?namespace=journey&q=finish')}`);

    // A new link (from a coordinator or the command line), opened in the other tab.
    const link = await linkStaff(t.db, EMAIL, { publicUrl: base, inviteHours: 1, now: new Date() });
    if (link.type !== 'issued') throw new Error(`no new link: ${link.type}`);
    await other.goto(link.link.url);
    await other.getByRole('button', { name: 'Sign in' }).click();
    await other.waitForURL(`${base}/studio/flows`);

    await tab.goBack();
    await tab.waitForURL(`${base}/studio/wording?namespace=journey&q=finish`);
    await expect(box.inputValue()).resolves.toBe(TYPED);
    await tab.getByRole('button', { name: 'Save changes to the draft' }).click();
    await tab.getByRole('status').filter({ hasText: 'Saved 1 text in the draft.' }).waitFor({ timeout: 10_000 });
    const { rows } = await t.db.query<{ files: Record<string, string> }>('SELECT files FROM flow_draft WHERE id = 1');
    expect(rows[0]!.files['locales/ur/journey.json']).toContain(TYPED);
    await context.close();
  }, 90_000);
});

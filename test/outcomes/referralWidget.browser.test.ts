/**
 * Issue 15 in Chromium: the widget brings a referral code to the conversation it starts — from its
 * `data-referral` attribute, or from `?ref=` in the page's address (the demo page passes it on),
 * and on a later page of the site from sessionStorage. Real widget routes, Direct Line, engine,
 * shipped flows and database; headless Debian Chromium.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWidgetRoutes } from '../../src/channels/web/widget/createWidgetRoutes.ts';
import { seedPartners } from '../../src/domain/vacancies/seedPartners.ts';
import { createReferralCode } from '../../src/store/referralCodes.ts';
import { serveDirectLine, silentLogger } from '../channels/web/directLineHarness.ts';
import { createRealEngine } from '../channels/web/realEngine.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';
import { reachOf } from './outcomesHarness.ts';

let t: TestDb;
let close: () => Promise<void>;
let base: string;
let browser: Browser;

/** A partner's page with the snippet and its route's code; and one of its other pages, with none. */
const page = (attrs: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Partner</title></head>
<body><main><h1>Tenancy support</h1></main><script src="/widget.js" data-open="true" ${attrs} async></script></body></html>`;

beforeAll(async () => {
  t = await createTestDb();
  await seedPartners(t.db, 'flows/partners.yaml');
  await createReferralCode(t.db, { partnerId: 'bchc', label: 'Pioneer tenancy team', code: 'PIONEER1' });
  const engine = await createRealEngine(t.db);
  ({ base, close } = await serveDirectLine({ db: t.db, engine, logger: silentLogger, tokenSigningKey: 'k'.repeat(32), widgetOrigins: [] }, (app) => {
    app.get('/tenancy.html', (_req, res) => void res.type('html').send(page('data-referral="pioneer1"')));
    app.get('/other.html', (_req, res) => void res.type('html').send(page('')));
    app.get('/plain.html', (_req, res) => void res.type('html').send('<!doctype html><html lang="en"><title>Plain</title><p>No chat here.</p></html>'));
    app.use(createWidgetRoutes({ partnerName: 'Birmingham & Solihull Anchor Network', partnerColour: '#005eb8' }));
  }));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await close?.();
  await t?.close();
});

/** Waits for the greeting; the conversation the widget keeps in sessionStorage. */
async function conversationOf(p: Page): Promise<string> {
  await expect.poll(() => p.getByText('Hello! I am Anchorline', { exact: false }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
  return p.evaluate(() => (JSON.parse(sessionStorage.getItem('anchorline.webchat.v1') ?? '{}') as { conversationId: string }).conversationId);
}

describe('the widget carries the referral code', () => {
  it('from data-referral on a partner’s page', async () => {
    const context = await browser.newContext();
    const p = await context.newPage();
    await p.goto(`${base}/tenancy.html`);
    expect(await reachOf(t.db, await conversationOf(p))).toMatchObject({ referral_code: 'PIONEER1' });
    await context.close();
  });

  it('from a /?ref= link, and on a later page without one (sessionStorage)', async () => {
    const context = await browser.newContext();
    const p = await context.newPage();
    await p.goto(`${base}/?ref=pioneer1`);
    const first = await conversationOf(p);
    expect(await reachOf(t.db, first)).toMatchObject({ referral_code: 'PIONEER1' });

    // Later on the site, a new conversation (the first one is forgotten on a page without the
    // widget, which would keep it on leaving): the code is still the route.
    await p.goto(`${base}/plain.html`);
    await p.evaluate(() => sessionStorage.removeItem('anchorline.webchat.v1'));
    await p.goto(`${base}/other.html`);
    const later = await conversationOf(p);
    expect(later).not.toBe(first);
    expect(await reachOf(t.db, later)).toMatchObject({ referral_code: 'PIONEER1' });
    await context.close();
  });

  it('a page with no code starts a conversation with no route', async () => {
    const context = await browser.newContext();
    const p = await context.newPage();
    await p.goto(`${base}/other.html`);
    expect(await reachOf(t.db, await conversationOf(p))).toMatchObject({ referral_code: null });
    await context.close();
  });
});

describe('the demo page passes ?ref= on', () => {
  it('as data-referral, upper-cased; a malformed one is left out and cannot reach the markup', async () => {
    const html = await (await fetch(`${base}/?ref=pioneer1&lang=ur`)).text();
    expect(html).toContain('<script src="/widget.js" data-open="true" data-language="ur" data-referral="PIONEER1" async></script>');
    const bad = await (await fetch(`${base}/?ref=${encodeURIComponent('"><script>alert(1)</script>')}`)).text();
    expect(bad).toContain('<script src="/widget.js" data-open="true" async></script>');
    expect(bad).not.toContain('alert(1)');
  });
});

/**
 * Issue 11, item 5: the widget embedded on a partner's own site, which is another origin than
 * ours. Three local servers, three origins: Anchorline (widget.js, Web Chat, Direct Line), a
 * partner's site on WIDGET_ORIGINS, and a site that is not. Headless Debian Chromium drives
 * Web Chat for real, so the browser itself judges every preflight. Screenshots go to
 * test/artifacts/ (git-ignored).
 */
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../helpers/chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirectLine } from '../../../src/channels/web/directline/createDirectLine.ts';
import { createWidgetRoutes } from '../../../src/channels/web/widget/createWidgetRoutes.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { silentLogger } from './directLineHarness.ts';
import { createRealEngine } from './realEngine.ts';

const ARTIFACTS = 'test/artifacts';

let t: TestDb;
let browser: Browser;
let appBase: string;
let partnerBase: string;
let strangerBase: string;
const servers: http.Server[] = [];
let closeDirectLine: () => Promise<void>;

interface Call {
  origin: string | undefined;
  method: string;
  path: string;
  status: number;
  /** A preflight's Access-Control-Request-Headers: what the browser is about to send. */
  requestHeaders: string | undefined;
}
/** Every Direct Line request as the server saw it (Chromium does not show preflights to the page). */
const calls: Call[] = [];

/** A partner's own page, served from its own origin, with only the pasted snippet of ours. */
const partnerPage = (name: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<title>${name}</title></head><body><main><h1>${name}: jobs and training</h1><p>Our own page.</p></main>
<script src="${appBase}/widget.js" async></script></body></html>`;

async function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const sitePage = (name: string): http.RequestListener => (req, res) => {
  if (req.url !== '/' && req.url !== '/index.html') {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(partnerPage(name));
};

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  partnerBase = await listen(sitePage('Acme Housing'));
  strangerBase = await listen(sitePage('Not A Partner'));

  t = await createTestDb();
  const engine = await createRealEngine(t.db);
  const dl = createDirectLine({ db: t.db, engine, logger: silentLogger, tokenSigningKey: 'k'.repeat(32), widgetOrigins: [partnerBase] });
  const app = express();
  app.use('/v3/directline', (req, res, next) => {
    res.on('finish', () =>
      calls.push({
        origin: req.get('origin'),
        method: req.method,
        path: req.originalUrl.split('?')[0]!.replace(/dl-[\w-]+/, ':id'),
        status: res.statusCode,
        requestHeaders: req.get('access-control-request-headers'),
      }),
    );
    next();
  });
  app.use('/v3/directline', dl.router);
  app.use(createWidgetRoutes({ partnerName: 'Birmingham & Solihull Anchor Network', partnerColour: '#005eb8' }));
  const appServer = http.createServer(app);
  dl.attachWebSocket(appServer);
  servers.push(appServer);
  await new Promise<void>((r) => appServer.listen(0, '127.0.0.1', r));
  appBase = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}`;
  closeDirectLine = () => dl.close();

  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await closeDirectLine?.();
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
  await t?.close();
});

const SEND_BOX = '[data-id="webchat-sendbox-input"]';
const suggested = (page: Page, name: string) => page.getByRole('toolbar', { name: 'Suggested actions' }).getByRole('button', { name, exact: true });
const botBubbles = (page: Page) => page.locator('.webchat__bubble:not(.webchat__bubble--from-user)');

/** Console errors (a refused preflight shows there) and failed requests. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('requestfailed', (r) => errors.push(`${r.method()} ${r.url()} failed: ${r.failure()?.errorText ?? ''}`));
  return errors;
}
const from = (origin: string) => calls.filter((c) => c.origin === origin);

describe('widget embedded on a partner site of another origin, in Chromium', () => {
  it('the three origins differ', () => {
    expect(new Set([new URL(appBase).origin, new URL(partnerBase).origin, new URL(strangerBase).origin]).size).toBe(3);
  });

  it('on an allowed partner origin: greeting, a language button, consent and a typed answer', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${partnerBase}/`);
    expect(new URL(page.url()).origin).toBe(partnerBase);
    await page.locator('.anchorline-launcher').click();

    await expect.poll(() => page.getByText('Hello! I am Anchorline', { exact: false }).count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await suggested(page, 'English').click({ timeout: 10_000 });
    await suggested(page, 'Yes').click({ timeout: 10_000 });
    await page.getByText('How old are you?').first().waitFor({ timeout: 10_000 });
    const before = await botBubbles(page).count();
    await page.locator(SEND_BOX).fill('19');
    await page.locator(SEND_BOX).press('Enter');
    await expect.poll(() => page.locator('.webchat__bubble--from-user').filter({ hasText: /^19$/ }).count(), { timeout: 10_000 }).toBe(1);
    // The bot answered the typed age with its next step.
    await expect.poll(() => botBubbles(page).count(), { timeout: 10_000 }).toBeGreaterThan(before);
    await expect.poll(() => page.getByText('Send failed', { exact: false }).count()).toBe(0);
    await expect.poll(() => page.getByText('Taking longer than usual', { exact: false }).count()).toBe(0);
    await page.screenshot({ path: `${ARTIFACTS}/widget-partner-origin.png` });

    // The browser really went cross-origin, with the headers directlinejs adds (X-Requested-With
    // among them) preflighted and allowed; nothing was refused.
    const partnerCalls = from(partnerBase);
    const seen = partnerCalls.map((c) => `${c.method} ${c.path} ${c.status}`);
    expect(seen).toContain('OPTIONS /v3/directline/tokens/generate 204');
    expect(seen).toContain('POST /v3/directline/tokens/generate 200');
    expect(seen).toContain('POST /v3/directline/conversations 201');
    expect(seen).toContain('OPTIONS /v3/directline/conversations/:id/activities 204');
    expect(seen.filter((c) => c === 'POST /v3/directline/conversations/:id/activities 200').length).toBeGreaterThanOrEqual(3);
    const preflighted = new Set(partnerCalls.flatMap((c) => (c.requestHeaders ?? '').split(',').map((h) => h.trim().toLowerCase())).filter(Boolean));
    expect([...preflighted].sort()).toEqual(['authorization', 'content-type', 'x-ms-bot-agent', 'x-requested-with']);
    expect(partnerCalls.filter((c) => c.status >= 400)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('on an origin not allowed: refused with 403 at the first call, and the widget says it is unavailable', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(`${strangerBase}/`);
    await page.locator('.anchorline-launcher').click();
    await page.getByText('Sorry, the chat is not working right now.', { exact: false }).waitFor({ timeout: 20_000 });
    // Nothing half-works: no conversation started, no bubbles, no send box.
    expect(await botBubbles(page).count()).toBe(0);
    expect(await page.locator(SEND_BOX).count()).toBe(0);
    expect(from(strangerBase).map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual(['OPTIONS /v3/directline/tokens/generate 403']);
    await page.screenshot({ path: `${ARTIFACTS}/widget-refused-origin.png` });
    await context.close();
  });
});

/**
 * Issue 11, item 8: an Urdu conversation in Chromium is written in Noto Nastaliq Urdu (served by
 * our server, no CDN), and Web Chat's own strings are Urdu. Screenshot in test/artifacts/.
 */
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../helpers/chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWidgetRoutes } from '../../../src/channels/web/widget/createWidgetRoutes.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { serveDirectLine, silentLogger } from './directLineHarness.ts';
import { createRealEngine } from './realEngine.ts';

const ARTIFACTS = 'test/artifacts';
const SEND_BOX = '[data-id="webchat-sendbox-input"]';

const PAGE = `<!doctype html><html lang="ur" dir="rtl"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Partner</title></head>
<body><main><h1>ملازمتیں</h1></main><script src="/widget.js" async></script></body></html>`;

let t: TestDb;
let close: () => Promise<void>;
let base: string;
let browser: Browser;
const fontRequests: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  t = await createTestDb();
  const engine = await createRealEngine(t.db);
  ({ base, close } = await serveDirectLine({ db: t.db, engine, logger: silentLogger, tokenSigningKey: 'k'.repeat(32), widgetOrigins: [] }, (app) => {
    app.use((req, _res, next) => {
      if (req.path.startsWith('/fonts/')) fontRequests.push(req.path);
      next();
    });
    app.get('/partner.html', (_req, res) => {
      res.type('html').send(PAGE);
    });
    app.use(createWidgetRoutes({ partnerName: 'Anchor Network', partnerColour: '#005eb8' }));
  }));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await close?.();
  await t?.close();
});

describe('an Urdu conversation in Chromium', () => {
  it('is written in Noto Nastaliq Urdu from our server, with Web Chat strings in Urdu', async () => {
    const context = await browser.newContext({ viewport: { width: 420, height: 844 }, locale: 'ur-PK' });
    const page = await context.newPage();
    // Nothing from another host: no font CDN.
    const foreign: string[] = [];
    page.on('request', (r) => {
      // blob: URLs are Web Chat's own in-page workers.
      if (!r.url().startsWith(base) && !/^(data|blob):/.test(r.url())) foreign.push(r.url());
    });
    await page.goto(`${base}/partner.html`);
    await page.locator('.anchorline-launcher').click();
    const bot = page.locator('.webchat__bubble:not(.webchat__bubble--from-user) .webchat__bubble__content');
    await expect.poll(() => bot.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await page.locator(SEND_BOX).fill('اردو');
    await page.locator(SEND_BOX).press('Enter');
    // The bot answers in Urdu (the consent notice).
    await expect.poll(() => page.getByText('شروع کرنے سے پہلے', { exact: false }).count(), { timeout: 15_000 }).toBeGreaterThan(0);

    const family = await bot.last().evaluate((el) => getComputedStyle(el).fontFamily);
    expect(family.split(',')[0]).toMatch(/Noto Nastaliq Urdu/);
    // The font really loaded (not a fallback): the browser has it for Urdu text.
    await page.evaluate(() => document.fonts.ready);
    await expect.poll(() => page.evaluate(() => document.fonts.check('16px "Noto Nastaliq Urdu"', 'اردو')), { timeout: 10_000 }).toBe(true);
    const loaded = await page.evaluate(() => [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family.replace(/"/g, '')));
    expect(loaded).toContain('Noto Nastaliq Urdu');
    expect(fontRequests.some((p) => p.includes('noto-nastaliq-urdu-arabic-400-normal.woff2'))).toBe(true);
    expect(foreign).toEqual([]);

    // Web Chat's own strings: the send box, and the time under a message ("Just now").
    expect(await page.locator(SEND_BOX).getAttribute('placeholder')).toBe('اپنا پیغام لکھیں');
    await expect.poll(() => page.getByText('ابھی ابھی').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await page.getByText('Just now').count()).toBe(0);
    await page.screenshot({ path: `${ARTIFACTS}/widget-urdu-nastaliq.png` });
    await context.close();
  });

  it('serves the fonts to partners’ sites: a stylesheet and woff2 files readable from any origin', async () => {
    const css = await fetch(`${base}/fonts/fonts.css`);
    expect(css.headers.get('access-control-allow-origin')).toBe('*');
    const text = await css.text();
    expect(text).toContain("font-family: 'Noto Nastaliq Urdu'");
    expect(text).toContain("font-family: 'Noto Naskh Arabic'");
    expect(text).toContain("font-family: 'Noto Sans Bengali'");
    expect(text).toContain("font-family: 'Noto Sans Gurmukhi'");
    const urls = [...text.matchAll(/url\(([^)]+)\)/g)].map((m) => m[1]!);
    // Four families, regular and bold, each only its own script's subset (no Latin files).
    expect(urls).toHaveLength(8);
    expect(urls.filter((u) => !/-(arabic|bengali|gurmukhi)-(400|700)-normal\.woff2$/.test(u))).toEqual([]);
    for (const u of urls) {
      const r = await fetch(new URL(u, `${base}/fonts/fonts.css`));
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('font/woff2');
      expect(r.headers.get('access-control-allow-origin')).toBe('*');
    }
    expect((await fetch(`${base}/fonts/noto-nastaliq-urdu/../../package.json`)).status).toBe(404);
  });
});

/**
 * Issue 15 in Debian's Chromium: an operator signs in on the form, opens the dashboard on a seeded
 * population, narrows it to decile 1 with the filter form, sees the figures change, and the page
 * passes axe (WCAG 2.2 AA) under its own CSP, with no script. Screenshots go to test/artifacts/
 * (docs/screenshots/outcomes-dashboard.png is a copy made by hand, so a test run never changes a
 * committed file); the load times to outcomes-timings.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type RunningApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { axeViolations } from '../helpers/axe.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { silent } from '../helpers/flowDir.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';
import { CONSENTED_TOTAL, DECILE1_TOTAL, JOBCLUB, PIONEER, seedPopulation } from './dashboardPopulation.ts';

const ARTIFACTS = 'test/artifacts';
const OPERATOR = 'outcomes-browser-Zr8Q2mV7xLp4KtN9wB3yH6cJ1fD';

describe('the outcomes dashboard in a browser', () => {
  let t: TestDb;
  let app: RunningApp;
  let browser: Browser;
  let base: string;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await createTestDb();
    app = await buildApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'silent', ADMIN_TOKEN: OPERATOR }), { db: t.db, logger: silent, workers: false });
    base = `http://127.0.0.1:${app.server.port}`;
    await seedPopulation(t.db, new Date('2026-10-01T00:00:00Z'));
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    writeFileSync(`${ARTIFACTS}/outcomes-timings.json`, JSON.stringify(timings, null, 2));
    await browser?.close();
    await app?.close();
    await t?.close();
  });

  /** The funnel table's figure for a stage, as the page shows it. */
  const funnelFigure = (page: Page, stage: string) => page.locator('#table-funnel tbody tr').filter({ has: page.locator(`th:text-is("${stage}")`) }).locator('td').first().textContent();

  it('sign in, see the month, filter to decile 1, figures change, no axe violations', { timeout: 120_000 }, async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const scripts: string[] = [];
    page.on('request', (r) => r.resourceType() === 'script' && scripts.push(r.url()));

    await page.goto(`${base}/admin/outcomes`);
    expect(await page.locator('h1').textContent()).toBe('Please sign in');
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Operator token or partner credential').fill(OPERATOR);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/admin/outcomes`);
    expect(await page.locator('h1').textContent()).toBe('Reach and outcomes');

    // October 2026, through the form as a coordinator would.
    await page.getByLabel('From', { exact: true }).fill('2026-10-01');
    await page.getByLabel('To (inclusive)', { exact: true }).fill('2026-10-31');
    let t0 = Date.now();
    await page.getByRole('button', { name: 'Show figures' }).click();
    await page.waitForURL(/from=2026-10-01/);
    timings['dashboardMs'] = Date.now() - t0;
    expect(await funnelFigure(page, 'Consented')).toBe(String(CONSENTED_TOTAL));
    expect(await page.locator('#table-decile1-by-route').textContent()).toContain(PIONEER.label);
    expect(await page.locator('#table-by-route').textContent()).toContain(JOBCLUB.label);
    // Every chart is an image named by its title.
    expect(await page.locator('svg[role="img"]').count()).toBe(8);
    expect(await page.getByRole('img', { name: 'Residents at each stage of the funnel' }).isVisible()).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/outcomes-dashboard.png`, fullPage: true });
    const violations = await axeViolations(page, `${ARTIFACTS}/outcomes-axe.json`);
    expect(violations).toEqual([]);

    // Decile 1 only: the figures change to Pioneer's decile-1 residents.
    await page.getByLabel('IMD decile', { exact: true }).selectOption('1');
    t0 = Date.now();
    await page.getByRole('button', { name: 'Show figures' }).click();
    await page.waitForURL(/decile=1/);
    timings['filteredMs'] = Date.now() - t0;
    expect(await funnelFigure(page, 'Consented')).toBe(String(DECILE1_TOTAL));
    expect(await page.locator('#table-by-route').textContent()).not.toContain(JOBCLUB.label);
    await page.screenshot({ path: `${ARTIFACTS}/outcomes-dashboard-decile1.png`, fullPage: true });
    expect(await axeViolations(page)).toEqual([]);

    // A bad value typed into the address is answered on the page.
    await page.goto(`${base}/admin/outcomes?decile=11`);
    expect(await page.getByRole('alert').textContent()).toContain('IMD decile: a decile from 1 to 10');

    // Sign out: the cookie no longer opens the dashboard.
    await page.goto(`${base}/admin/outcomes`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/admin/outcomes/signin`);
    await page.goto(`${base}/admin/outcomes`);
    expect(await page.locator('h1').textContent()).toBe('Please sign in');
    expect(scripts).toEqual([]);
  });
});

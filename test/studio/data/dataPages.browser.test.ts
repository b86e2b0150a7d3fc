/**
 * The programme data pages in Debian's Chromium: axe-core on every page (and on a form showing
 * its errors) with no violations, keyboard use of the error summary, and a screenshot of each page
 * in test/artifacts/studio-data-*.png (git-ignored).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookSession } from '../../../src/domain/courses/bookSession.ts';
import { addConversations } from '../../domain/courses/fixtures.ts';
import { launchChromium } from '../../helpers/chromium.ts';
import { courseOptions, NOW, startStudioData, type StudioDataFixture } from './studioDataFixture.ts';

const ARTIFACTS = 'test/artifacts';
const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown }>;
}

async function axeViolations(page: Page): Promise<Array<{ id: string; impact: string | null; help: string; nodes: unknown[] }>> {
  await page.addScriptTag({ content: AXE });
  const result = (await page.evaluate(() =>
    (window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<unknown> } }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    }),
  )) as { violations: AxeViolation[] };
  return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target) }));
}

describe('programme data pages in Chromium', () => {
  let f: StudioDataFixture;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    f = await startStudioData({ stylesheet: true });
    // Someone booked and someone waiting, so the pages show real counts.
    await f.t.db.query(`UPDATE course_sessions SET capacity = 1 WHERE id = 'ican-admin-2027-01-18'`);
    const [a, b] = await addConversations(f.t.db, 'seen', 2);
    for (const who of [a!, b!]) {
      await f.t.db.transaction((tx) => bookSession(tx, { conversationId: who, sessionId: 'ican-admin-2027-01-18' }, { now: NOW, options: courseOptions }));
    }
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, extraHTTPHeaders: { 'x-test-role': 'coordinator' } });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await f?.close();
  });

  const pages: Array<[string, string, string]> = [
    ['overview', '/', 'Programme data'],
    ['programmes', '/programmes', 'Programmes'],
    ['programme', '/programmes/hospitality-to-health', 'Programme: Hospitality to Health'],
    ['course', '/courses/ican-admin', 'Course: I Can - administration'],
    ['cancel-session', '/sessions/ican-admin-2027-01-18/cancel', 'Cancel session ican-admin-2027-01-18?'],
    ['partner', '/partners/uhb', 'Partner: University Hospitals Birmingham NHS Foundation Trust'],
  ];

  for (const [name, path, heading] of pages) {
    it(`${name}: axe finds no violations; every request the page makes (stylesheet, icon) is answered; screenshot saved`, async () => {
      const page = await context.newPage();
      const answered: string[] = [];
      page.on('response', (r) => answered.push(`${r.status()} ${new URL(r.url()).pathname}`));
      // The browser asks for an icon after the page has loaded: the layout names one, so it is not a /favicon.ico 404 (a console error).
      const icon = page.waitForResponse((r) => new URL(r.url()).pathname === '/studio/assets/icon.svg');
      const res = await page.goto(`${f.base}${path}`, { waitUntil: 'networkidle' });
      expect(res?.status()).toBe(200);
      expect((await icon).status()).toBe(200);
      expect(answered.filter((a) => !a.startsWith('200 '))).toEqual([]);
      expect(answered).toContain('200 /studio/assets/studio.css');
      expect(await page.locator('h1').innerText()).toBe(heading);
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: `${ARTIFACTS}/studio-data-${name}.png`, fullPage: true });
      await page.close();
    });
  }

  it('a session form with mistakes: errors next to the fields and in the summary, whose links take the keyboard to the field; no axe violations', async () => {
    const page = await context.newPage();
    await page.goto(`${f.base}/courses/ican-admin`);
    await page.getByLabel('Session id', { exact: true }).fill('ican-admin-2027-05-10');
    await page.getByLabel('Date', { exact: true }).fill('2027-05-10');
    await page.getByLabel('Start time', { exact: true }).fill('13:00');
    await page.getByLabel('End time', { exact: true }).fill('16:00');
    await page.getByLabel('Venue address', { exact: true }).fill('4 Broad Street, Birmingham');
    await page.getByLabel('Capacity (seats)', { exact: true }).fill('900');
    await page.getByRole('button', { name: 'Add session' }).click();
    await page.waitForURL(`${f.base}/courses/ican-admin/sessions`);
    expect(await page.title()).toMatch(/^Error: /);
    const summary = page.locator('.error-summary');
    expect(await summary.locator('li').allInnerTexts()).toEqual(['Venue name: Enter a value', 'Step-free access to the venue?: Enter a value', 'Capacity (seats): Enter 500 or less']);
    expect((await page.locator('#f-add-capacity-error').textContent())?.replace(/\s+/g, ' ')).toBe('Error: Enter 500 or less');
    expect(await page.getByLabel('Venue address', { exact: true }).inputValue()).toBe('4 Broad Street, Birmingham');
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/studio-data-course-errors.png`, fullPage: true });

    await summary.getByRole('link', { name: 'Capacity (seats): Enter 500 or less' }).focus();
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-add-capacity');
    await page.close();
  });

  it('closing a vacancy by keyboard shows what was done; no axe violations', async () => {
    const page = await context.newPage();
    await page.goto(`${f.base}/partners/uhb`);
    await page.getByRole('button', { name: 'Close now uhb-porter-heartlands-2027-1' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/done=vacancyClosed/);
    expect(await page.getByRole('status').innerText()).toContain('Vacancy uhb-porter-heartlands-2027-1 is closed');
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/studio-data-partner-closed.png`, fullPage: true });
    await page.close();
  });
});

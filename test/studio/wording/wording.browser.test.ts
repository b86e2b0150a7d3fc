/**
 * The wording view in Debian Chromium: a translator finds the texts that need work by their
 * labels, fixes one with the keyboard and saves; axe-core finds no WCAG 2.2 AA violation.
 * Screenshot and axe report go to test/artifacts/ (git-ignored).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Draft } from '../../../src/studio/ports.ts';
import { launchChromium } from '../../helpers/chromium.ts';
import { studioApp, type StudioApp } from '../flows/studioApp.ts';

const ARTIFACTS = 'test/artifacts';
const UR = 'locales/ur/journey.json';
const require = createRequire(import.meta.url);

describe('studio wording view in the browser', () => {
  let s: StudioApp;
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    s = await studioApp({ pages: true });
    // A draft with work to do: a missing translation and one whose placeholder was lost.
    const d = (await s.api<Draft>('coordinator', 'GET', '/draft')).body;
    const ur = JSON.parse(d.files[UR]!) as { journey: Record<string, unknown> };
    delete ur.journey['finish'];
    ur.journey['waitlisted'] = 'یہ کورس بھر گیا ہے۔';
    const saved = await s.api('coordinator', 'PUT', '/draft/files', { revision: d.revision, files: { [UR]: `${JSON.stringify(ur, null, 2)}\n` } });
    if (saved.status !== 200) throw new Error(`the crafted draft was not saved: ${saved.status}`);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('shows what needs work in words, saves a translation typed with the keyboard, and passes axe', async () => {
    // The page's CSP allows no inline script; axe is injected by the test, not by the page.
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 }, extraHTTPHeaders: { 'x-test-staff': 'translator' } });
    const page = await context.newPage();
    await page.goto(`${s.base}/studio/wording?namespace=journey`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Wording');

    const finishRow = page.locator('tr', { has: page.locator('code', { hasText: /^journey\.finish$/ }) });
    await expect(finishRow.locator('strong.flag').allTextContents()).resolves.toEqual(['missing']);
    const waitRow = page.locator('tr', { has: page.locator('code', { hasText: /^journey\.waitlisted$/ }) });
    await expect(waitRow.locator('strong.flag').allTextContents()).resolves.toEqual(['placeholders differ from the English']);

    const urdu = page.getByLabel('Urdu').and(page.locator('[name="t:ur:journey:journey.finish"]'));
    await expect(urdu.getAttribute('dir')).resolves.toBe('rtl');
    await urdu.focus();
    await page.keyboard.type('ختم کریں');

    await page.addScriptTag({ content: readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8') });
    const result = (await page.evaluate(() =>
      (window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<unknown> } }).axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      }),
    )) as { violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown }> }>; passes: unknown[] };
    const summary = result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target).slice(0, 5) }));
    writeFileSync(`${ARTIFACTS}/axe-studio-wording.json`, JSON.stringify({ passes: result.passes.length, violations: summary }, null, 2));
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${ARTIFACTS}/studio-wording.png`, fullPage: false });
    expect(summary).toEqual([]);

    await page.getByRole('button', { name: 'Save changes to the draft' }).press('Enter');
    await page.waitForURL(/saved=1/);
    await expect(page.getByRole('status').textContent()).resolves.toBe('Saved 1 text in the draft.');
    await expect(finishRow.locator('strong.flag').count()).resolves.toBe(0);
    const draft = (await s.api<Draft>('viewer', 'GET', '/draft')).body;
    expect((JSON.parse(draft.files[UR]!) as { journey: Record<string, unknown> }).journey['finish']).toBe('ختم کریں');
    await context.close();
  });
});

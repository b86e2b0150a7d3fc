/**
 * The preview page in Debian Chromium (playwright-core): the real Web Chat in the side panel,
 * fed by the page's Direct-Line-shaped object, talking to the draft through the preview API on
 * the real HTTP edge, real engine and real Postgres. Screenshot and axe report in test/artifacts/.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import express from 'express';
import type { Browser, Page } from 'playwright-core';
import { parse } from 'yaml';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../helpers/chromium.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { startPreviewServer, type PreviewServer } from './previewHarness.ts';

const ARTIFACTS = 'test/artifacts';
const require = createRequire(import.meta.url);

let t: TestDb;
let preview: PreviewServer;
let browser: Browser;

/** The draft part's API as its contract says (GET /studio/api/draft, PUT /studio/api/draft/files), recording what was saved. */
const draftApi = { revision: 4, saved: [] as Array<{ revision: number; files: Record<string, string>; base?: Record<string, string | null> | undefined }> };
function draftRoutes(): express.Router {
  const r = express.Router();
  r.get('/api/draft', (_req, res) => void res.json({ revision: draftApi.revision, files: {}, changed: [] }));
  r.put('/api/draft/files', (req, res) => {
    const body = z.object({ revision: z.number(), files: z.record(z.string(), z.string()), base: z.record(z.string(), z.string().nullable()).optional() }).parse(req.body);
    if (body.revision !== draftApi.revision) return void res.status(409).json({ error: { code: 'draft_conflict', message: 'the draft moved on' } });
    draftApi.saved.push(body);
    draftApi.revision++;
    res.json({ revision: draftApi.revision });
  });
  return r;
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  t = await createTestDb();
  preview = await startPreviewServer(t.db, { routes: [draftRoutes()] });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await preview?.close();
  await t?.close();
});

const SEND_BOX = '[data-id="webchat-sendbox-input"]';
const suggested = (page: Page, name: string) => page.getByRole('toolbar', { name: 'Suggested actions' }).getByRole('button', { name, exact: true });
const botBubbles = (page: Page) => page.locator('.webchat__bubble:not(.webchat__bubble--from-user)');
const userBubbles = (page: Page) => page.locator('.webchat__bubble--from-user');

describe('the preview page in Chromium', () => {
  it('starts a preview under the page’s own CSP: Web Chat shows the greeting, a clicked and a typed answer as sent, and the next question; saves it as a flow test', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // Anything the page's CSP refused (Web Chat's inline styles, images) would show here.
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) errors.push(m.text());
    });
    // Web Chat, the stylesheet and the icon all come from this origin, each from the one route that serves it.
    const answered: string[] = [];
    page.on('response', (r) => answered.push(`${r.status()} ${new URL(r.url()).pathname}`));
    // The browser asks for the icon after the page has loaded.
    const icon = page.waitForResponse((r) => new URL(r.url()).pathname === '/studio/assets/icon.svg');
    await page.goto(`${preview.base}/studio/preview`, { waitUntil: 'networkidle' });
    expect((await icon).status()).toBe(200);
    expect(answered.filter((a) => !a.startsWith('200 ') && !a.startsWith('201 '))).toEqual([]);
    expect(answered).toEqual(expect.arrayContaining([expect.stringMatching(/^200 \/webchat\/[0-9.]+\/webchat\.js$/), '200 /studio/assets/studio.css']));
    expect(await page.getByRole('note').textContent()).toBe('Preview of the draft: nothing is saved; bookings, applications and handoffs are undone after each message');
    await page.getByRole('button', { name: 'Start the preview' }).click();

    await botBubbles(page).filter({ hasText: 'Hello! I am Anchorline.' }).first().waitFor({ timeout: 20_000 });
    // The language question offers the eight languages, each named in itself, in Web Chat's
    // carousel (its "<" and ">" buttons scroll it).
    await suggested(page, 'English').waitFor({ timeout: 15_000 });
    const offered = await page.getByRole('toolbar', { name: 'Suggested actions' }).getByRole('button').allTextContents();
    expect(offered.map((x) => x.trim())).toEqual(['<', 'English', 'اردو', 'ਪੰਜਾਬੀ', 'বাংলা', 'العربية', 'Română', 'Polski', 'Soomaali', '>']);
    await suggested(page, 'English').click();
    await botBubbles(page).filter({ hasText: 'Is it OK for us to keep your answers?' }).first().waitFor({ timeout: 15_000 });
    await page.locator(SEND_BOX).fill('yes');
    await page.locator(SEND_BOX).press('Enter');
    await botBubbles(page).filter({ hasText: 'How old are you?' }).first().waitFor({ timeout: 15_000 });
    // What the coordinator clicked and typed shows as sent, from them, in the order it happened.
    const transcript = (await page.locator('.webchat__bubble').allTextContents()).map((x) => x.trim());
    const at = (text: string) => transcript.findIndex((x) => x.includes(text));
    expect(at('Which language would you like to use?')).toBeLessThan(at('English'));
    expect(at('English')).toBeLessThan(at('Is it OK for us to keep your answers?'));
    expect(at('Is it OK for us to keep your answers?')).toBeLessThan(transcript.indexOf('yes'));
    expect(transcript.indexOf('yes')).toBeLessThan(at('How old are you?'));
    await expect(userBubbles(page).filter({ hasText: 'English' }).count()).resolves.toBeGreaterThan(0);
    await expect(userBubbles(page).filter({ hasText: /^yes$/ }).count()).resolves.toBe(1);
    expect(await page.locator('#preview-status').textContent()).toBe('Preview started from the greeting.');

    await page.screenshot({ path: `${ARTIFACTS}/studio-preview.png` });

    // "Save this conversation as a flow test": into the draft, on the revision it read.
    await page.getByLabel('Test name').fill('Consent given (browser)');
    await page.getByRole('button', { name: 'Save as a flow test' }).click();
    await page.locator('#preview-status', { hasText: 'Saved flows/tests/consent-given-browser.test.yaml in the draft.' }).waitFor({ timeout: 10_000 });
    expect(draftApi.saved).toHaveLength(1);
    expect(draftApi.saved[0]!.revision).toBe(4);
    // A new file (null base): saves of other files meanwhile do not refuse it.
    expect(draftApi.saved[0]!.base).toEqual({ 'flows/tests/consent-given-browser.test.yaml': null });
    const saved = parse(draftApi.saved[0]!.files['flows/tests/consent-given-browser.test.yaml']!) as { steps: unknown[] };
    expect(saved.steps).toEqual([
      { click: 'cmd:start' },
      { expect: ['welcome.greeting', 'welcome.languageQuestion'], choices: ['en', 'ur', 'pa', 'bn', 'ar', 'ro', 'pl', 'so'] },
      { click: 'en' },
      { expect: ['consent.notice', 'consent.question'], choices: ['yes', 'no'] },
      { send: 'yes' },
      { expect: ['consent.thanks', 'about.ageQuestion'] },
    ]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('axe-core finds no violations on the page with a preview running', async () => {
    // axe is injected by the test as an inline script, which the page's CSP rightly refuses.
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${preview.base}/studio/preview`);
    await page.getByRole('button', { name: 'Start the preview' }).click();
    await suggested(page, 'English').waitFor({ timeout: 20_000 });
    await page.addScriptTag({ content: readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8') });
    const result = (await page.evaluate(() =>
      (window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<unknown> } }).axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      }),
    )) as { violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown }> }>; passes: unknown[] };
    const summary = result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target) }));
    writeFileSync(`${ARTIFACTS}/axe-studio-preview.json`, JSON.stringify({ passes: result.passes.length, violations: summary }, null, 2));
    expect(summary).toEqual([]);
    await context.close();
  });

  it('starts at a question with sample answers typed in the form', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${preview.base}/studio/preview`);
    await page.getByLabel('Start at').selectOption('licence');
    for (const [name, value] of [['age', '19'], ['job_families', 'medical']]) {
      await page.getByRole('button', { name: 'Add an answer' }).click();
      await page.getByLabel('Answer name').last().fill(name!);
      await page.getByLabel('Value').last().fill(value!);
    }
    await page.getByRole('button', { name: 'Start the preview' }).click();
    await botBubbles(page).filter({ hasText: 'driving licence' }).first().waitFor({ timeout: 20_000 });
    expect(await page.locator('#preview-status').textContent()).toBe('Preview started at licence.');
    // A preview started mid-flow cannot be replayed from the greeting: saving it is not offered.
    expect(await page.getByRole('button', { name: 'Save as a flow test' }).isDisabled()).toBe(true);
    await context.close();
  });
});

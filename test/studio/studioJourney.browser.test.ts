/**
 * Issue 13, end to end in Debian's Chromium: two real server processes (buildApp twice, each on
 * its own connection pool to one PostgreSQL schema). A resident talks to process B in Web Chat
 * and waits at a question; a coordinator works in the studio on process A:
 * signs in with an invitation link → rewords the next question (English and Urdu) and adds a
 * choice synonym → breaks a step target and sees it at its line, refused on publish → fixes it →
 * previews the draft and books a course place (the seat count does not move) → publishes. The
 * resident's next answer, the new synonym, is understood by process B and answered with the new
 * wording, on that very turn. Then the coordinator reverts. axe-core runs on every studio page
 * (under the pages' own CSP); screenshots and the steps' timings go to test/artifacts/.
 * Only postcodes.io, outside, is stood in for (nock).
 */
import { answerTyseley } from '../helpers/postcodes.ts';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import nock from 'nock';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type RunningApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { inviteStaff } from '../../src/studio/auth/staffAccounts.ts';
import { axeViolations } from '../helpers/axe.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { silent } from '../helpers/flowDir.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';

const ARTIFACTS = 'test/artifacts';
const POSTCODES = 'http://postcodes.test';
const en = JSON.parse(readFileSync('locales/en/core.json', 'utf8')) as { about: Record<string, string> };
const ur = JSON.parse(readFileSync('locales/ur/core.json', 'utf8')) as { about: Record<string, string> };
const OLD_AT_RISK = en.about['atRiskQuestion']!;
const NEW_AT_RISK = 'Might your job end soon? For example, has your manager said so?';
const NEW_AT_RISK_UR = 'کیا آپ کی نوکری جلد ختم ہو سکتی ہے؟ مثال کے طور پر، کیا آپ کے مینیجر نے ایسا کہا ہے؟';
const SYNONYM = 'barista';

let t: TestDb;
let a: RunningApp;
let b: RunningApp;
let browser: Browser;
const timings: Array<{ step: string; ms: number }> = [];

async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await fn();
  timings.push({ step: name, ms: Math.round(performance.now() - t0) });
  return out;
}

const SEND_BOX = '[data-id="webchat-sendbox-input"]';
const botBubbles = (page: Page) => page.locator('.webchat__bubble:not(.webchat__bubble--from-user)');
const suggested = (page: Page, name: string) => page.getByRole('toolbar', { name: 'Suggested actions' }).getByRole('button', { name, exact: true });
async function type(page: Page, text: string): Promise<void> {
  await page.locator(SEND_BOX).fill(text);
  await page.locator(SEND_BOX).press('Enter');
}
const said = (page: Page, text: string) => botBubbles(page).filter({ hasText: text }).first().waitFor({ timeout: 20_000 });

async function seatsTaken(): Promise<{ taken: number; bookings: number }> {
  const { rows } = await t.db.query<{ taken: number; bookings: number }>(
    'SELECT (SELECT coalesce(sum(taken), 0)::int FROM course_sessions) AS taken, (SELECT count(*)::int FROM bookings) AS bookings',
  );
  return rows[0]!;
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  t = await createTestDb({ driver: 'pg' });
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'silent', POSTCODES_IO_URL: POSTCODES });
  a = await buildApp(config, { db: t.db, logger: silent, workers: false });
  b = await buildApp(config, { db: await t.another(), logger: silent, workers: false });
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  writeFileSync(`${ARTIFACTS}/studio-journey-timings.json`, JSON.stringify(timings, null, 2));
  console.error(`[studio journey] ${timings.map((s) => `${s.step} ${s.ms} ms`).join('; ')}`);
  await browser?.close();
  await b?.close();
  await a?.close();
  await t?.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('a coordinator changes a question in the studio; a resident mid-conversation on another process gets it at their next question', () => {
  it('sign in → wording and synonym → broken target refused at its line → fixed → preview books nothing → publish → the resident sees it → revert', { timeout: 300_000 }, async () => {
    const studio = `http://localhost:${a.server.port}`;
    const pageErrors: string[] = [];

    // The resident, on process B, answers two questions and waits at "What are you doing at the moment?".
    const resident = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await step('resident reaches the work question (process B)', async () => {
      await resident.goto(`http://127.0.0.1:${b.server.port}/`);
      await suggested(resident, 'English').click({ timeout: 20_000 });
      await suggested(resident, 'Yes').click({ timeout: 10_000 });
      await said(resident, en.about['ageQuestion']!);
      await type(resident, '30');
      await said(resident, en.about['workQuestion']!);
    });

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const visit = async (name: string) => {
      await page.screenshot({ path: `${ARTIFACTS}/studio-journey-${name}.png`, fullPage: false });
      expect(await axeViolations(page, `${ARTIFACTS}/axe-studio-journey-${name}.json`)).toEqual([]);
    };

    await step('sign in with the invitation link', async () => {
      const invited = await inviteStaff(t.db, { email: 'coordinator@network.test', role: 'coordinator' }, { publicUrl: studio, inviteHours: 1, now: new Date() });
      await page.goto(invited.link.url);
      await visit('signin');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${studio}/studio/flows`);
      await page.locator('a[href="/studio/flows/about_you"]').waitFor({ timeout: 30_000 });
      await visit('flows');
    });

    await step('reword the question in English and Urdu', async () => {
      await page.goto(`${studio}/studio/wording?q=about.atRiskQuestion`);
      const row = page.locator('tr', { has: page.locator('code', { hasText: /^about\.atRiskQuestion$/ }) });
      await row.locator('textarea[lang="en"]').fill(NEW_AT_RISK);
      expect(await row.locator('textarea[lang="ur"]').getAttribute('dir')).toBe('rtl');
      await row.locator('textarea[lang="ur"]').fill(NEW_AT_RISK_UR);
      await page.getByRole('button', { name: 'Save changes to the draft' }).click();
      await page.getByRole('status').filter({ hasText: 'Saved 2 texts in the draft.' }).waitFor();
      await visit('wording');
    });

    await step('add a choice synonym', async () => {
      await page.goto(`${studio}/studio/wording?q=about.work.hospitalityWords`);
      const words = page.locator('tr', { has: page.locator('code', { hasText: /^about\.work\.hospitalityWords$/ }) }).locator('textarea[lang="en"]');
      await words.fill(`${(await words.inputValue()).trimEnd()}\n${SYNONYM}`);
      await page.getByRole('button', { name: 'Save changes to the draft' }).click();
      await page.getByRole('status').filter({ hasText: 'Saved 1 text in the draft.' }).waitFor();
    });

    let brokenLine = 0;
    await step('break a step target: shown at its line, publish refused', async () => {
      await page.goto(`${studio}/studio/flows/about_you`);
      await page.locator('#step-at_risk').click({ timeout: 30_000 });
      const next = page.locator('#f-steps-at_risk-next');
      expect(await next.inputValue()).toBe('right_to_work');
      await next.fill('right_to_wrok');
      await next.press('Tab');
      // The unknown target, and the step it no longer reaches.
      await expect.poll(() => page.locator('#status').innerText(), { timeout: 20_000 }).toMatch(/^Saved\. [1-9]\d* problems? \([1-9]\d* errors?\)\.$/);
      await page.locator('.cm-lintRange-error', { hasText: /^right_to_wrok$/ }).waitFor();
      const draft = (await (await page.request.get(`${studio}/studio/api/draft`)).json()) as { files: Record<string, string> };
      brokenLine = draft.files['flows/about_you.flow.yaml']!.split('\n').indexOf('    next: right_to_wrok') + 1;
      expect(brokenLine).toBeGreaterThan(0);
      await visit('editor-broken');

      await page.goto(`${studio}/studio/publish`);
      await page.getByRole('heading', { name: /^Problems: [1-9]\d* blocking/ }).waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: 'Publish', exact: true }).click();
      const refusal = page.locator('#publish-result');
      await expect.poll(() => refusal.innerText(), { timeout: 60_000 }).toContain(`about_you.flow.yaml:${brokenLine}`);
      expect(await refusal.innerText()).toContain('(did you mean "right_to_work"?)');
      expect((await a.catalog.current.translator.t('en')('about.atRiskQuestion')) as string).toBe(OLD_AT_RISK);
    });

    await step('fix it in the editor', async () => {
      await page.goto(`${studio}/studio/flows/about_you`);
      await page.locator('#step-at_risk').click({ timeout: 30_000 });
      await page.locator('#f-steps-at_risk-next').fill('right_to_work');
      await page.locator('#f-steps-at_risk-next').press('Tab');
      await expect.poll(() => page.locator('#status').innerText(), { timeout: 20_000 }).toBe('Saved. No problems.');
      await visit('editor');
    });

    await step('preview the draft: book a course place, and no seat is taken', async () => {
      answerTyseley(POSTCODES);
      const before = await seatsTaken();
      await page.goto(`${studio}/studio/preview`);
      await page.getByRole('button', { name: 'Start the preview' }).click();
      await suggested(page, 'English').click({ timeout: 30_000 });
      await suggested(page, 'Yes').click({ timeout: 10_000 });
      await said(page, en.about['ageQuestion']!);
      await type(page, '19');
      await said(page, en.about['workQuestion']!);
      // The draft's new synonym is understood in the preview already; its new wording is asked.
      await type(page, SYNONYM);
      await said(page, NEW_AT_RISK);
      await type(page, 'no');
      await said(page, en.about['rightToWorkQuestion']!.slice(0, 30));
      await type(page, 'yes');
      await said(page, en.about['postcodeQuestion']!.slice(0, 20));
      await type(page, 'b11 3aa');
      const sessionButton = page.getByRole('toolbar', { name: 'Suggested actions' }).getByRole('button', { name: / 2027, / }).first();
      await sessionButton.waitFor({ timeout: 20_000 });
      await visit('preview');
      await sessionButton.click();
      await said(page, 'Your place is booked');
      expect(await seatsTaken()).toEqual(before);
      expect(pageErrors).toEqual([]);
    });

    await step('publish', async () => {
      await page.goto(`${studio}/studio/publish`);
      await page.getByRole('heading', { name: /^Problems: 0 blocking/ }).waitFor({ timeout: 30_000 });
      // The live-conversation report lists the resident waiting on process B.
      const report = await page.locator('#publish').innerText();
      writeFileSync(`${ARTIFACTS}/studio-journey-publish-report.txt`, report);
      expect(report).toContain('1 conversation in progress; 0 would be orphaned');
      expect(report).toMatch(/main\t[0-9a-f]+\tabout\.work\t1\tcarries on/);
      await visit('publish');
      await page.getByLabel('Note (what changed and why)').fill('Plainer at-risk question; "barista" counts as hospitality');
      await page.getByRole('button', { name: 'Publish', exact: true }).click();
      await page.locator('#publish-result .done').waitFor({ timeout: 120_000 });
    });

    await step('the resident types the new synonym and gets the new wording (process B, same turn)', async () => {
      await type(resident, SYNONYM);
      await said(resident, NEW_AT_RISK);
      await resident.screenshot({ path: `${ARTIFACTS}/studio-journey-resident-new-wording.png` });
      expect(b.catalog.current.translator.t('ur')('about.atRiskQuestion')).toBe(NEW_AT_RISK_UR);
      expect(ur.about['atRiskQuestion']).not.toBe(NEW_AT_RISK_UR);
    });

    await step('history shows the change; revert to the release before', async () => {
      await page.goto(`${studio}/studio/history`);
      const releases = (await (await page.request.get(`${studio}/studio/api/releases`)).json()) as { releases: Array<{ id: number; live: boolean }> };
      const [published, previous] = releases.releases;
      expect(published!.live).toBe(true);
      await page.locator(`#revert-${previous!.id}`).waitFor({ timeout: 30_000 });
      await visit('history');
      await page.locator(`#revert-${previous!.id}`).click();
      await page.getByRole('button', { name: `Yes, publish release ${previous!.id} again` }).click();
      await page.getByText(/^Reverted: release \d+ is live\./).waitFor({ timeout: 120_000 });
    });

    await step('after the revert the old wording is live in both processes', async () => {
      // Process A switched when it published; process B switches at its next turn (or on NOTIFY).
      expect(a.catalog.current.translator.t('en')('about.atRiskQuestion')).toBe(OLD_AT_RISK);
      await type(resident, 'help');
      await expect.poll(() => b.catalog.current.translator.t('en')('about.atRiskQuestion'), { timeout: 10_000 }).toBe(OLD_AT_RISK);
    });

    await step('programme data page', async () => {
      await page.goto(`${studio}/studio/data/`);
      await visit('data');
    });
    expect(pageErrors).toEqual([]);
  });
});

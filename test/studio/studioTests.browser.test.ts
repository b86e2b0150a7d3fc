/**
 * Issue 13, in Debian Chromium on the real server (buildApp): a coordinator adds a button to a
 * question that a shipped flow test checks the buttons of. Publishing is refused naming that
 * test; the refusal links to the test's source editor, where the coordinator updates its
 * `choices:` line; publishing then goes through. Without the source editor a coordinator would be
 * stuck: the test can only fail. Also: the flows page lists the other files of the draft, and a
 * flow test can be removed from the draft after a confirmation.
 */
import { mkdirSync } from 'node:fs';
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
const TEST_FILE = 'flows/tests/typed-answers-en.test.yaml';
const OLD_CHOICES = '    choices: [administration, facilities, medical, "*"]';
const NEW_CHOICES = '    choices: [administration, facilities, medical, other, "*"]';

let t: TestDb;
let app: RunningApp;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  t = await createTestDb({ driver: 'pg' });
  app = await buildApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'silent' }), { db: t.db, logger: silent, workers: false });
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await t?.close();
});

describe('a coordinator changes a question\'s buttons and the flow test that checks them, in the browser', () => {
  it('add a button → publish refused naming the test → open it from the refusal → update its choices → published', { timeout: 300_000 }, async () => {
    const studio = `http://localhost:${app.server.port}`;
    const pageErrors: string[] = [];
    const page: Page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.setDefaultTimeout(30_000);
    const draft = async () => (await (await page.request.get(`${studio}/studio/api/draft`)).json()) as { files: Record<string, string>; changed: string[] };

    const invited = await inviteStaff(t.db, { email: 'coordinator@network.test', role: 'coordinator' }, { publicUrl: studio, inviteHours: 1, now: new Date() });
    await page.goto(invited.link.url);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${studio}/studio/flows`);

    // The flows page lists the draft's other files, each opening in the source editor.
    const files = page.locator('table.files');
    await files.getByRole('link', { name: 'tests/typed-answers-en.test.yaml' }).waitFor();
    expect(await files.getByRole('link', { name: 'commands.yaml' }).getAttribute('href')).toBe('/studio/files/commands.yaml');
    expect(await files.getByRole('link', { name: 'readability-allow.yaml' }).getAttribute('href')).toBe('/studio/files/readability-allow.yaml');
    expect(await axeViolations(page, `${ARTIFACTS}/axe-studio-tests-flows.json`)).toEqual([]);

    // A fourth button on "Which kinds of job interest you?".
    await page.goto(`${studio}/studio/flows/main`);
    await page.locator('#step-families').click();
    await page.getByRole('button', { name: 'Add choice' }).click();
    await page.locator('#f-steps-families-choices-3-value').fill('other');
    await page.locator('#f-steps-families-choices-3-value').press('Tab');
    await page.locator('#f-steps-families-choices-3-label').fill('about.work.other');
    await page.locator('#f-steps-families-choices-3-label').press('Tab');
    await expect.poll(async () => (await draft()).files['flows/main.flow.yaml'], { timeout: 20_000 }).toContain('      - { value: other, label: about.work.other }\n');
    await expect.poll(() => page.locator('#status').innerText(), { timeout: 20_000 }).toBe('Saved. No problems.');

    // Publish: refused, naming the test, which links to its editor.
    await page.goto(`${studio}/studio/publish`);
    await page.getByRole('heading', { name: /^Problems: 0 blocking/ }).waitFor();
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const link = page.locator('#publish-result ul.failed-tests a', { hasText: TEST_FILE });
    await link.waitFor({ timeout: 120_000 });
    expect(await page.locator('#publish-result ul.failed-tests li').allInnerTexts()).toEqual([expect.stringMatching(/^flows\/tests\/typed-answers-en\.test\.yaml: .*expected choices administration, facilities, medical, \*, got administration, facilities, medical, other, \*/)]);
    await page.screenshot({ path: `${ARTIFACTS}/studio-tests-refused.png` });
    await link.click();
    await page.waitForURL(`${studio}/studio/files/typed-answers-en.test.yaml`);

    // The test's source editor: its choices line gets the new button.
    await page.locator('.cm-content').waitFor();
    await expect.poll(() => page.locator('#status').innerText()).toBe('Editing the draft. No problems.');
    expect(await axeViolations(page, `${ARTIFACTS}/axe-studio-tests-source.json`)).toEqual([]);
    const line = (await draft()).files[TEST_FILE]!.split('\n').indexOf(OLD_CHOICES) + 1;
    expect(line).toBeGreaterThan(0);
    await page.locator('.cm-content').focus();
    await page.keyboard.press('Control+Home');
    for (let i = 1; i < line; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    for (let i = 0; i < '"*"]'.length; i++) await page.keyboard.press('ArrowLeft');
    await page.keyboard.type('other, ');
    await expect.poll(() => page.locator('#status').innerText(), { timeout: 20_000 }).toBe('Saved. No problems.');
    expect((await draft()).files[TEST_FILE]!.split('\n')[line - 1]).toBe(NEW_CHOICES);
    await page.screenshot({ path: `${ARTIFACTS}/studio-tests-source.png` });

    // A flow test can also be removed from the draft, after a confirmation.
    await page.goto(`${studio}/studio/files/fallback.test.yaml`);
    await page.getByRole('button', { name: 'Remove this test from the draft…' }).click();
    await page.getByRole('button', { name: 'No, keep it' }).click();
    expect(Object.keys((await draft()).files)).toContain('flows/tests/fallback.test.yaml');
    await page.getByRole('button', { name: 'Remove this test from the draft…' }).click();
    await page.getByRole('button', { name: 'Yes, remove flows/tests/fallback.test.yaml' }).click();
    await page.waitForURL(`${studio}/studio/flows?removed=1`);
    expect(Object.keys((await draft()).files)).not.toContain('flows/tests/fallback.test.yaml');

    // Publish again: the tests pass, the release is live with the new button.
    await page.goto(`${studio}/studio/publish`);
    await page.getByRole('heading', { name: /^Problems: 0 blocking/ }).waitFor();
    await page.getByLabel('Note (what changed and why)').fill('"Something else" among the job kinds');
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.locator('#publish-result .done').waitFor({ timeout: 120_000 });
    // After a publish the draft is the live release: nothing changed, every file as published.
    const after = (await (await page.request.get(`${studio}/studio/api/draft`)).json()) as { files: Record<string, string>; changed: string[] };
    expect(after.changed).toEqual([]);
    const live = after.files;
    expect(live['flows/main.flow.yaml']).toContain('      - { value: other, label: about.work.other }\n');
    expect(live[TEST_FILE]).toContain(`${NEW_CHOICES}\n`);
    expect(Object.keys(live)).not.toContain('flows/tests/fallback.test.yaml');
    expect(pageErrors).toEqual([]);
  });
});

/**
 * Two people at once, in Debian Chromium, on the real flows API and wording page (issue 13): a
 * coordinator types in the flow editor while a translator saves wording on the Wording page; the
 * editor's next autosave still lands, and both changes are in the draft.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Draft } from '../../../src/studio/ports.ts';
import { launchChromium } from '../../helpers/chromium.ts';
import { studioApp, type StudioApp } from './studioApp.ts';

const MAIN = 'flows/main.flow.yaml';
const UR = 'locales/ur/journey.json';
const SLOW = { timeout: 15_000 };

describe('the flow editor and the wording page saving at the same time', () => {
  let s: StudioApp;
  let browser: Browser;
  beforeAll(async () => {
    s = await studioApp({ pages: true });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  const as = async (role: string): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, extraHTTPHeaders: { 'x-test-staff': role } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  };
  const draft = async () => (await s.api<Draft>('viewer', 'GET', '/draft')).body;

  it('the editor keeps saving while the wording page saves another file', { timeout: 90_000 }, async () => {
    const editor = await as('coordinator');
    await editor.goto(`${s.base}/studio/flows/main`);
    await editor.locator('#step-name').waitFor();
    await editor.locator('.cm-content').focus();
    await editor.keyboard.press('Control+End');
    await editor.keyboard.type('# first note\n');
    await expect.poll(() => editor.locator('#status').innerText(), SLOW).toMatch(/^Saved\./);
    expect((await draft()).files[MAIN]).toContain('# first note\n');

    // Meanwhile a translator saves an Urdu text: a newer revision of the draft.
    const translator = await as('translator');
    await translator.goto(`${s.base}/studio/wording?namespace=journey`);
    const finish = translator.locator('[name="t:ur:journey:journey.finish"]');
    await finish.fill('ختم کریں');
    await translator.getByRole('button', { name: 'Save changes to the draft' }).click();
    await translator.waitForURL(/saved=1/);
    const between = await draft();
    expect(between.updatedBy).toBe('translator@example.org');

    // The coordinator goes on typing, without reloading: the next autosave lands on top.
    await editor.keyboard.type('# second note\n');
    await expect.poll(async () => (await draft()).files[MAIN], SLOW).toContain('# second note\n');
    await expect.poll(() => editor.locator('#status').innerText(), SLOW).toMatch(/^Saved\./);
    const after = await draft();
    expect(after.revision).toBe(between.revision + 1);
    expect(after.files[MAIN]).toContain('# first note\n# second note\n');
    expect((JSON.parse(after.files[UR]!) as { journey: Record<string, unknown> }).journey['finish']).toBe('ختم کریں');
    expect(await editor.locator('#conflict').innerText()).toBe('');
  });
});

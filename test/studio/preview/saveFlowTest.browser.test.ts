/**
 * Issue 13, review item 6, in Debian Chromium: "Save as a flow test" under a name whose file the
 * draft already has asks before replacing it; declining keeps the draft's test, accepting
 * replaces it, and a new name saves without asking.
 */
import express from 'express';
import type { Browser, Dialog, Page } from 'playwright-core';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../helpers/chromium.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { startPreviewServer, type PreviewServer } from './previewHarness.ts';

const EXISTING = 'flows/tests/consent-given.test.yaml';
const HAND_WRITTEN = 'name: Consent given\nsteps:\n  - click: cmd:start\n';

/** The draft API as its contract says, over files the test sets (one flow test already in the draft). */
const draftApi = { revision: 7, files: { [EXISTING]: HAND_WRITTEN } as Record<string, string>, saves: 0 };
function draftRoutes(): express.Router {
  const r = express.Router();
  r.get('/api/draft', (_req, res) => void res.json({ revision: draftApi.revision, files: draftApi.files, changed: [] }));
  r.put('/api/draft/files', (req, res) => {
    const body = z.object({ revision: z.number(), files: z.record(z.string(), z.string()) }).parse(req.body);
    if (body.revision !== draftApi.revision) return void res.status(409).json({ error: { code: 'draft_conflict', message: 'the draft moved on' } });
    Object.assign(draftApi.files, body.files);
    draftApi.saves++;
    draftApi.revision++;
    res.json({ revision: draftApi.revision });
  });
  return r;
}

let t: TestDb;
let preview: PreviewServer;
let browser: Browser;

beforeAll(async () => {
  t = await createTestDb();
  preview = await startPreviewServer(t.db, { routes: [draftRoutes()] });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await preview?.close();
  await t?.close();
});

describe('saving a preview as a flow test under a name the draft already has', () => {
  it('asks first: declining keeps the draft’s test, accepting replaces it, a new name is saved without asking', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page: Page = await context.newPage();
    const asked: string[] = [];
    let answer = false;
    page.on('dialog', (d: Dialog) => {
      asked.push(d.message());
      void (answer ? d.accept() : d.dismiss());
    });
    await page.goto(`${preview.base}/studio/preview`);
    await page.getByRole('button', { name: 'Start the preview' }).click();
    await page.getByRole('toolbar', { name: 'Suggested actions' }).getByRole('button', { name: 'English', exact: true }).click();
    await page.locator('.webchat__bubble', { hasText: 'Is it OK for us to keep your answers?' }).first().waitFor({ timeout: 20_000 });

    const status = page.locator('#preview-status');
    await page.getByLabel('Test name').fill('Consent given');
    await page.getByRole('button', { name: 'Save as a flow test' }).click();
    await status.filter({ hasText: 'Not saved' }).waitFor({ timeout: 10_000 });
    expect(await status.textContent()).toBe(`Not saved: the draft already has ${EXISTING}. Give the test another name to keep both.`);
    expect(asked).toEqual([`The draft already has a flow test in ${EXISTING}. Replace it with this conversation?`]);
    expect(draftApi.files[EXISTING]).toBe(HAND_WRITTEN);
    expect(draftApi.saves).toBe(0);

    answer = true;
    await page.getByRole('button', { name: 'Save as a flow test' }).click();
    await status.filter({ hasText: `Saved ${EXISTING} in the draft.` }).waitFor({ timeout: 10_000 });
    expect(asked).toHaveLength(2);
    expect(draftApi.files[EXISTING]).toContain('click: en');

    await page.getByLabel('Test name').fill('Consent given again');
    await page.getByRole('button', { name: 'Save as a flow test' }).click();
    await status.filter({ hasText: 'Saved flows/tests/consent-given-again.test.yaml in the draft.' }).waitFor({ timeout: 10_000 });
    expect(asked).toHaveLength(2);
    expect(draftApi.saves).toBe(2);
    await context.close();
  });
});

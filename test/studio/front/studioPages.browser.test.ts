/**
 * The studio's pages in Debian Chromium (issue 13): the real pages router and browser bundles
 * against a small in-test implementation of the flows JSON API backed by the shipped files
 * (fakeStudioApi.ts). Screenshots at 1280×800 and axe reports go to test/artifacts/.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseFlowFile } from '../../../src/flows/parseFlowFile.ts';
import { stepKinds } from '../../../src/flows/schema.ts';
import { errorHandler } from '../../../src/http/errorHandler.ts';
import { studioPages } from '../../../src/studio/pages/studioPages.ts';
import { launchChromium } from '../../helpers/chromium.ts';
import { checkDraft, fakeStudio, type FakeStudio } from './fakeStudioApi.ts';

const ARTIFACTS = 'test/artifacts';
const MAIN = 'flows/main.flow.yaml';
const require = createRequire(import.meta.url);
const logger = pino({ level: 'silent' });

let server: http.Server;
let base: string;
let browser: Browser;
let fake: FakeStudio;
let context: BrowserContext;
/** Console errors and CSP reports of every page: the pages must run under their own CSP. */
const browserErrors: string[] = [];
const timings: Record<string, number> = {};

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  fake = fakeStudio();
  const app = express();
  const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  // Same origin, so the page's own CSP (script-src 'self') lets the test load axe.
  app.get('/test/axe.js', (_req, res) => void res.type('text/javascript').send(axeSource));
  app.use('/studio/api', fake.router);
  app.use('/studio', studioPages({ guard: fake.guard, logger, dev: false }));
  app.use(errorHandler(logger));
  server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'Europe/London', locale: 'en-GB' });
}, 60_000);

afterAll(async () => {
  writeFileSync(`${ARTIFACTS}/studio-timings.json`, JSON.stringify(timings, null, 2));
  await browser?.close();
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

// A failed test leaves no page behind whose pending save would change the next test's draft.
afterEach(async () => {
  for (const p of context.pages()) await p.close();
});

async function open(path: string): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (m) => {
    // The refused publish is this suite's own doing: Chromium logs every 4xx answer to fetch.
    if (m.type() === 'error' && !/status of 409 \(Conflict\)/.test(m.text())) browserErrors.push(`${path}: ${m.text()}`);
  });
  page.on('pageerror', (e) => browserErrors.push(`${path}: ${e.message}`));
  // Below the test's own timeout, so a wait that fails names its locator.
  page.setDefaultTimeout(15_000);
  await page.goto(`${base}${path}`);
  return page;
}

/** axe-core with the WCAG 2.2 AA rules and best practice: every violation fails, whatever its impact. */
async function axe(page: Page, name: string): Promise<Array<{ id: string; impact: string | null; nodes: unknown[] }>> {
  await page.addScriptTag({ url: '/test/axe.js' });
  const result = (await page.evaluate(() =>
    (window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<unknown> } }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    }),
  )) as { violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown; failureSummary?: string }> }>; passes: unknown[] };
  const violations = result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, why: n.failureSummary })) }));
  writeFileSync(`${ARTIFACTS}/axe-studio-${name}.json`, JSON.stringify({ passes: result.passes.length, violations }, null, 2));
  return violations;
}

const mainText = () => fake.draft.files[MAIN]!;
/** The editor's rendered lines (CodeMirror draws only what is near the viewport). */
const sourceText = (page: Page) => page.locator('.cm-content').innerText();
const SLOW = { timeout: 10_000 };

/** Puts the cursor at the start of a line of the source, by keyboard, as a coordinator would. */
async function goToLine(page: Page, line: number): Promise<void> {
  await page.locator('.cm-content').focus();
  await page.keyboard.press('Control+Home');
  for (let i = 1; i < line; i++) await page.keyboard.press('ArrowDown');
}
const lineOf = (text: string, exact: string): number => text.split('\n').indexOf(exact) + 1;

describe('studio pages in the browser', () => {
  it('/studio goes to the flow list, which shows each flow of the draft with its number of steps, then its other files', async () => {
    const started = performance.now();
    const page = await open('/studio');
    await page.locator('#flow-list table.files').waitFor({ timeout: 30_000 });
    timings['first flows page with scripts (includes the esbuild build), ms'] = Math.round(performance.now() - started);
    expect(new URL(page.url()).pathname).toBe('/studio/flows');
    const mainSteps = parseFlowFile(MAIN, mainText()).flow!.order.length;
    const row = page.locator('tr', { has: page.locator('a[href="/studio/flows/main"]') });
    await expect.poll(() => row.locator('td').first().innerText()).toBe(String(mainSteps));
    expect(await page.locator('a[href="/studio/flows/about_you"]').count()).toBe(1);
    // Every flow test, the commands and the readability words, each opening in the source editor.
    const others = Object.keys(fake.draft.files).filter((p) => p.startsWith('flows/tests/') || p === 'flows/commands.yaml' || p === 'flows/readability-allow.yaml');
    expect(others.length).toBeGreaterThan(10);
    const hrefs = await page.locator('table.files tbody a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(hrefs.toSorted()).toEqual(others.map((p) => `/studio/files/${p.split('/').pop()!}`).toSorted());
    await page.screenshot({ path: `${ARTIFACTS}/studio-flows.png` });
    expect(await axe(page, 'flows')).toEqual([]);
    await page.close();
  });

  it('the editor shows outline, form, YAML source and the diagram side by side without horizontal scrolling', async () => {
    const started = performance.now();
    const page = await open('/studio/flows/main');
    await page.locator('#step-greet').waitFor();
    await page.locator('#diagram svg g.node[data-step="greet"]').waitFor({ timeout: 20_000 });
    timings['editor ready with diagram, ms'] = Math.round(performance.now() - started);
    expect(await page.locator('#step-greet').getAttribute('aria-current')).toBe('true');
    expect(await page.locator('#f-steps-greet-say').inputValue()).toBe('welcome.greeting');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    const boxes = await Promise.all(['.outline-pane', '.form-pane', '.source-pane'].map((s) => page.locator(s).boundingBox()));
    // Three columns, left to right, within the 1280-px window.
    const xs = boxes.map((b) => b!.x);
    expect(xs[0]).toBeLessThan(xs[1]!);
    expect(xs[1]).toBeLessThan(xs[2]!);
    expect(boxes[2]!.x + boxes[2]!.width).toBeLessThanOrEqual(1280);
    await page.screenshot({ path: `${ARTIFACTS}/studio-editor.png` });
    await page.locator('.diagram-pane').screenshot({ path: `${ARTIFACTS}/studio-editor-diagram.png` });
    expect(await axe(page, 'editor')).toEqual([]);
    await page.close();
  });

  it('a form edit of a question key changes the YAML (only that line) and is saved to the draft', async () => {
    const page = await open('/studio/flows/main');
    await page.locator('#step-consent').click();
    const question = page.locator('#f-steps-consent-question');
    expect(await question.inputValue()).toBe('consent.question');
    expect(await page.locator('#f-steps-consent-question-note').innerText()).toBe('English: “Is it OK for us to keep your answers?”');
    const before = mainText();
    await question.fill('consent.thanks');
    await question.press('Tab');
    await page.locator('.cm-line', { hasText: /^ {4}question: consent\.thanks$/ }).waitFor();
    expect(await page.locator('#f-steps-consent-question-note').innerText()).toBe('English: “Thank you.”');
    await expect.poll(() => page.locator('#status').innerText(), SLOW).toMatch(/^Saved\. No problems\./);
    expect(mainText()).toBe(before.replace('    question: consent.question\n', '    question: consent.thanks\n'));
    expect(fake.draft.changed).toEqual([MAIN]);
    await page.close();
  });

  it('the status announces only results: "Unsaved changes…" and "Saving…" show outside the live region', async () => {
    const page = await open('/studio/flows/main');
    const before = mainText();
    await page.locator('#step-greet').waitFor();
    // Everything the live region and the progress line ever say while the coordinator types.
    await page.evaluate(() => {
      const seen: Record<string, string[]> = { status: [], progress: [] };
      (window as unknown as { seen: typeof seen }).seen = seen;
      for (const id of ['status', 'progress']) {
        const box = document.getElementById(id)!;
        new MutationObserver(() => seen[id]!.push(box.textContent ?? '')).observe(box, { childList: true, characterData: true, subtree: true });
      }
    });
    await goToLine(page, lineOf(mainText(), '  greet:'));
    await page.keyboard.press('End');
    await page.keyboard.type(' # hello', { delay: 30 });
    await expect.poll(() => page.locator('#status').innerText(), SLOW).toMatch(/^Saved\. No problems\./);
    const seen = await page.evaluate(() => (window as unknown as { seen: { status: string[]; progress: string[] } }).seen);
    expect(seen.progress).toContain('Unsaved changes…');
    expect(seen.progress).toContain('Saving…');
    expect(seen.status.filter((t) => t !== '')).toEqual(seen.status.filter((t) => t.startsWith('Saved.')));
    expect(await page.locator('#status').getAttribute('aria-live')).toBe('polite');
    expect(await page.locator('#progress').getAttribute('aria-live')).toBeNull();
    expect(await page.locator('#progress').getAttribute('role')).toBeNull();
    expect(await page.locator('#progress').innerText()).toBe('');
    await page.close();
    fake.draft = { ...fake.draft, files: { ...fake.draft.files, [MAIN]: before } };
  });

  it('a YAML edit shows in the outline and the diagram; YAML that does not parse disables the form', async () => {
    const page = await open('/studio/flows/main');
    await page.locator('#step-privacy').waitFor();
    await goToLine(page, lineOf(mainText(), '  privacy:'));
    await page.keyboard.press('End');
    for (let i = 0; i < 'privacy:'.length; i++) await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.type('notice:');
    await page.locator('#step-notice').waitFor();
    expect(await page.locator('#step-privacy').count()).toBe(0);
    await page.locator('#diagram g.node[data-step="notice"]').waitFor();
    await expect.poll(() => mainText().includes('\n  notice:\n    say: consent.notice\n'), SLOW).toBe(true);

    const brokenLine = lineOf(mainText(), '  greet:');
    await goToLine(page, brokenLine);
    await page.keyboard.press('End');
    await page.keyboard.type(' x');
    const alert = page.locator('#outline [role="alert"]');
    await alert.waitFor();
    expect(await alert.innerText()).toContain(`The YAML does not parse (line ${brokenLine}`);
    expect(await page.locator('#step-form input').first().isDisabled()).toBe(true);
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.locator('#step-greet').waitFor();
    expect(await page.locator('#step-form input').first().isDisabled()).toBe(false);
    await expect.poll(() => page.locator('#status').innerText(), SLOW).toMatch(/^Saved\. No problems\./);
    expect(mainText()).toContain('\n  greet:\n    say: welcome.greeting\n');
    await page.close();
  });

  it('a broken next is shown inline at its line with "did you mean", and the suggestion fixes it', async () => {
    const page = await open('/studio/flows/main');
    await page.locator('#step-need_at_risk').click();
    const next = page.locator('#f-steps-need_at_risk-next');
    expect(await next.inputValue()).toBe('check');
    await next.fill('chekc');
    await next.press('Tab');
    await expect.poll(() => page.locator('#status').innerText(), SLOW).toBe('Saved. 1 problem (1 error).');
    const range = page.locator('.cm-lintRange-error');
    await range.waitFor();
    expect(await range.innerText()).toBe('chekc');
    // The diagnostic sits on the line the checker named.
    const problemLine = mainText().split('\n').findIndex((l, i, all) => l === '    next: chekc' && all[i - 1] === '    question: journey.need.atRisk') + 1;
    const reported = fake.calls.length;
    expect(checkDraft(fake.draft.files).map((p) => `${p.line} ${p.code} ${p.suggestion}`)).toEqual([`${problemLine} unknown_step check`]);
    expect(await page.locator('.cm-line', { has: range }).innerText()).toBe('    next: chekc');
    expect(await page.locator('#step-need_at_risk .badge').innerText()).toBe('1 problem');
    await range.hover();
    const tip = page.locator('.cm-tooltip-lint');
    await tip.waitFor();
    expect(await tip.innerText()).toContain('step "chekc" does not exist in flow main (did you mean "check"?)');
    await page.locator('.cm-tooltip-lint button', { hasText: 'Use "check"' }).click();
    await expect.poll(() => page.locator('#status').innerText(), SLOW).toBe('Saved. No problems.');
    expect(mainText()).toContain('    question: journey.need.atRisk\n    next: check\n');
    expect(fake.calls.length).toBeGreaterThan(reported);
    await page.close();
  });

  it('the form adds and removes a choice, and switches next between a step name and an if/goto list', async () => {
    const page = await open('/studio/flows/main');
    await page.locator('#step-language').click();
    const before = mainText();
    // The eight languages are choices 1 to 8; the new one (a language not offered yet) is the ninth.
    expect(await page.locator('#f-steps-language-choices-7-value').inputValue()).toBe('so');
    expect(await page.locator('#f-steps-language-choices-8-value').count()).toBe(0);
    await page.getByRole('button', { name: 'Add choice' }).click();
    await page.locator('#f-steps-language-choices-8-value').fill('cy');
    await page.locator('#f-steps-language-choices-8-value').press('Tab');
    await page.locator('#f-steps-language-choices-8-label').fill('languages.cy');
    await page.locator('#f-steps-language-choices-8-label').press('Tab');
    expect(await page.locator('#f-steps-language-choices-8-label-note').innerText()).toBe('No English wording for this key yet.');
    await expect.poll(() => mainText(), SLOW).toContain('      - { value: so, label: languages.so, synonyms: languages.soWords }\n      - { value: cy, label: languages.cy }\n');
    expect(mainText().replace('      - { value: cy, label: languages.cy }\n', '')).toBe(before);
    await page.getByRole('button', { name: 'Remove choice 9' }).click();
    await expect.poll(() => mainText(), SLOW).toBe(before);

    await page.locator('#step-need_age').click();
    const kind = page.getByLabel('next is');
    expect(await kind.locator('option:checked').innerText()).toBe('a step name');
    // By keyboard: the arrow key picks the next kind of a focused list box.
    await kind.focus();
    await page.keyboard.press('ArrowDown');
    await page.locator('#f-steps-need_age-next-0-kind').waitFor();
    await page.locator('.cm-line', { hasText: /^ {6}- goto: check$/ }).waitFor();
    // Focus stays on the switcher after the form is rebuilt, for keyboard users.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-steps-need_age-next-kind');
    await page.getByRole('button', { name: 'Add next' }).click();
    // A new entry starts with a placeholder condition for the coordinator to fill in.
    await page.locator('.cm-line', { hasText: /^ {6}- if:$/ }).waitFor();
    expect(await page.locator('#f-steps-need_age-next-1-if').inputValue()).toBe('{ equals: ["", ""] }');
    await page.getByRole('button', { name: 'Remove next 2' }).click();
    await kind.selectOption({ label: 'a step name' });
    await expect.poll(() => mainText(), SLOW).toBe(before);
  });

  it('a save by someone else of another file does not stop the editor; of the same flow, the typed text is kept beside theirs', async () => {
    const page = await open('/studio/flows/main');
    await page.locator('#step-greet').waitFor();
    // Someone saved wording meanwhile: a newer revision, this flow untouched.
    fake.draft = { ...fake.draft, revision: fake.draft.revision + 1, updatedBy: 'other@example.org', files: { ...fake.draft.files, 'locales/en/core.json': `${fake.draft.files['locales/en/core.json']!} ` } };
    const before = mainText();
    await page.locator('#flow-settings').click();
    const description = page.locator('#f-description');
    expect(await description.inputValue()).toBe('The whole resident journey, from hello to an application.');
    await description.fill('From hello to an application.');
    await description.press('Tab');
    await expect.poll(() => page.locator('#status').innerText(), SLOW).toMatch(/^Saved\./);
    const mine = before.replace('description: The whole resident journey, from hello to an application.\n', 'description: From hello to an application.\n');
    expect(mainText()).toBe(mine);

    // Now someone saves this very flow: the next save is refused, and nothing typed is lost.
    const theirs = mine.replace('description: From hello to an application.\n', 'description: Their description.\n');
    fake.draft = { ...fake.draft, revision: fake.draft.revision + 1, updatedBy: 'other@example.org', files: { ...fake.draft.files, [MAIN]: theirs } };
    await description.fill('My description.');
    await description.press('Tab');
    await expect.poll(() => page.locator('#status').innerText(), SLOW).toBe(
      'Not saved: other@example.org saved this flow while you were editing it. Your text is kept in the editor; compare it with theirs below.',
    );
    expect(mainText()).toBe(theirs);
    await page.locator('.cm-line', { hasText: /^description: My description\.$/ }).waitFor();
    expect(await page.getByLabel('Your version (not saved)').inputValue()).toContain('description: My description.\n');
    expect(await page.getByLabel('Their version (in the draft now)').inputValue()).toBe(theirs);
    expect(await axe(page, 'editor-conflict')).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/studio-editor-conflict.png` });

    await page.getByRole('button', { name: 'Save mine over theirs' }).click();
    await expect.poll(() => page.locator('#status').innerText(), SLOW).toMatch(/^Saved\./);
    expect(mainText()).toBe(theirs.replace('description: Their description.\n', 'description: My description.\n'));
    expect(await page.locator('#conflict').innerText()).toBe('');
  });

  it('selecting a step in the diagram opens it in the form, by mouse and by keyboard', async () => {
    const page = await open('/studio/flows/main');
    const node = page.locator('#diagram g.node[data-step="thanks"]');
    await node.waitFor({ timeout: 20_000 });
    await node.click();
    expect(await page.locator('#step-thanks').getAttribute('aria-current')).toBe('true');
    expect(await page.locator('#step-form legend').first().innerText()).toBe('Step thanks (say)');
    await page.locator('#diagram g.node[data-step="language"]').focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('#step-form legend').first().innerText()).toBe('Step language (ask)');
    await page.close();
  });

  it('keyboard only: Tab reaches the outline, the form and the editor, each with a visible focus', async () => {
    const page = await open('/studio/flows/main');
    await page.locator('#diagram svg').waitFor({ timeout: 20_000 });
    const seen: Array<{ where: string; visible: boolean }> = [];
    for (let i = 0; i < 200 && !seen.some((s) => s.where === 'editor'); i++) {
      await page.keyboard.press('Tab');
      // CodeMirror marks its frame focused a frame after the focus moves.
      if (await page.evaluate(() => document.activeElement?.classList.contains('cm-content'))) await page.locator('.cm-editor.cm-focused').waitFor();
      seen.push(
        await page.evaluate(() => {
          const a = document.activeElement as HTMLElement;
          const where = a.classList.contains('cm-content') ? 'editor' : a.closest('#outline') ? 'outline' : a.closest('#step-form') ? 'form' : a.tagName.toLowerCase();
          // The editor shows focus on its frame (.cm-focused); everything else on itself.
          const shown = getComputedStyle(where === 'editor' ? a.closest('.cm-editor')! : a);
          return { where, visible: shown.outlineStyle !== 'none' && shown.outlineWidth !== '0px' };
        }),
      );
    }
    const places = [...new Set(seen.map((s) => s.where))];
    expect(places).toEqual(expect.arrayContaining(['outline', 'form', 'editor']));
    expect(places.indexOf('outline')).toBeLessThan(places.indexOf('form'));
    expect(places.indexOf('form')).toBeLessThan(places.indexOf('editor'));
    expect(seen.filter((s) => !s.visible)).toEqual([]);
    // Enter on an outline button opens its step, and focus moves into the form.
    await page.locator('#step-consent').focus();
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-steps-consent-ask');
    await page.close();
  });

  it('a viewer reads the flow but cannot change it', async () => {
    fake.as('viewer');
    try {
      const page = await open('/studio/flows/main');
      await page.locator('#step-greet').waitFor();
      expect(await page.locator('#status').innerText()).toMatch(/^Read only/);
      expect(await page.locator('#step-form input').first().isDisabled()).toBe(true);
      const before = await sourceText(page);
      const puts = () => fake.calls.filter((c) => c.method === 'PUT').length;
      const putsBefore = puts();
      await goToLine(page, lineOf(mainText(), '  greet:'));
      await page.keyboard.type('zzz');
      expect(await sourceText(page)).toBe(before);
      // Longer than the save delay: nothing was sent.
      await page.waitForTimeout(1000);
      expect(puts()).toBe(putsBefore);
      await page.close();
    } finally {
      fake.as('coordinator');
    }
  });

  it('a flow test opens in the source editor; a viewer reads it but cannot change or remove it; unknown file names are 404', async () => {
    const TEST = 'flows/tests/fallback.test.yaml';
    const page = await open('/studio/files/fallback.test.yaml');
    await page.locator('.cm-content').waitFor();
    expect(await page.locator('h1').innerText()).toBe('Flow test: fallback');
    await expect.poll(() => page.locator('#status').innerText(), SLOW).toBe('Editing the draft. No problems.');
    expect(await page.getByRole('button', { name: 'Remove this test from the draft…' }).count()).toBe(1);
    expect(await axe(page, 'source-editor')).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/studio-source-editor.png` });
    await page.close();

    fake.as('viewer');
    try {
      const viewer = await open('/studio/files/fallback.test.yaml');
      await viewer.locator('.cm-content').waitFor();
      await expect.poll(() => viewer.locator('#status').innerText(), SLOW).toMatch(/^Read only: your role cannot change this file\./);
      expect(await viewer.getByRole('button', { name: 'Remove this test from the draft…' }).count()).toBe(0);
      const before = fake.draft.files[TEST];
      await viewer.locator('.cm-content').focus();
      await viewer.keyboard.type('zzz');
      await viewer.waitForTimeout(1000);
      expect(fake.draft.files[TEST]).toBe(before);
      await viewer.close();
    } finally {
      fake.as('coordinator');
    }
    const statuses: string[] = [];
    for (const name of ['main.flow.yaml', 'programmes.yaml', 'Commands.yaml', '..%2Fsrc%2Fapp.ts']) statuses.push(`${name} ${(await fetch(`${base}/studio/files/${name}`)).status}`);
    expect(statuses).toEqual(['main.flow.yaml 404', 'programmes.yaml 404', 'Commands.yaml 404', '..%2Fsrc%2Fapp.ts 404']);
  });

  it('publish shows the live-conversation report, requires a policy for orphaned residents, and shows a 409\'s reasons', async () => {
    fake.impact = {
      live: 5,
      groups: [
        { flowId: 'main', version: '3f2a9c1e55aa77bb', step: 'privacy', residents: 2, outcome: 'orphaned', reason: 'the step was removed' },
        { flowId: 'main', version: '3f2a9c1e55aa77bb', step: 'consent', residents: 3, outcome: 'stays' },
      ],
      orphaned: 2,
    };
    const problemLine = mainText().split('\n').indexOf('  greet:') + 1;
    fake.refuseNext = {
      problems: [{ severity: 'error', code: 'unknown_step', file: MAIN, line: problemLine, col: 5, path: 'steps.greet.next', message: 'step "thanx" does not exist in flow main', suggestion: 'thanks' }],
      failedTests: [{ file: 'flows/tests/journey-en.test.yaml', message: 'step 3: expected "Thank you." but the bot said "Is it OK for us to keep your answers?"' }],
      impact: fake.impact,
    };
    fake.draft = { ...fake.draft, changed: [MAIN, 'locales/en/core.json'] };
    const page = await open('/studio/publish');
    await page.locator('table.impact').waitFor();
    expect(await page.locator('table.impact tbody tr').allInnerTexts()).toEqual([
      'main\t3f2a9c1e\tprivacy\t2\torphaned: cannot carry on (the step was removed)',
      'main\t3f2a9c1e\tconsent\t3\tstays on the old version until done',
    ]);
    expect(await page.locator('#changes-h + ul li').allInnerTexts()).toEqual([MAIN, 'locales/en/core.json']);
    await page.locator('#note').fill('Shorter consent question');
    await page.getByRole('button', { name: 'Publish' }).click();
    expect(await page.locator('#publish-result [role="alert"]').innerText()).toBe('Choose what happens to the residents who would be orphaned.');
    await page.getByLabel('Hand them to an adviser').check();
    await page.getByRole('button', { name: 'Publish' }).click();
    const refusal = page.locator('.refusal');
    await refusal.waitFor();
    expect(fake.calls.at(-1)).toMatchObject({ method: 'POST', path: '/publish', body: { revision: fake.draft.revision, note: 'Shorter consent question', orphanPolicy: 'handoff' } });
    const link = refusal.locator(`a[href="/studio/flows/main#L${problemLine}"]`);
    expect(await link.innerText()).toBe(`${MAIN}:${problemLine}:5`);
    expect(await refusal.innerText()).toContain('step "thanx" does not exist in flow main (did you mean "thanks"?)');
    expect(await refusal.innerText()).toContain('flows/tests/journey-en.test.yaml: step 3: expected "Thank you."');
    expect(await refusal.locator('table.impact tbody tr').count()).toBe(2);
    await page.screenshot({ path: `${ARTIFACTS}/studio-publish.png`, fullPage: true });
    expect(await axe(page, 'publish')).toEqual([]);

    // The problem link opens the editor at that line.
    await link.click();
    await page.locator('.cm-activeLine').waitFor();
    expect(await page.locator('.cm-activeLine').innerText()).toBe('  greet:');
    await page.goBack();
    await page.locator('table.impact').first().waitFor();
    await page.getByLabel('Hand them to an adviser').check();
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.locator('#publish-result .done').waitFor();
    expect(await page.locator('#publish-result .done').innerText()).toMatch(/^Published release 3: main@9e8d7c6b\./);
    await page.close();
  });

  it('a translator sees the publish report without a publish button', async () => {
    fake.as('translator');
    try {
      const page = await open('/studio/publish');
      await page.locator('table.impact').waitFor();
      expect(await page.getByRole('button', { name: 'Publish' }).count()).toBe(0);
      expect(await page.locator('#publish').innerText()).toContain('Only coordinators can publish.');
      await page.close();
    } finally {
      fake.as('coordinator');
    }
  });

  it('history lists releases, opens a readable diff marked with + and −, and reverts after a confirmation', async () => {
    fake.releases = [
      { id: 3, source: 'studio', revertOf: null, createdBy: 'coordinator@example.org', createdAt: '2026-11-30T09:00:00Z', note: 'Shorter consent question', flows: ['main@9e8d7c6b'], live: true },
      ...fake.releases.filter((r) => r.id < 3).map((r) => ({ ...r, live: false })),
    ];
    const page = await open('/studio/history');
    await page.locator('details.release').first().waitFor();
    const summaries = await page.locator('details.release > summary').allInnerTexts();
    expect(summaries[0]).toBe('Release 3 (live) — 30/11/2026, 09:00:00 by coordinator@example.org (studio): Shorter consent question');
    expect(summaries).toHaveLength(3);
    await page.locator('#release-2 > summary').click();
    await page.locator('#release-2 pre.patch').first().waitFor();
    expect(await page.locator('#release-2 pre.patch del').first().innerText()).toBe('−   "question": "Do you agree to us keeping your answers?"');
    expect(await page.locator('#release-2 pre.patch ins').first().innerText()).toBe('+   "question": "May we keep your answers?"');
    expect(await page.locator('#release-2').innerText()).toContain('en consent.question changed: “Do you agree to us keeping your answers?” → “May we keep your answers?”');
    expect(await page.locator('#release-2').innerText()).toContain('Steps: thanks changed');
    await page.screenshot({ path: `${ARTIFACTS}/studio-history.png`, fullPage: true });
    expect(await axe(page, 'history')).toEqual([]);

    await page.locator('#revert-1').click();
    expect(await page.locator('form.confirm').innerText()).toContain('Revert to release 1? Its files are published again as a new release');
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(fake.calls.some((c) => c.path.endsWith('/revert'))).toBe(false);
    await page.locator('#revert-1').click();
    await page.getByRole('button', { name: 'Yes, publish release 1 again' }).click();
    await page.locator('#history-result .done').waitFor();
    expect(await page.locator('#history-result .done').innerText()).toMatch(/^Reverted: release 4 is live\./);
    expect(fake.releases[0]).toMatchObject({ id: 4, source: 'revert', revertOf: 1 });
    await page.close();
  });

  it('assets are cached by content hash; unknown assets and flow ids are 404; the schema lists every step kind', async () => {
    const js = await fetch(`${base}/studio/assets/editor.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('no-cache');
    const etag = js.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{16}"$/);
    const chunk = /from"\.\/(chunk-[A-Z0-9]+\.js)"/.exec(await js.text())?.[1];
    expect((await fetch(`${base}/studio/assets/editor.js`, { headers: { 'If-None-Match': etag } })).status).toBe(304);
    const c = await fetch(`${base}/studio/assets/${chunk}`);
    expect(c.status).toBe(200);
    expect(c.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${base}/studio/assets/studio.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    const missing = await fetch(`${base}/studio/assets/nope.js`);
    expect([missing.status, ((await missing.json()) as { error: { code: string } }).error.code]).toEqual([404, 'not_found']);
    expect((await fetch(`${base}/studio/flows/Not-A-Flow`)).status).toBe(404);
    const schema = (await (await fetch(`${base}/studio/api/schema`)).json()) as { steps: Record<string, unknown> };
    expect(Object.keys(schema.steps).sort()).toEqual([...stepKinds].sort());
  });

  it('every page ran under its Content-Security-Policy with no script error', async () => {
    const res = await fetch(`${base}/studio/flows/main`);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    writeFileSync(`${ARTIFACTS}/studio-browser-errors.json`, JSON.stringify(browserErrors, null, 2));
    expect(browserErrors).toEqual([]);
  });
});

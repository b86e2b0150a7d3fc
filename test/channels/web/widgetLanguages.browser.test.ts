/**
 * Issue 14: the widget in every language of src/languages.ts, in headless Debian Chromium, with the
 * real server pieces (widget routes, Direct Line, the real engine and the shipped flows). For each
 * language: the first bot bubble is that language's greeting from the wording files, the root's
 * `lang`, the direction of bubbles and suggested actions, and the font Chromium really drew the
 * script with (DevTools `CSS.getPlatformFontsForNode`). Screenshots: test/artifacts/widget-<lang>.png.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, CDPSession, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWidgetRoutes } from '../../../src/channels/web/widget/createWidgetRoutes.ts';
import { createTranslator, loadLocales, type Translator } from '../../../src/i18n.ts';
import { LANGUAGES, type Language } from '../../../src/languages.ts';
import { axeViolations } from '../../helpers/axe.ts';
import { launchChromium } from '../../helpers/chromium.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { serveDirectLine, silentLogger } from './directLineHarness.ts';
import { createRealEngine } from './realEngine.ts';

const ARTIFACTS = 'test/artifacts';
const SEND_BOX = '[data-id="webchat-sendbox-input"]';
/** The web font each non-Latin script must be drawn in (Latin: the system font). */
const WEB_FONT: Partial<Record<string, string>> = { ur: 'Noto Nastaliq Urdu', ar: 'Noto Naskh Arabic', bn: 'Noto Sans Bengali', pa: 'Noto Sans Gurmukhi' };
const SCRIPT_CHARS: Record<Language['script'], RegExp> = { Latn: /[A-Za-z]/g, Arab: /[\u0600-\u06ff]/g, Beng: /[\u0980-\u09ff]/g, Guru: /[\u0a00-\u0a7f]/g };

let t: TestDb;
let close: () => Promise<void>;
let base: string;
let browser: Browser;
let wording: Translator;

/** Partner pages with only the pasted snippet: the language from `<html lang>` or `data-locale`. */
const partnerPage = (htmlLang: string, attrs = '') => `<!doctype html><html lang="${htmlLang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>Partner</title></head>
<body><main><h1>Jobs</h1></main><script src="/widget.js"${attrs} async></script></body></html>`;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // The expected wording, as i18next resolves it from the shipped locales/ (every registry language has its folder).
  wording = await createTranslator(await loadLocales('locales'));
  t = await createTestDb();
  const engine = await createRealEngine(t.db, { LOCALES_DIR: 'locales' });
  ({ base, close } = await serveDirectLine({ db: t.db, engine, logger: silentLogger, tokenSigningKey: 'k'.repeat(32), widgetOrigins: [] }, (app) => {
    app.get('/partner-bn.html', (_req, res) => {
      res.type('html').send(partnerPage('bn'));
    });
    app.get('/partner-pl.html', (_req, res) => {
      res.type('html').send(partnerPage('en', ' data-locale="pl-PL"'));
    });
    // Every registry language offered.
    app.use(createWidgetRoutes({ partnerName: 'Birmingham & Solihull Anchor Network', partnerColour: '#005eb8', languages: LANGUAGES.map((l) => l.code) }));
  }));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await close?.();
  await t?.close();
});

const botBubbles = (page: Page) => page.locator('.webchat__bubble:not(.webchat__bubble--from-user)');
const userBubbles = (page: Page) => page.locator('.webchat__bubble--from-user');
const suggestedActions = (page: Page) => page.locator('.webchat__suggested-action');
const direction = (l: Locator) => l.evaluate((el) => getComputedStyle(el).direction);
const normalise = (s: string) => s.replace(/\s+/g, ' ').trim();

function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return errors;
}

interface PlatformFont {
  familyName: string;
  isCustomFont: boolean;
  glyphCount: number;
}

/** The fonts Chromium drew an element's text with (its first text node), through DevTools. */
async function fontsOf(cdp: CDPSession, l: Locator): Promise<PlatformFont[]> {
  await l.evaluate((el) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT, { acceptNode: (n) => (n.textContent?.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP) });
    const text = walker.nextNode();
    // A marker on the text's parent, so DevTools can find the text node.
    text?.parentElement?.setAttribute('data-font-probe', '');
  });
  const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: '[data-font-probe]' });
  const { node } = await cdp.send('DOM.describeNode', { nodeId, depth: 1 });
  const textChild = node.children?.find((c) => c.nodeType === 3 && c.nodeValue.trim());
  if (!textChild) throw new Error('no text node under the probe');
  const { nodeIds } = await cdp.send('DOM.pushNodesByBackendIdsToFrontend', { backendNodeIds: [textChild.backendNodeId] });
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId: nodeIds[0]! });
  await l.evaluate((el) => el.ownerDocument.querySelector('[data-font-probe]')?.removeAttribute('data-font-probe'));
  return fonts;
}

/** The font that drew most glyphs of an element's text. */
async function mainFont(cdp: CDPSession, l: Locator): Promise<PlatformFont | undefined> {
  const fonts = await fontsOf(cdp, l);
  return [...fonts].sort((a, b) => b.glyphCount - a.glyphCount)[0];
}

describe('the widget in every language of src/languages.ts', () => {
  for (const language of LANGUAGES) {
    const { code, dir, endonym } = language;
    it(`${code} (${language.english}): greeting, lang, ${dir} layout and its font, from the demo page's data-language`, async () => {
      const context = await browser.newContext({ viewport: { width: 420, height: 860 } });
      const page = await context.newPage();
      const errors = watchErrors(page);
      const cdp = await context.newCDPSession(page);
      await cdp.send('DOM.enable');
      await cdp.send('CSS.enable');
      await page.goto(`${base}/?lang=${code}`);
      expect(await page.locator('script[src="/widget.js"]').getAttribute('data-language')).toBe(code);

      const greeting = normalise(wording.t(code)('welcome.greeting'));
      await expect.poll(() => botBubbles(page).count(), { timeout: 20_000 }).toBeGreaterThan(0);
      expect(normalise(await botBubbles(page).first().locator('.webchat__bubble__content').innerText())).toBe(greeting);

      const root = page.locator('.anchorline-root');
      expect(await root.getAttribute('lang')).toBe(code);
      expect(await root.getAttribute('dir')).toBe(dir);
      expect(await direction(botBubbles(page).first())).toBe(dir);
      // The language question's buttons, each language by its own name.
      const own = suggestedActions(page).filter({ hasText: endonym });
      await own.first().waitFor({ timeout: 15_000 });
      const buttonDirs = await suggestedActions(page).evaluateAll((els) => els.map((el) => getComputedStyle(el).direction));
      expect(buttonDirs.length).toBeGreaterThan(0);
      expect(new Set(buttonDirs)).toEqual(new Set([dir]));
      expect(await direction(page.locator(SEND_BOX))).toBe(dir);
      // The widget's own words are this language's (or English where it has none yet).
      const launcherText = wording.t(code)('widget.launcher');
      expect(await page.locator('.anchorline-launcher').innerText()).toBe(launcherText);

      // Web Chat's own strings: ours (widget.json's `webchat`) where the language has them, else its
      // bundle for the language where it has one, else its English.
      const ourPlaceholder = (wording.i18n.getResourceBundle(code, 'translation') as { widget?: { webchat?: Record<string, string> } } | undefined)?.widget?.webchat?.TEXT_INPUT_PLACEHOLDER;
      const placeholder = await page.locator(SEND_BOX).getAttribute('placeholder');
      if (ourPlaceholder) expect(placeholder).toBe(ourPlaceholder);
      else if (language.webchatLocale && code !== 'en') expect(placeholder).not.toBe('Type your message');
      else expect(placeholder).toBe('Type your message');

      const webFont = WEB_FONT[code];
      if (!webFont) {
        // Latin-script languages: the system font, no web font downloaded for them.
        await expect.poll(async () => mainFont(cdp, botBubbles(page).first().locator('.webchat__bubble__content')), { timeout: 10_000 }).toMatchObject({ isCustomFont: false });
      } else {
        await page.evaluate(() => document.fonts.ready);
        // The greeting bubble: written in the script (over a third of its characters) and drawn in the web font.
        expect((greeting.match(SCRIPT_CHARS[language.script]) ?? []).length).toBeGreaterThan(greeting.length / 3);
        await expect.poll(async () => mainFont(cdp, botBubbles(page).first().locator('.webchat__bubble__content')), { timeout: 10_000 }).toMatchObject({ familyName: webFont, isCustomFont: true });
        // The language's own button, its name written entirely in the script.
        await expect.poll(async () => fontsOf(cdp, own.first()), { timeout: 10_000 }).toEqual([expect.objectContaining({ familyName: webFont, isCustomFont: true })]);
        // The resident's own bubble with the language's name.
        await own.first().click();
        const mine = userBubbles(page).filter({ hasText: endonym }).first();
        await mine.waitFor({ timeout: 10_000 });
        expect(await direction(mine)).toBe(dir);
        await expect.poll(async () => fontsOf(cdp, mine.locator('.webchat__bubble__content')), { timeout: 10_000 }).toEqual([expect.objectContaining({ familyName: webFont, isCustomFont: true })]);
        // The send box is written in it too.
        expect((await page.locator(SEND_BOX).evaluate((el) => getComputedStyle(el).fontFamily)).split(',')[0]!.replace(/"/g, '').trim()).toBe(webFont);
        // The header is written in it too.
        await expect.poll(async () => mainFont(cdp, page.locator('#anchorline-title')), { timeout: 10_000 }).toMatchObject(
          SCRIPT_CHARS[language.script].test(await page.locator('#anchorline-title').innerText()) ? { familyName: webFont, isCustomFont: true } : { isCustomFont: false },
        );
      }
      // Once the fonts have arrived (they swap in: a screenshot earlier shows fallbacks).
      await page.evaluate(async () => {
        await document.fonts.ready;
        await Promise.all([...document.fonts].filter((f) => f.status === 'loading').map((f) => f.loaded));
      });
      await page.screenshot({ path: `${ARTIFACTS}/widget-${code}.png` });
      expect(errors).toEqual([]);
      await context.close();
    }, 60_000);
  }

  it("follows the page's <html lang> without data attributes, and data-locale (the older attribute)", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/partner-bn.html`);
    await page.locator('.anchorline-launcher').waitFor();
    expect(await page.locator('.anchorline-root').getAttribute('lang')).toBe('bn');
    expect(await page.locator('.anchorline-launcher').innerText()).toBe(wording.t('bn')('widget.launcher'));
    await page.goto(`${base}/partner-pl.html`);
    await page.locator('.anchorline-launcher').waitFor();
    expect(await page.locator('.anchorline-root').getAttribute('lang')).toBe('pl');
    await context.close();
  });

  it('keeps a postcode, a phone number and an English sentence in order in the Arabic chat', async () => {
    const context = await browser.newContext({ viewport: { width: 420, height: 860 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const root = page.locator('.anchorline-root');
    await page.goto(`${base}/?lang=ar`);
    await expect.poll(() => botBubbles(page).count(), { timeout: 20_000 }).toBeGreaterThan(0);
    /** The characters of `part`, sorted by where they are drawn, left to right on the screen. */
    const visualOrder = (bubble: Locator, part: string) =>
      bubble.evaluate((el, p) => {
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const at = n.textContent!.indexOf(p);
          if (at < 0) continue;
          const xs = [...p].map((c, i) => {
            const r = document.createRange();
            r.setStart(n, at + i);
            r.setEnd(n, at + i + 1);
            return { c, x: r.getBoundingClientRect().left };
          });
          return xs.filter((x) => x.c !== ' ').sort((a, b) => a.x - b.x).map((x) => x.c).join('');
        }
        return `"${p}" not found`;
      }, part);
    const send = async (text: string, find: string) => {
      await page.locator(SEND_BOX).fill(text);
      await page.locator(SEND_BOX).press('Enter');
      const bubble = userBubbles(page).filter({ hasText: find }).first();
      await bubble.waitFor({ timeout: 10_000 });
      // Laid out in the right-to-left chat, whatever the text's own direction.
      expect(await root.getAttribute('dir')).toBe('rtl');
      expect(await direction(bubble)).toBe('rtl');
      return bubble;
    };
    const problems: string[] = [];
    const expectOrder = async (bubble: Locator, part: string, drawn: string) => {
      const order = await visualOrder(bubble, part);
      if (order !== drawn) problems.push(`"${part}" drawn as "${order}", expected "${drawn}"`);
    };

    // The language question answered with its button: the bot goes on in Arabic.
    await suggestedActions(page).filter({ hasText: 'العربية' }).first().click();
    await userBubbles(page).filter({ hasText: 'العربية' }).first().waitFor();
    await expect.poll(() => botBubbles(page).filter({ hasText: normalise(wording.t('ar')('consent.question')) }).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const postcode = await send('رمزي البريدي هو B5 7RN في برمنغهام', 'B5 7RN');
    await expectOrder(postcode, 'B5 7RN', 'B57RN');
    // The Arabic around it reads right to left: the word before the postcode is drawn to its right
    // (and its own letters right to left: "هو" is "و" then "ه" from the left).
    await expectOrder(postcode, 'هو B5', 'B5وه');
    // A phone number's groups stay in their order (0121 first), not reversed by the Arabic around them.
    const phone = await send('اتصل على 0121 303 1234 الآن', '303');
    await expectOrder(phone, '0121 303 1234', '01213031234');
    // An English sentence in the Arabic chat keeps its full stop at its end (its own direction).
    const english = await send('My postcode is B5 7RN.', 'My postcode');
    await expectOrder(english, 'My postcode is B5 7RN.', 'MypostcodeisB57RN.');
    expect(problems).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/widget-ar-mixed.png` });
    await context.close();
  });

  it('switching from English to Arabic in the menu flips the layout live, and tells the bot', async () => {
    const context = await browser.newContext({ viewport: { width: 420, height: 860 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${base}/?lang=en`);
    await expect.poll(() => botBubbles(page).count(), { timeout: 20_000 }).toBeGreaterThan(0);
    const root = page.locator('.anchorline-root');
    expect(await root.getAttribute('dir')).toBe('ltr');
    expect(await direction(page.locator('.webchat__basic-transcript').first())).toBe('ltr');
    const options = await page.locator('#anchorline-lang option').evaluateAll((els) => els.map((o) => ({ value: (o as HTMLOptionElement).value, lang: o.getAttribute('lang'), label: o.textContent })));
    expect(options).toEqual(LANGUAGES.map((l) => ({ value: l.code, lang: l.code, label: l.endonym })));

    // The direction of the transcript, the send box and the first bubble on every frame from now on.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      const dirOf = (sel: string) => {
        const el = document.querySelector(sel);
        return el ? getComputedStyle(el).direction : '-';
      };
      const tick = () => {
        const now = [dirOf('.anchorline-root'), dirOf('.webchat__basic-transcript'), dirOf('[data-id="webchat-sendbox-input"]'), dirOf('.webchat__bubble')].join(' ');
        if (seen.at(-1) !== now) seen.push(now);
        requestAnimationFrame(tick);
      };
      tick();
    });
    await page.locator('#anchorline-lang').selectOption('ar');
    // Flipped in place, no reload: root, transcript, send box and bubbles all right to left.
    await expect.poll(() => page.evaluate(() => (window as unknown as { seen: string[] }).seen), { timeout: 5_000 }).toContain('rtl rtl rtl rtl');
    // The resident's choice goes to the bot as its own language buttons do.
    await expect.poll(() => userBubbles(page).filter({ hasText: 'العربية' }).count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => botBubbles(page).filter({ hasText: wording.t('ar')('engine.languageChanged') }).count(), { timeout: 10_000 }).toBe(1);
    // The bot answers in Arabic, and the chat stays right to left.
    await expect.poll(() => direction(page.locator('.webchat__basic-transcript').first())).toBe('rtl');
    expect(await root.getAttribute('lang')).toBe('ar');
    expect(await page.locator('.anchorline-launcher').innerText()).toBe(wording.t('ar')('widget.launcher'));
    await page.screenshot({ path: `${ARTIFACTS}/widget-en-to-ar.png` });
    expect(errors).toEqual([]);
    await context.close();
  });

  for (const code of ['ar', 'bn']) {
    it(`axe-core finds no violations with the widget open in ${code}`, async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${base}/?lang=${code}`);
      await suggestedActions(page).first().waitFor({ timeout: 20_000 });
      expect(await axeViolations(page, `${ARTIFACTS}/axe-widget-${code}.json`)).toEqual([]);
      await context.close();
    });
  }
});

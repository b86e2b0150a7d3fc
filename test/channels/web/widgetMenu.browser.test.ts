/**
 * The widget's own resolution and chrome in headless Debian Chromium, with only its routes (no
 * chat server: nothing here opens a conversation): the language menu is hidden when one language
 * is offered, Panjabi in Shahmukhi (`pa-Arab`, `pa-PK`) is shown in Urdu, and a partner name with
 * `$&` is written as it is.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWidgetRoutes } from '../../../src/channels/web/widget/createWidgetRoutes.ts';
import { createTranslator, type Translator } from '../../../src/i18n.ts';
import { LANGUAGES } from '../../../src/languages.ts';
import { launchChromium } from '../../helpers/chromium.ts';

const PARTNER = 'Smith $& Sons $1';
const servers: http.Server[] = [];
let browser: Browser;
let all: string;
let englishOnly: string;

const partnerPage = (htmlLang: string, attrs = '') => `<!doctype html><html lang="${htmlLang}"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Partner</title></head>
<body><main><h1>Jobs</h1></main><script src="/widget.js"${attrs} async></script></body></html>`;

async function serve(languages: string[], wording?: Translator): Promise<string> {
  const app = express();
  app.get('/partner', (req, res) => {
    res.type('html').send(partnerPage(String(req.query.html ?? 'en'), req.query.data ? ` data-language="${String(req.query.data)}"` : ''));
  });
  app.use(createWidgetRoutes({ partnerName: PARTNER, partnerColour: '#005eb8', languages, ...(wording ? { wording: () => wording } : {}) }));
  const server = http.createServer(app);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  all = await serve(LANGUAGES.map((l) => l.code));
  // A title naming the partner (`{partner}`), as a partner's wording may have it.
  const titled = await createTranslator({
    en: { widget: { launcher: 'Chat about jobs', title: 'Chat with {partner}', language: 'Language', close: 'Close chat', connecting: 'Connecting…', unavailable: 'Sorry.' } },
  });
  englishOnly = await serve(['en'], titled);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
});

async function load(url: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(url);
  await page.locator('.anchorline-launcher').waitFor();
  return page;
}

describe('the widget’s chrome', () => {
  it('has a language menu when several languages are offered, none when one is', async () => {
    const several = await load(`${all}/partner`);
    expect(await several.locator('#anchorline-lang').count()).toBe(1);
    expect(await several.locator('label[for="anchorline-lang"]').count()).toBe(1);
    await several.context().close();
    const one = await load(`${englishOnly}/partner`);
    expect(await one.locator('#anchorline-lang').count()).toBe(0);
    expect(await one.locator('label[for="anchorline-lang"]').count()).toBe(0);
    expect(await one.locator('.anchorline-close').count()).toBe(1);
    await one.context().close();
  });

  it('shows a page in pa-PK or pa-Arab (any case) in Urdu; pa-IN and pa stay Panjabi', async () => {
    for (const [query, want] of [
      ['html=pa-PK', 'ur'],
      ['html=pa-arab', 'ur'],
      ['html=en&data=PA-ARAB-PK', 'ur'],
      ['html=pa-IN', 'pa'],
      ['html=en&data=pa', 'pa'],
    ] as const) {
      const page = await load(`${all}/partner?${query}`);
      expect([query, await page.locator('.anchorline-root').getAttribute('lang')]).toEqual([query, want]);
      await page.context().close();
    }
  });

  it('writes a partner name with "$&" and "$1" as it is', async () => {
    const page = await load(`${englishOnly}/partner`);
    await page.locator('.anchorline-launcher').click();
    expect(await page.locator('#anchorline-title').innerText()).toBe(`Chat with ${PARTNER}`);
    await page.context().close();
  });
});

/**
 * Issue 14: the widget's own words are wording files (locales/<lng>/widget.json) read from the
 * live release, rebuilt once per release; its languages, directions and fonts come from
 * src/languages.ts; the demo page's language menu. No browser: what /widget.js and / serve.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createWidgetRoutes, type WidgetConfig, type WidgetOptions } from '../../../src/channels/web/widget/createWidgetRoutes.ts';
import { createTranslator, loadLocales, type Resources, type Translator } from '../../../src/i18n.ts';
import { LANGUAGES } from '../../../src/languages.ts';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

async function serve(opts: Partial<WidgetOptions>): Promise<string> {
  const app = express();
  app.use(createWidgetRoutes({ partnerName: 'Anchor <Network>', partnerColour: '#005eb8', ...opts }));
  const server = http.createServer(app);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function configOf(base: string): Promise<WidgetConfig> {
  const js = await (await fetch(`${base}/widget.js`)).text();
  const first = js.slice(0, js.indexOf('\n'));
  expect(first).toMatch(/^var ANCHORLINE = \{.*\};$/);
  // A partner's name or a translation can never close the script element.
  expect(first).not.toContain('<');
  return JSON.parse(first.slice('var ANCHORLINE = '.length, -1)) as WidgetConfig;
}

const words = (launcher: string) => ({ launcher, title: 'Jobs chat', language: 'Language', close: 'Close chat', connecting: 'Connecting…', unavailable: 'Sorry.' });
const release = (resources: Resources) => createTranslator(resources);

describe('the widget’s words', () => {
  it('come from the live wording, rebuilt once per release: a published translation reaches /widget.js without a restart', async () => {
    const first = await release({ en: { widget: words('Chat about jobs') }, ur: { widget: { ...words('پہلا'), webchat: { TEXT_INPUT_PLACEHOLDER: 'لکھیں' } } } });
    const second = await release({ en: { widget: words('Chat about jobs') }, ur: { widget: words('دوسرا') } });
    let live: Translator = first;
    let reads = 0;
    const bundle = first.i18n.getResourceBundle.bind(first.i18n);
    first.i18n.getResourceBundle = (...args: Parameters<typeof bundle>) => {
      reads++;
      return bundle(...args);
    };
    const base = await serve({ wording: () => live });
    const a = await configOf(base);
    expect(a.strings.ur!.launcher).toBe('پہلا');
    expect(a.strings.ur!.webchat).toEqual({ TEXT_INPUT_PLACEHOLDER: 'لکھیں' });
    const readsOnce = reads;
    expect(readsOnce).toBeGreaterThan(0);
    await configOf(base);
    await fetch(`${base}/`);
    // The same release: nothing read again.
    expect(reads).toBe(readsOnce);

    live = second;
    const b = await configOf(base);
    expect(b.strings.ur!.launcher).toBe('دوسرا');
    expect(b.strings.ur!.webchat).toBeUndefined();
  });

  it('fall back to English, string by string, when a language lacks one or has it blank — never a blank', async () => {
    const live = await release({
      en: { widget: words('Chat about jobs') },
      so: { widget: { launcher: '  ', title: 'Wada-hadal shaqo', webchat: { TEXT_INPUT_PLACEHOLDER: 'Qor fariintaada', TEXT_INPUT_ALT: '' } } },
      pl: { core: { x: 'y' } },
    });
    const c = await configOf(await serve({ wording: () => live, languages: ['en', 'so', 'pl'] }));
    expect(c.strings.so).toEqual({ ...words('Chat about jobs'), title: 'Wada-hadal shaqo', webchat: { TEXT_INPUT_PLACEHOLDER: 'Qor fariintaada' } });
    expect(c.strings.pl).toEqual(words('Chat about jobs'));
    // English has no Web Chat strings of ours: Web Chat's own English is used.
    expect(c.strings.en!.webchat).toBeUndefined();
  });

  it('come from the wording folders when the live release has none (one published before they were wording files)', async () => {
    const old = await release({ en: { core: { hello: 'Hello' } }, ur: { core: { hello: 'سلام' } } });
    const disk = await loadLocales('locales');
    const c = await configOf(await serve({ wording: () => old }));
    const en = (disk.en as { widget: Record<string, string> }).widget;
    const ur = (disk.ur as { widget: Record<string, unknown> }).widget;
    expect(c.strings.en!.launcher).toBe(en.launcher);
    expect(c.strings.ur!.launcher).toBe(ur.launcher);
    expect(c.strings.ur!.webchat).toEqual(ur.webchat);
  });
});

describe('the widget’s languages', () => {
  it('default to every registry language with wording, in registry order, with direction, font and Web Chat locale from the registry', async () => {
    const live = await release({ so: { widget: words('S') }, en: { widget: words('E') }, ar: { widget: words('A') }, xx: { widget: words('X') }, ur: { widget: words('U') } });
    const c = await configOf(await serve({ wording: () => live }));
    expect(c.languages).toEqual([
      { code: 'en', label: 'English', dir: 'ltr', webchatLocale: 'en-GB', font: null, lineHeight: null },
      { code: 'ur', label: 'اردو', dir: 'rtl', webchatLocale: 'ur', font: 'Noto Nastaliq Urdu', lineHeight: 2.1 },
      { code: 'ar', label: 'العربية', dir: 'rtl', webchatLocale: 'ar-SA', font: 'Noto Naskh Arabic', lineHeight: null },
      { code: 'so', label: 'Soomaali', dir: 'ltr', webchatLocale: 'so', font: null, lineHeight: null },
    ]);
    expect(c.fallback).toBe('en');
  });

  it('are limited to the live languages passed in (codes or registry entries); an unknown code is refused at start-up', async () => {
    const live = await release({ en: { widget: words('E') }, bn: { widget: words('B') }, pa: { widget: words('P') } });
    const c = await configOf(await serve({ wording: () => live, languages: [LANGUAGES.find((l) => l.code === 'pa')!, 'bn'] }));
    expect(c.languages.map((l) => [l.code, l.label, l.font])).toEqual([
      ['pa', 'ਪੰਜਾਬੀ', 'Noto Sans Gurmukhi'],
      ['bn', 'বাংলা', 'Noto Sans Bengali'],
    ]);
    // Without English, the first offered language is the fallback.
    expect(c.fallback).toBe('pa');
    expect(() => createWidgetRoutes({ partnerName: 'P', partnerColour: '#005eb8', languages: ['en', 'fr', 'pa-Arab'] })).toThrow(
      'widget languages: "fr", "pa-Arab" not in src/languages.ts (known: en, ur, pa, bn, ar, ro, pl, so)',
    );
  });
});

describe('the widget’s languages, per live release', () => {
  it('follow a function read per release: a publish that changes the live languages changes the menu, without a restart', async () => {
    const first = await release({ en: { widget: words('E') }, ur: { widget: words('U') }, pl: { widget: words('P') } });
    const second = await release({ en: { widget: words('E') }, ur: { widget: words('U') }, pl: { widget: words('P') } });
    let live: Translator = first;
    let liveCodes = ['en'];
    let reads = 0;
    const base = await serve({
      wording: () => live,
      languages: () => {
        reads++;
        return liveCodes;
      },
    });
    expect((await configOf(base)).languages.map((l) => l.code)).toEqual(['en']);
    // A release that makes Urdu and Polish live.
    live = second;
    liveCodes = ['en', 'ur', 'pl'];
    expect((await configOf(base)).languages.map((l) => l.code)).toEqual(['en', 'ur', 'pl']);
    const page = await (await fetch(`${base}/?lang=ur`)).text();
    expect(page).toContain('data-language="ur"');
    expect(reads).toBeGreaterThan(0);
  });

  it('carry the alias table of src/languages.ts (pa-Arab, pa-PK → Urdu) for the widget’s own resolution', async () => {
    const live = await release({ en: { widget: words('E') } });
    const c = await configOf(await serve({ wording: () => live }));
    expect(c.aliases).toEqual({ 'pa-arab': 'ur', 'pa-pk': 'ur' });
  });
});

describe('the demo page', () => {
  it('has a language menu of the offered languages, each in its own name and lang, and gives the chosen one to the widget', async () => {
    const live = await release({ en: { widget: words('E') }, ar: { widget: words('A') }, bn: { widget: words('B') } });
    const base = await serve({ wording: () => live });
    const page = await (await fetch(`${base}/?lang=ar`)).text();
    const menu = [...page.matchAll(/<li><a href="\?lang=([a-z]+)" lang="([a-z]+)" hreflang="[a-z]+" dir="(ltr|rtl)"( aria-current="page")?>([^<]+)<\/a><\/li>/g)].map((m) => ({
      code: m[1],
      lang: m[2],
      dir: m[3],
      current: !!m[4],
      label: m[5],
    }));
    expect(menu).toEqual([
      { code: 'en', lang: 'en', dir: 'ltr', current: false, label: 'English' },
      { code: 'bn', lang: 'bn', dir: 'ltr', current: false, label: 'বাংলা' },
      { code: 'ar', lang: 'ar', dir: 'rtl', current: true, label: 'العربية' },
    ]);
    expect(page).toContain('<script src="/widget.js" data-open="true" data-language="ar" async></script>');
    // The page's own text is English whatever the chat's language.
    expect(page).toContain('<html lang="en">');
    // A language not offered is not passed on: the widget decides (stored choice, page, browser).
    const other = await (await fetch(`${base}/?lang=fr"><script>`)).text();
    expect(other).toContain('<script src="/widget.js" data-open="true" async></script>');
    expect(other).not.toContain('aria-current="page"');
  });
});

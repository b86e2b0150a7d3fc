import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import type { Translator } from '../../../i18n.ts';
import { demoPage } from './demoPage.ts';
import { createFontRoutes } from './fontRoutes.ts';
import { LANGUAGE_ALIASES } from '../../../languages.ts';
import { normaliseReferralCode } from '../../../store/referralCodes.ts';
import { diskWording, offeredLanguages, widgetLanguage, widgetStrings, type WidgetLanguage, type WidgetStrings } from './widgetWording.ts';

/** Codes or registry entries of src/languages.ts. */
export type OfferedLanguages = ReadonlyArray<string | { code: string }>;

export type { WidgetStrings } from './widgetWording.ts';

export interface WidgetOptions {
  partnerName: string;
  /** Brand colour, `#rrggbb`. */
  partnerColour: string;
  /**
   * The languages offered in the widget's and the demo page's menus (the live languages): codes or
   * entries of src/languages.ts, shown in the registry's order. Default: every registry language
   * that has a wording folder. The fallback is English when offered, else the first. A function is
   * read per live release (with `wording`), so a publish that changes what is live reaches /widget.js.
   */
  languages?: OfferedLanguages | (() => OfferedLanguages);
  /** Where the Direct Line router is mounted (default /v3/directline). */
  directLinePath?: string;
  /** Direct Line token lifetime, so the widget knows when a stored token is stale (default 1800). */
  tokenTtlSeconds?: number;
  /**
   * The live wording (the flow catalog's live release translator), read on every request: the
   * widget's words (`widget.*`) are rebuilt once per release, so a translation published from the
   * studio reaches the widget without a restart. Default: the wording folders only.
   */
  wording?: () => Translator | undefined;
  /** The wording folders (default ./locales): the widget's words when the live wording lacks them. */
  localesDir?: string;
}

const require = createRequire(import.meta.url);
// Microsoft's prebuilt browser bundle, served from node_modules: no CDN. (The package's exports
// map hides package.json, so the folder is found from its CommonJS entry, lib/index.js.)
const WEBCHAT_DIR = path.dirname(path.dirname(require.resolve('botframework-webchat')));
const WEBCHAT_VERSION = (JSON.parse(readFileSync(path.join(WEBCHAT_DIR, 'package.json'), 'utf8')) as { version: string }).version;
const WEBCHAT_BUNDLE = path.join(WEBCHAT_DIR, 'dist', 'webchat.js');
/** Where the widget serves Web Chat; the studio's preview page loads it from here too (same origin). */
export const WEBCHAT_PATH = `/webchat/${WEBCHAT_VERSION}/webchat.js`;
const WIDGET_SOURCE = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'public', 'widget.js'), 'utf8');

/** Black or white, whichever reads better on `hex` (WCAG relative luminance, contrast ≥ 4.5 for either choice on most brand colours). */
export function textColourOn(hex: string): '#ffffff' | '#0b0c0c' {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + i * 2, 3 + i * 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
  const onWhite = 1.05 / (l + 0.05);
  const onBlack = (l + 0.05) / 0.05;
  return onWhite >= onBlack ? '#ffffff' : '#0b0c0c';
}

/** What the server writes in front of widget.js (`var ANCHORLINE = …`). */
export interface WidgetConfig {
  partnerName: string;
  colour: string;
  onColour: string;
  webchatPath: string;
  widgetPath: string;
  directLinePath: string;
  tokenTtlSeconds: number;
  fontsPath: string;
  /** Offered languages; the fallback is `fallback`. */
  languages: WidgetLanguage[];
  /** Tags (lower case) read as another language: `pa-arab` → `ur` (src/languages.ts LANGUAGE_ALIASES). */
  aliases: Readonly<Record<string, string>>;
  fallback: string;
  strings: Record<string, WidgetStrings>;
}

/** What is built once per release of the wording: the script, and demo pages by language. */
interface Built {
  /** The offered codes it was built for (a release's live languages can be read again). */
  key: string;
  widgetJs: string;
  languages: WidgetLanguage[];
  fallback: string;
  pages: Map<string, string>;
}

/** GET / (demo partner page, `?lang=<code>`, `?ref=<referral code>`), GET /widget.js (embed snippet), GET /webchat/<version>/webchat.js. */
export function createWidgetRoutes(opts: WidgetOptions): express.Router {
  const onColour = textColourOn(opts.partnerColour);
  const widgetPath = '/widget.js';
  const disk = diskWording(opts.localesDir ?? './locales');
  // Checked now, so a wrong list fails at start-up rather than on the first page.
  if (Array.isArray(opts.languages)) offeredLanguages(opts.languages, new Set());
  const wanted = (): OfferedLanguages | undefined => (typeof opts.languages === 'function' ? opts.languages() : opts.languages);

  const byRelease = new WeakMap<Translator, Built>();
  let noLive: Built | undefined;

  function build(live: Translator | undefined, diskT: Translator | undefined, want: OfferedLanguages | undefined, key: string): Built {
    // The languages the bot speaks: the live release's (the folders' only when there is no live wording).
    const withWording = new Set((live ?? diskT)?.languages ?? []);
    const offered = offeredLanguages(want, withWording);
    const languages = offered.map(widgetLanguage);
    const fallback = languages.some((l) => l.code === 'en') ? 'en' : languages[0]!.code;
    const config: WidgetConfig = {
      partnerName: opts.partnerName,
      colour: opts.partnerColour,
      onColour,
      webchatPath: WEBCHAT_PATH,
      widgetPath,
      directLinePath: opts.directLinePath ?? '/v3/directline',
      tokenTtlSeconds: opts.tokenTtlSeconds ?? 1800,
      fontsPath: '/fonts/fonts.css',
      languages,
      aliases: LANGUAGE_ALIASES,
      fallback,
      strings: Object.fromEntries(languages.map((l) => [l.code, widgetStrings(l.code, live, diskT)])),
    };
    // `<` escaped so a partner name or a translation can never close a script element.
    const widgetJs = `var ANCHORLINE = ${JSON.stringify(config).replace(/</g, '\\u003c')};\n${WIDGET_SOURCE}`;
    return { key, widgetJs, languages, fallback, pages: new Map() };
  }

  /** The widget built for the live wording, once per release (a published release is a new translator). */
  async function current(): Promise<Built> {
    const live = opts.wording?.();
    const want = wanted();
    const key = want ? want.map((w) => (typeof w === 'string' ? w : w.code)).join(',') : '*';
    const hit = live ? byRelease.get(live) : noLive;
    if (hit?.key === key) return hit;
    const built = build(live, await disk(), want, key);
    if (live) byRelease.set(live, built);
    else noLive = built;
    return built;
  }

  const pageCsp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self' ws: wss:",
    "frame-ancestors 'self'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');

  const router = express.Router();
  router.use(createFontRoutes());
  router.get('/', async (req, res) => {
    const built = await current();
    // An unknown or absent ?lang= leaves the choice to the widget (stored choice, page, browser).
    const asked = typeof req.query.lang === 'string' ? req.query.lang : '';
    const lang = built.languages.find((l) => l.code === asked)?.code ?? '';
    // A referral link (`/?ref=CODE`): the code goes to the widget; a malformed one is left out.
    const referral = normaliseReferralCode(req.query.ref);
    let page = referral ? undefined : built.pages.get(lang);
    if (page === undefined) {
      page = demoPage({ partnerName: opts.partnerName, colour: opts.partnerColour, onColour, widgetPath, languages: built.languages, language: lang || undefined, referral });
      // Pages with a code are not kept: there is one per code anyone types.
      if (!referral) built.pages.set(lang, page);
    }
    res.set({ 'Content-Security-Policy': pageCsp, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' });
    res.type('html').send(page);
  });
  router.get(widgetPath, async (_req, res) => {
    const { widgetJs } = await current();
    // Partners embed it on their own origins.
    res.set({ 'Cache-Control': 'public, max-age=300', 'Cross-Origin-Resource-Policy': 'cross-origin', 'X-Content-Type-Options': 'nosniff' });
    res.type('application/javascript').send(widgetJs);
  });
  router.get(WEBCHAT_PATH, (_req, res, next) => {
    res.set({ 'Cross-Origin-Resource-Policy': 'cross-origin', 'X-Content-Type-Options': 'nosniff' });
    res.sendFile(WEBCHAT_BUNDLE, { maxAge: '7d', immutable: true, headers: { 'Content-Type': 'application/javascript; charset=utf-8' } }, (err) => {
      if (err) next(err);
    });
  });
  return router;
}

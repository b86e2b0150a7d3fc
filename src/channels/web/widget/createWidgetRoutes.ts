import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { demoPage } from './demoPage.ts';
import { createFontRoutes, NASKH, NASTALIQ } from './fontRoutes.ts';
import { WEBCHAT_LOCALES, WEBCHAT_STRINGS } from './webchatStrings.ts';

export interface WidgetOptions {
  partnerName: string;
  /** Brand colour, `#rrggbb`. */
  partnerColour: string;
  /** Languages offered in the widget's menu, first = fallback (default English and Urdu). */
  languages?: Array<{ code: string; label: string }>;
  /** Where the Direct Line router is mounted (default /v3/directline). */
  directLinePath?: string;
  /** Direct Line token lifetime, so the widget knows when a stored token is stale (default 1800). */
  tokenTtlSeconds?: number;
  /** The widget's own wording per language (merged over the defaults for en and ur). */
  strings?: Record<string, WidgetStrings>;
}

export interface WidgetStrings {
  launcher: string;
  title: string;
  language: string;
  close: string;
  connecting: string;
  unavailable: string;
  /** Web Chat's own strings (its bundle has no Urdu), by Web Chat's string id. */
  webchat?: Record<string, string>;
}

/** `{partner}` in a title is replaced with the partner's name. */
export const WIDGET_STRINGS: Record<string, WidgetStrings> = {
  en: {
    launcher: 'Chat about jobs',
    title: 'Jobs chat',
    language: 'Language',
    close: 'Close chat',
    connecting: 'Connecting…',
    unavailable: 'Sorry, the chat is not available right now. Please try again later.',
  },
  ur: {
    launcher: 'ملازمتوں کے بارے میں بات کریں',
    title: 'ملازمتوں کی چیٹ',
    language: 'زبان',
    close: 'چیٹ بند کریں',
    connecting: 'رابطہ ہو رہا ہے…',
    unavailable: 'معذرت، چیٹ ابھی دستیاب نہیں ہے۔ براہ کرم تھوڑی دیر بعد دوبارہ کوشش کریں۔',
    webchat: WEBCHAT_STRINGS.ur,
  },
};

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

/** GET / (demo partner page), GET /widget.js (embed snippet), GET /webchat/<version>/webchat.js. */
export function createWidgetRoutes(opts: WidgetOptions): express.Router {
  const onColour = textColourOn(opts.partnerColour);
  const webchatPath = WEBCHAT_PATH;
  const defaults = {
    partnerName: opts.partnerName,
    strings: { ...WIDGET_STRINGS, ...opts.strings },
    colour: opts.partnerColour,
    onColour,
    webchatPath,
    widgetPath: '/widget.js',
    directLinePath: opts.directLinePath ?? '/v3/directline',
    tokenTtlSeconds: opts.tokenTtlSeconds ?? 1800,
    fontsPath: '/fonts/fonts.css',
    fonts: { nastaliq: NASTALIQ, naskh: NASKH },
    webchatLocales: WEBCHAT_LOCALES,
    languages: opts.languages ?? [
      { code: 'en', label: 'English' },
      { code: 'ur', label: 'اردو' },
    ],
  };
  // `<` escaped so a partner name can never close the script element.
  const widgetJs = `var ANCHORLINE = ${JSON.stringify(defaults).replace(/</g, '\\u003c')};\n${WIDGET_SOURCE}`;
  const page = demoPage({ partnerName: opts.partnerName, colour: opts.partnerColour, onColour, widgetPath: '/widget.js' });
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
  router.get('/', (_req, res) => {
    res.set({ 'Content-Security-Policy': pageCsp, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' });
    res.type('html').send(page);
  });
  router.get('/widget.js', (_req, res) => {
    // Partners embed it on their own origins.
    res.set({ 'Cache-Control': 'public, max-age=300', 'Cross-Origin-Resource-Policy': 'cross-origin', 'X-Content-Type-Options': 'nosniff' });
    res.type('application/javascript').send(widgetJs);
  });
  router.get(webchatPath, (_req, res, next) => {
    res.set({ 'Cross-Origin-Resource-Policy': 'cross-origin', 'X-Content-Type-Options': 'nosniff' });
    res.sendFile(WEBCHAT_BUNDLE, { maxAge: '7d', immutable: true, headers: { 'Content-Type': 'application/javascript; charset=utf-8' } }, (err) => {
      if (err) next(err);
    });
  });
  return router;
}

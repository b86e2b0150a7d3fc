import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import express from 'express';
import type { Language } from '../../../languages.ts';

const require = createRequire(import.meta.url);

/**
 * Fonts served by our own server (no CDN), from the @fontsource packages (issues 11 and 14):
 * Noto Nastaliq Urdu for Urdu, Noto Naskh Arabic for other Arabic-script text, Noto Sans Bengali
 * and Noto Sans Gurmukhi. Only each font's own script subset is declared (with its unicode-range),
 * so Latin text inside them (a postcode, a URL) keeps the system font, and a browser downloads a
 * file only when a page shows that script.
 */
const FAMILIES = [
  { pkg: 'noto-nastaliq-urdu', subset: 'arabic', family: 'Noto Nastaliq Urdu' },
  { pkg: 'noto-naskh-arabic', subset: 'arabic', family: 'Noto Naskh Arabic' },
  { pkg: 'noto-sans-bengali', subset: 'bengali', family: 'Noto Sans Bengali' },
  { pkg: 'noto-sans-gurmukhi', subset: 'gurmukhi', family: 'Noto Sans Gurmukhi' },
] as const;
const WEIGHTS = [400, 700] as const;

export const NASTALIQ = FAMILIES[0].family;
export const NASKH = FAMILIES[1].family;
export const BENGALI = FAMILIES[2].family;
export const GURMUKHI = FAMILIES[3].family;

/** How a language is drawn in the widget: a web font from this server, or none (the system font). */
export interface LanguageFont {
  family: string;
  /** Nastaliq's tall letters need more room between lines than the default. */
  lineHeight?: number;
}

/** The web font for a language's script (Latin: none, the system font is used). */
export function fontOf(l: Pick<Language, 'code' | 'script'>): LanguageFont | undefined {
  if (l.script === 'Arab') return l.code === 'ur' ? { family: NASTALIQ, lineHeight: 2.1 } : { family: NASKH };
  if (l.script === 'Beng') return { family: BENGALI };
  if (l.script === 'Guru') return { family: GURMUKHI };
  return undefined;
}

const dirOf = (pkg: string) => path.join(path.dirname(require.resolve(`@fontsource/${pkg}/package.json`)), 'files');
const fileName = (pkg: string, subset: string, w: number) => `${pkg}-${subset}-${w}-normal.woff2`;

/** The `@font-face` rules, with font URLs relative to the stylesheet (`/fonts/fonts.css`). */
function fontCss(): string {
  const rules: string[] = [];
  for (const { pkg, subset } of FAMILIES) {
    for (const w of WEIGHTS) {
      const css = readFileSync(path.join(path.dirname(dirOf(pkg)), `${w}.css`), 'utf8');
      const name = `${pkg}-${subset}-${w}-normal`;
      const blocks = css.split('/*').filter((b) => b.trimStart().startsWith(`${name} `));
      if (blocks.length !== 1) throw new Error(`@fontsource/${pkg}/${w}.css: expected one @font-face for ${name}, found ${blocks.length}`);
      // One source (woff2: every browser Web Chat supports reads it), from this server.
      rules.push(`/*${blocks[0]}`.replace(/src: [^;]+;/, `src: url(${pkg}/${fileName(pkg, subset, w)}) format('woff2');`).trim());
    }
  }
  return `${rules.join('\n\n')}\n`;
}

/** GET /fonts/fonts.css and GET /fonts/<package>/<file>.woff2, readable from partners' origins. */
export function createFontRoutes(): express.Router {
  const css = fontCss();
  const files = new Map<string, string>();
  for (const { pkg, subset } of FAMILIES) for (const w of WEIGHTS) files.set(`${pkg}/${fileName(pkg, subset, w)}`, path.join(dirOf(pkg), fileName(pkg, subset, w)));
  // Fonts are fetched with CORS when the widget runs on a partner's site.
  const shared = { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin', 'X-Content-Type-Options': 'nosniff' };
  const router = express.Router();
  router.get('/fonts/fonts.css', (_req, res) => {
    res.set({ ...shared, 'Cache-Control': 'public, max-age=86400' });
    res.type('text/css').send(css);
  });
  router.get('/fonts/:pkg/:file', (req, res, next) => {
    const file = files.get(`${req.params.pkg}/${req.params.file}`);
    if (!file) return next();
    res.sendFile(file, { maxAge: '30d', immutable: true, headers: { ...shared, 'Content-Type': 'font/woff2' } }, (err) => {
      if (err) next(err);
    });
  });
  return router;
}

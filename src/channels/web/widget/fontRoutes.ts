import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import express from 'express';

const require = createRequire(import.meta.url);

/**
 * Arabic-script fonts served by our own server (no CDN), from the @fontsource packages:
 * Noto Nastaliq Urdu for Urdu, Noto Naskh Arabic for other Arabic-script text (issue 11).
 * Only the Arabic subsets are declared, so Latin text (a postcode, a URL) keeps the page's
 * system font while Arabic script picks these up.
 */
const FAMILIES = [
  { pkg: 'noto-nastaliq-urdu', family: 'Noto Nastaliq Urdu' },
  { pkg: 'noto-naskh-arabic', family: 'Noto Naskh Arabic' },
] as const;
const WEIGHTS = [400, 700] as const;

export const NASTALIQ = FAMILIES[0].family;
export const NASKH = FAMILIES[1].family;

const dirOf = (pkg: string) => path.join(path.dirname(require.resolve(`@fontsource/${pkg}/package.json`)), 'files');

/** The `@font-face` rules, with font URLs relative to the stylesheet (`/fonts/fonts.css`). */
function fontCss(): string {
  const rules: string[] = [];
  for (const { pkg } of FAMILIES) {
    for (const w of WEIGHTS) {
      const css = readFileSync(path.join(path.dirname(dirOf(pkg)), `${w}.css`), 'utf8');
      for (const block of css.split('/*').filter((b) => b.includes(`${pkg}-arabic-${w}-normal`))) {
        // One source (woff2: every browser Web Chat supports reads it), from this server.
        rules.push(`/*${block}`.replace(/src: [^;]+;/, `src: url(${pkg}/${pkg}-arabic-${w}-normal.woff2) format('woff2');`).trim());
      }
    }
  }
  return `${rules.join('\n\n')}\n`;
}

/** GET /fonts/fonts.css and GET /fonts/<package>/<file>.woff2, readable from partners' origins. */
export function createFontRoutes(): express.Router {
  const css = fontCss();
  const files = new Map<string, string>();
  for (const { pkg } of FAMILIES) for (const w of WEIGHTS) files.set(`${pkg}/${pkg}-arabic-${w}-normal.woff2`, path.join(dirOf(pkg), `${pkg}-arabic-${w}-normal.woff2`));
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

/**
 * The shell of every outcomes page (dashboard, sign-in, report, poster, refusals): one `<h1>`, a
 * skip link, landmarks, visible focus, styles inline (there is no script at all: see
 * OUTCOMES_CSP). Text from outside goes through `html` before it reaches `body`.
 */
import type { Response } from 'express';
import { html } from './html.ts';

/** No script of any kind, no framing, forms post here only; styles inline (the charts' SVG carries style attributes too). */
export const OUTCOMES_CSP = [
  "default-src 'none'",
  "script-src 'none'",
  "style-src 'unsafe-inline'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

export function outcomesHeaders(res: Response): void {
  res.set({
    'Content-Security-Policy': OUTCOMES_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    'X-Robots-Tag': 'noindex, nofollow',
    'Cache-Control': 'no-store',
  });
}

const CSS = `
:root { --ink: #1d3557; --text: #1b1b1b; --muted: #4a4a4a; --line: #b1b4b6; --focus: #ffbf47; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 Arial, Helvetica, sans-serif; color: var(--text); background: #fff; }
.skip { position: absolute; left: -999px; top: 0; padding: .5rem 1rem; background: var(--focus); color: #000; }
.skip:focus { left: 0; }
header { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; justify-content: space-between; padding: .75rem 1.5rem; background: var(--ink); color: #fff; }
header a, header .brand { color: #fff; font-weight: bold; }
header form { margin: 0; display: flex; gap: .75rem; align-items: center; }
main { max-width: 70rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
a { color: #1d4f91; }
a:focus, button:focus, input:focus, select:focus, [tabindex]:focus { outline: 3px solid var(--focus); outline-offset: 2px; box-shadow: 0 0 0 5px #000; }
h1 { font-size: 1.9rem; margin: .75rem 0; }
h2 { font-size: 1.4rem; margin: 2rem 0 .5rem; border-top: 2px solid var(--ink); padding-top: 1rem; }
.lead { font-size: 1.1rem; color: var(--muted); }
fieldset { border: 1px solid var(--line); padding: 1rem; display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-end; }
legend { font-weight: bold; padding: 0 .25rem; }
label { display: block; font-weight: bold; font-size: .95rem; }
input, select { font: inherit; padding: .35rem; border: 2px solid #0b0c0c; min-width: 10rem; }
button, .button { font: inherit; font-weight: bold; padding: .45rem 1rem; background: var(--ink); color: #fff; border: 2px solid var(--ink); cursor: pointer; text-decoration: none; display: inline-block; }
header button { background: #fff; color: var(--ink); }
.problems { border: 4px solid #d4351c; padding: 1rem; margin: 1rem 0; }
.problems h2 { border: 0; margin: 0 0 .5rem; padding: 0; }
figure { margin: 1rem 0; }
figure svg { max-width: 100%; height: auto; }
.legend-text { color: var(--muted); font-size: .95rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: bold; padding: .25rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .35rem .5rem; text-align: right; vertical-align: top; }
th[scope=row], thead th:first-child { text-align: left; }
thead th { border-bottom: 2px solid #0b0c0c; }
.exports { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; padding: 0; list-style: none; }
.note { color: var(--muted); font-size: .95rem; }
.headline { display: flex; flex-wrap: wrap; gap: 1rem; padding: 0; list-style: none; }
.headline li { border: 2px solid var(--ink); padding: .75rem 1rem; min-width: 10rem; }
.headline strong { display: block; font-size: 1.8rem; }
@media print {
  header, .skip, form, .exports, .no-print { display: none !important; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  table, figure { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
`;

export interface OutcomesPageOptions {
  title: string;
  /** Trusted HTML of the main content. */
  body: string;
  /** Who is signed in, for the header ("Network view", "Pioneer Group"); none on the sign-in page. */
  who?: { label: string; csrf?: string };
  /** Extra CSS (the poster's and report's page size). */
  css?: string;
}

export function outcomesPage(o: OutcomesPageOptions): string {
  const signout = o.who?.csrf
    ? `<form method="post" action="/admin/outcomes/signout"><input type="hidden" name="csrf" value="${html(o.who.csrf)}"><span>${html(o.who.label)}</span> <button type="submit">Sign out</button></form>`
    : o.who
      ? `<span>${html(o.who.label)}</span>`
      : '';
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(o.title)} · Anchorline outcomes</title>
<style>${CSS}${o.css ?? ''}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header><p class="brand"><a href="/admin/outcomes">Anchorline outcomes</a></p>${signout}</header>
<main id="main" tabindex="-1">
<h1>${html(o.title)}</h1>
${o.body}
</main>
</body>
</html>`;
}

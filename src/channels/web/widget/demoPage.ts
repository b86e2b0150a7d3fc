/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface DemoPageOptions {
  partnerName: string;
  colour: string;
  onColour: string;
  widgetPath: string;
  /** The languages offered (menu, in this order, each by its own name). */
  languages: ReadonlyArray<{ code: string; label: string; dir: 'ltr' | 'rtl' }>;
  /** The chat's language chosen in the page's menu (`?lang=`): given to the widget as `data-language`. */
  language?: string | undefined;
  /** A referral code from the page's address (`?ref=CODE`): given to the widget as `data-referral`. */
  referral?: string | undefined;
}

/**
 * GET / — a demo page dressed as a partner's website, with the chat open. It embeds the same
 * /widget.js snippet partners paste, so the demo shows exactly what residents get. Its language
 * menu is links (`?lang=<code>`; the page allows no inline script) that set the snippet's
 * `data-language`; the page's own text stays English, so `<html lang>` stays `en`. A referral link
 * (`/?ref=CODE`) passes its code on as `data-referral`, as a partner's page would.
 */
export function demoPage(opts: DemoPageOptions): string {
  const name = escapeHtml(opts.partnerName);
  const menu = opts.languages
    .map((l) => {
      const current = l.code === opts.language ? ' aria-current="page"' : '';
      return `<li><a href="?lang=${escapeHtml(l.code)}" lang="${escapeHtml(l.code)}" hreflang="${escapeHtml(l.code)}" dir="${l.dir}"${current}>${escapeHtml(l.label)}</a></li>`;
    })
    .join('');
  const spoken = opts.languages.map((l) => `<span lang="${escapeHtml(l.code)}" dir="${l.dir}">${escapeHtml(l.label)}</span>`).join(', ');
  const dataLanguage = opts.language ? ` data-language="${escapeHtml(opts.language)}"` : '';
  const dataReferral = opts.referral ? ` data-referral="${escapeHtml(opts.referral)}"` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Jobs and training — ${name}</title>
<meta name="description" content="Entry-level jobs and free pre-employment courses with the NHS, the council, the university and housing associations.">
<style>
  :root { --accent: ${opts.colour}; --on-accent: ${opts.onColour}; }
  * { box-sizing: border-box; }
  body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 1.125rem; line-height: 1.5; color: #0b0c0c; background: #f3f2f1; }
  .skip { position: absolute; left: -9999px; }
  .skip:focus { left: 8px; top: 8px; z-index: 10; padding: 8px 12px; background: #ffdd00; color: #0b0c0c; }
  header { background: var(--accent); color: var(--on-accent); }
  .bar { max-width: 960px; margin: 0 auto; padding: 16px 20px; display: flex; flex-wrap: wrap; align-items: center; gap: 12px 24px; }
  .brand { margin: 0; font-size: 1.25rem; font-weight: 700; }
  nav ul { display: flex; flex-wrap: wrap; gap: 16px; margin: 0; padding: 0; list-style: none; }
  nav a { color: inherit; font-weight: 600; }
  a:focus-visible, button:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
  main { max-width: 960px; margin: 0 auto; padding: 24px 20px 160px; }
  h1 { font-size: clamp(1.75rem, 4vw, 2.5rem); line-height: 1.2; margin: 0 0 16px; }
  .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 16px; padding: 0; list-style: none; }
  .cards li { background: #fff; border-top: 4px solid var(--accent); padding: 16px; }
  .cards h3 { margin: 0 0 8px; font-size: 1.125rem; }
  .langs { display: flex; flex-wrap: wrap; gap: 8px 16px; margin: 0 0 16px; padding: 0; list-style: none; }
  .langs a { display: inline-block; min-height: 44px; padding: 8px 4px; color: #1d70b8; }
  .langs a[aria-current] { color: #0b0c0c; font-weight: 700; text-decoration: none; }
  footer { background: #0b0c0c; color: #fff; }
  footer p { max-width: 960px; margin: 0 auto; padding: 20px; font-size: 1rem; }
</style>
</head>
<body>
<a class="skip" href="#main">Skip to main content</a>
<header>
  <div class="bar">
    <p class="brand">${name}</p>
    <nav aria-label="Main"><ul><li><a href="#jobs">Jobs</a></li><li><a href="#courses">Courses</a></li><li><a href="#help">Help</a></li></ul></nav>
  </div>
</header>
<main id="main">
  <h1>Start a job with the NHS, the council or the university</h1>
  <p>Worked in hotels, bars, restaurants or events? Aged 16 to 24 and looking for a first job? Our partners recruit together:
  one application, a free course with a guaranteed interview, and an adviser from your community when you want one.</p>
  <p>Use the chat to check what you are eligible for, book a course place and apply. It works in ${spoken}.</p>
  <nav aria-labelledby="chat-language"><h2 id="chat-language">Chat language</h2><ul class="langs">${menu}</ul></nav>
  <h2 id="jobs">Entry-level roles</h2>
  <ul class="cards">
    <li><h3>Healthcare support worker</h3><p>Hospital wards and community teams. Full training given.</p></li>
    <li><h3>Porter and domestic roles</h3><p>Keep the hospital moving. Early, late and weekend shifts.</p></li>
    <li><h3>Catering and hospitality</h3><p>Your customer skills count. Kitchens, cafés and patient meals.</p></li>
    <li><h3>Admin and reception</h3><p>Council and university front desks, bookings and records.</p></li>
  </ul>
  <h2 id="courses">Free pre-employment courses</h2>
  <p>Two to four weeks, local venues, with a guaranteed interview at the end.</p>
  <h2 id="help">Need a person?</h2>
  <p>Type “talk to a person” in the chat at any time and an employment adviser will pick it up.</p>
</main>
<footer><p>${name}. This is a demonstration page for the Anchorline chat assistant.</p></footer>
<script src="${escapeHtml(opts.widgetPath)}" data-open="true"${dataLanguage}${dataReferral} async></script>
</body>
</html>
`;
}

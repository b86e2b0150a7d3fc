import { can, type Permission, type Staff } from './staff.ts';

/** Escapes text for HTML element content and attribute values. */
export function html(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface PageOptions {
  title: string;
  /** Undefined on the sign-in pages. */
  staff?: Staff;
  /** The nav entry to mark as current (`aria-current="page"`). */
  active?: 'flows' | 'wording' | 'preview' | 'publish' | 'history' | 'data' | 'outcomes' | 'attendance' | 'signin';
  /** Trusted HTML of the main content (escape everything from outside with `html`). */
  body: string;
  /** Module scripts under /studio/assets/ to load, e.g. `editor.js`. */
  scripts?: string[];
}

/** The studio's pages; an entry with a permission shows only to roles that have it. */
const NAV: Array<{ key: NonNullable<PageOptions['active']>; href: string; label: string; permission?: Permission }> = [
  { key: 'flows', href: '/studio/flows', label: 'Flows' },
  { key: 'wording', href: '/studio/wording', label: 'Wording' },
  { key: 'preview', href: '/studio/preview', label: 'Preview' },
  { key: 'publish', href: '/studio/publish', label: 'Publish' },
  { key: 'history', href: '/studio/history', label: 'History' },
  { key: 'data', href: '/studio/data', label: 'Programme data' },
  { key: 'attendance', href: '/studio/attendance', label: 'Attendance' },
  // Opens the outcomes dashboard (/admin/outcomes) with a session of its own.
  { key: 'outcomes', href: '/studio/outcomes', label: 'Outcomes', permission: 'outcomes' },
];

/**
 * The shell of every studio page: one `<h1>`, a skip link, landmarks, the nav with the current
 * page marked, and the CSRF token in a meta tag for scripts (WCAG 2.2 AA; axe runs on every page).
 */
export function page(o: PageOptions): string {
  const nav = o.staff
    ? `<nav aria-label="Studio"><ul>${NAV.filter((n) => !n.permission || can(o.staff!.role, n.permission)).map(
        (n) => `<li><a href="${n.href}"${n.key === o.active ? ' aria-current="page"' : ''}>${n.label}</a></li>`,
      ).join('')}</ul></nav>
      <form method="post" action="/studio/signout" class="signout"><input type="hidden" name="csrf" value="${html(o.staff.csrf)}">
        <span>${html(o.staff.email)} (${o.staff.role})</span> <button type="submit">Sign out</button></form>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${o.staff ? `<meta name="csrf-token" content="${html(o.staff.csrf)}">\n<meta name="staff-role" content="${o.staff.role}">` : ''}
<title>${html(o.title)} · Anchorline studio</title>
<link rel="icon" href="/studio/assets/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/studio/assets/studio.css">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header><p class="brand"><a href="/studio">Anchorline studio</a></p>${nav}</header>
<main id="main" tabindex="-1">
<h1>${html(o.title)}</h1>
${o.body}
</main>
${(o.scripts ?? []).map((s) => `<script type="module" src="/studio/assets/${html(s)}"></script>`).join('\n')}
</body>
</html>`;
}

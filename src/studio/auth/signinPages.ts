import { html, page } from '../layout.ts';

/** The sign-in pages (no staff yet, so no nav). Each says what to do next in plain words. */

const HOW_TO_GET_A_LINK =
  '<p>Ask a coordinator for a new sign-in link, or ask whoever runs the Anchorline server to run <code>anchorline studio link your.name@example.org</code>. A link works once, for a limited time.</p>';

/** GET /studio/signin?token=…: a button, so that mail scanners fetching the link do not use it up. */
export function signinButtonPage(token: string, next: string | undefined): string {
  return page({
    title: 'Sign in to the studio',
    active: 'signin',
    body: `<p>Press the button to sign in to the Anchorline studio on this browser. The link works once.</p>
<form method="post" action="/studio/signin">
<input type="hidden" name="token" value="${html(token)}">
${next ? `<input type="hidden" name="next" value="${html(next)}">` : ''}
<button type="submit">Sign in</button>
</form>`,
  });
}

/** GET /studio/signin: how to get in. */
export function signinHelpPage(): string {
  return page({
    title: 'Sign in to the studio',
    active: 'signin',
    body: `<p>The studio has no passwords: you sign in with a link sent to you by invitation.</p>\n${HOW_TO_GET_A_LINK}`,
  });
}

/** A link that was used, has expired, was never valid or whose account was removed (which one is not said). */
export function signinGonePage(): string {
  return page({
    title: 'This sign-in link does not work',
    active: 'signin',
    body: `<p>It has been used already, it has expired, or the account was removed.</p>\n${HOW_TO_GET_A_LINK}`,
  });
}

/** A sign-in posted from another website (Sec-Fetch-Site: cross-site): refused, the link left as it was. */
export function signinCrossSitePage(): string {
  return page({
    title: 'Sign in from your own link',
    active: 'signin',
    body: `<p>This sign-in was sent from another website, so it was refused: you were not signed in.</p>
<p>Open the sign-in link you were sent yourself (paste it into the address bar), then press Sign in on the studio's own page.</p>`,
  });
}

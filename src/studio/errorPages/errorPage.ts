import type { AppError } from '../../errors.ts';
import { html, page } from '../layout.ts';
import type { Staff } from '../staff.ts';

export interface ErrorPageContext {
  /** The request changed something (a form post), so the page says the change was not saved. */
  change: boolean;
  /** The change came from another site (`Sec-Fetch-Site: cross-site`). */
  crossSite: boolean;
  /** Where to come back to after signing in again (already checked to be a studio path). */
  returnTo: string;
  /** Set when the guard let the request in (the nav is shown); unset when it refused it. */
  staff?: Staff | undefined;
}

const BACK = "Use your browser's Back button to return to the form: your browser keeps what you typed.";

/**
 * The page a coordinator sees when a studio page or form fails: what happened and what to do in
 * plain words, so that nobody loses typed work to a JSON error. Every text from outside is
 * escaped; the error's own message is the server's.
 */
export function errorPage(e: AppError, c: ErrorPageContext): string {
  const notSaved = c.change ? 'Your changes were not saved: ' : '';
  const home = '<p><a href="/studio">Go to the studio home page</a></p>';
  const signin = `/studio/signin?next=${encodeURIComponent(c.returnTo)}`;
  let title: string;
  let body: string;
  if (e.code === 'studio_signin_required') {
    title = 'You are signed out';
    body = c.change
      ? `<p>${notSaved}you were signed out (a session ends after a time without use, or when this browser signs out or signs in again).</p>
<p><a href="${html(signin)}">Sign in again</a>, then go back: your browser keeps what you typed. Save again from there.</p>`
      : `<p>Your session has ended. <a href="${html(signin)}">Sign in again</a> to carry on.</p>`;
  } else if (e.code === 'csrf_failed' && c.crossSite) {
    title = 'A change from another site was refused';
    body = `<p>${notSaved || 'Nothing was done: '}the request came from another website, and the studio only takes changes made on its own pages.</p>
<p>If you meant to make this change, open the studio yourself and make it there.</p>${home}`;
  } else if (e.code === 'csrf_failed') {
    title = 'This page is out of date';
    body = `<p>${notSaved}the page was opened before this browser last signed in, so its security token no longer matches.</p>
<p>${BACK} Then open the same page in a new tab, copy your changes across and save them there.</p>`;
  } else if (e.code === 'forbidden') {
    title = 'Your role may not do this';
    body = `<p>${notSaved || 'This page is not open to you: '}${html(e.message)}.</p>
<p>Ask a coordinator if you need this done.</p>${home}`;
  } else if (e.status === 404) {
    title = 'Not found';
    body = `<p>${notSaved}there is no such page or item (${html(e.message)}). It may have been removed, or the address may be mistyped.</p>${home}`;
  } else if (e.status >= 500) {
    title = 'Something went wrong';
    body = `<p>${c.change ? 'Your changes may not have been saved: ' : ''}something went wrong on the server.</p>
<p>${c.change ? `${BACK} Try saving again in a moment.` : 'Try again in a moment.'}</p>${home}`;
  } else {
    title = c.change ? 'Your changes were not saved' : 'This cannot be shown';
    body = `<p>${html(e.message)}.</p>${c.change ? `<p>${BACK} Correct it there and save again.</p>` : ''}${home}`;
  }
  return page({ title, ...(c.staff ? { staff: c.staff } : {}), body: `<div role="alert">${body}</div>` });
}

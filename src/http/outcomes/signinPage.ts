/** The dashboard's sign-in page: paste the operator token or a partner credential (coordinators come through the studio). */
import { html } from './html.ts';
import { outcomesPage } from './outcomesPage.ts';

export function signinPage(problem?: string): string {
  const error = problem
    ? `<div class="problems" role="alert" aria-labelledby="signin-problem"><h2 id="signin-problem">You are not signed in</h2><p>${html(problem)}</p></div>`
    : '';
  return outcomesPage({
    title: 'Sign in to see reach and outcomes',
    body: `${error}<p class="lead">Partners: paste the credential the network’s operator gave you (it begins <code>alp_</code>). You will see your own referral routes and vacancies only.</p>
<p>Coordinators: open <a href="/studio/outcomes">Outcomes in the studio</a> instead.</p>
<form method="post" action="/admin/outcomes/signin"><fieldset><legend>Your credential</legend>
<div><label for="credential">Operator token or partner credential</label><input id="credential" name="credential" type="password" autocomplete="off" spellcheck="false" required size="60"></div>
<div><button type="submit">Sign in</button></div></fieldset></form>
<p class="note">The sign-in lasts 8 hours on this browser, or until you sign out. A revoked credential stops working at once.</p>`,
  });
}

/** A refusal or failure as a page (browsers), with a way back. */
export function problemPage(status: number, message: string): string {
  const title = status === 401 ? 'Please sign in' : status === 403 ? 'Not yours to see' : status === 404 ? 'Not found' : status >= 500 ? 'Something went wrong' : 'That cannot be shown';
  const next = status === 401 ? '<p><a class="button" href="/admin/outcomes/signin">Sign in</a></p>' : '<p><a href="/admin/outcomes">Back to the dashboard</a></p>';
  return outcomesPage({ title, body: `<p class="lead">${html(message)}</p>${next}` });
}

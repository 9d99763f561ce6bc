// People's sign-in: single sign-on (a button to the identity provider) and passwordless e-mail
// links, plus the pages around them (mail sent; the link's confirm button). Signing in with an API
// token stays on /admin/login. The forms post plainly (no script needed); the server checks that
// they come from our own pages (Origin), so the pages send a same-origin referrer.
import { html, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';

export interface SignInPageView {
  /** The identity provider's name and the start URL; null without single sign-on. */
  sso: { name: string; url: string } | null;
  /** E-mail links can be asked for (a mail server is set). */
  email: boolean;
  ssoOnlyDomains: readonly string[];
  next: string;
  notice: string | null;
  error: string | null;
}

function page(title: string, body: SafeHtml): SafeHtml {
  return layout({
    title: `${title} · otaship`,
    styles: ['base.css', 'admin.css'],
    bodyClass: 'admin login',
    referrer: 'same-origin',
    noindex: true,
    body: html`<main class="page login-page" id="main">
<h1>otaship</h1>
${body}
</main>`,
  });
}

export function renderSignInPage(view: SignInPageView): SafeHtml {
  const sso = view.sso
    ? html`<a class="button button-primary" id="sso" href="${view.sso.url}">Sign in with ${view.sso.name}</a>`
    : '';
  const email = view.email
    ? html`<form method="post" action="/sign-in/email" class="stack">
  <label for="email">E-mail address</label>
  <input id="email" name="email" type="email" autocomplete="email" required spellcheck="false" autocapitalize="off" placeholder="you@example.com">
  <input type="hidden" name="next" value="${view.next}">
  <button class="button" type="submit">E-mail me a sign-in link</button>
  ${view.ssoOnlyDomains.length > 0 ? html`<p class="muted small">Addresses at ${view.ssoOnlyDomains.join(', ')} sign in with ${view.sso?.name ?? 'single sign-on'}.</p>` : ''}
</form>`
    : '';
  return page(
    'Sign in',
    html`<section class="card login-form">
  <h2>Sign in</h2>
  ${view.notice ? html`<div class="notice" role="status">${view.notice}</div>` : ''}
  ${view.error ? html`<div class="notice notice-error" role="alert">${view.error}</div>` : ''}
  ${sso}
  ${email}
  ${!view.sso && !view.email ? html`<p>Ask an admin for an invitation link.</p>` : ''}
  <p class="muted small"><a href="/admin/login">Sign in with an API token</a> instead.</p>
</section>`,
  );
}

/** A mailed link opens this page; only its button uses the link (previewers fetch links too). */
export function renderLinkPage(view: { action: string }): SafeHtml {
  return page(
    'Sign in',
    html`<form class="card login-form" method="post" action="${view.action}">
  <h2>Sign in to otaship</h2>
  <p>This link works once.</p>
  <button class="button button-primary" type="submit" id="use-link">Sign in</button>
</form>`,
  );
}

/**
 * The opt-out link of a "new build" mail: says whose notices it is about and asks (a button posts
 * the choice back; opening the link changes nothing, as mail scanners open links too).
 */
export function renderNoticesPage(view: { action: string; email: string; off: boolean; changed: boolean }): SafeHtml {
  const state = view.off ? 'No new build mails are sent to' : 'New build mails are sent to';
  return page(
    'New build mails',
    html`<form class="card login-form" method="post" action="${view.action}">
  <h2>New build mails</h2>
  ${view.changed ? html`<div class="notice" role="status">Saved.</div>` : ''}
  <p id="notices-state">${state} ${view.email}.</p>
  <input type="hidden" name="notices" value="${view.off ? 'on' : 'off'}">
  <button class="button button-primary" type="submit" id="notices-toggle">${view.off ? 'Send them again' : 'Stop these mails'}</button>
  <p class="muted small">Your apps and builds stay on <a href="/my">My apps</a> either way.</p>
</form>`,
  );
}

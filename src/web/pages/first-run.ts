// The first admin's one-time sign-in link lands here. Opening the link changes nothing: chat and
// mail link previewers fetch links they see, and a GET that signed in would use the link up (and
// hand the previewer an admin session). The button posts the code back; only that signs in.
import { html, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';

export function renderFirstRunPage(view: { action: string }): SafeHtml {
  return layout({
    title: 'First sign-in · otaship',
    styles: ['base.css', 'admin.css'],
    bodyClass: 'admin login',
    // The sign-in post is checked for our own Origin; other sites get no Referer (the URL holds the code).
    referrer: 'same-origin',
    body: html`<main class="page login-page" id="main">
<h1>otaship</h1>
<form class="card login-form" method="post" action="${view.action}">
  <h2>Sign in as the first admin</h2>
  <p>This link was printed by <code>otaship serve</code> on a new server. It works once, for an hour.</p>
  <button class="button button-primary" type="submit">Sign in</button>
  <p class="muted small">Then create tokens for CI and people on the Tokens page.</p>
</form>
</main>`,
  });
}

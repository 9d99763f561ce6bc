// Sign-in with an API token (admin or app-limited) or the bootstrap OTASHIP_ADMIN_TOKEN. A plain HTML
// form POST, so it works without script; the server answers with a session cookie and a redirect.
import { html, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';
import type { LoginPageView } from '../view-models.js';

export function renderLoginPage(view: LoginPageView): SafeHtml {
  return layout({
    title: 'Sign in · otaship',
    styles: ['base.css', 'admin.css'],
    bodyClass: 'admin login',
    // The server refuses a sign-in whose Origin is not its own (login CSRF): let the browser send it.
    // The page holds no token in its URL, and other sites still get no Referer.
    referrer: 'same-origin',
    body: html`<main class="page login-page" id="main">
<h1>otaship</h1>
<form class="card login-form" method="post" action="/admin/login">
  <h2>Sign in</h2>
  ${view.error ? html`<div class="notice notice-error" role="alert">${view.error}</div>` : ''}
  <label for="token">API token</label>
  <input id="token" name="token" type="password" autocomplete="current-password" required spellcheck="false" autocapitalize="off" placeholder="ota_…">
  <input type="hidden" name="next" value="${view.next}">
  <button class="button button-primary" type="submit">Sign in</button>
  <p class="muted small">Use an admin token, a token limited to one app, or the server’s OTASHIP_ADMIN_TOKEN. Create tokens with <code>otaship token create</code>.</p>
  <p class="small"><a href="/sign-in">Sign in with your account</a> (single sign-on or an e-mail link) instead.</p>
</form>
${view.secure ? '' : html`<p class="muted small">This server runs over http: the token travels unencrypted.</p>`}
</main>`,
  });
}

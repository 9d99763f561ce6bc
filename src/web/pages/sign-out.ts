// The page behind GET /admin/logout (old bookmarks, typed URLs). Signing out changes state, and after
// single sign-on it also ends the session at the identity provider, so a cross-site link or image must
// not be able to do it: the page only offers the button, whose POST is checked for our origin.
import { html, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';

export function renderSignOutPage(): SafeHtml {
  return layout({
    title: 'Sign out · otaship',
    styles: ['base.css'],
    body: html`<main class="page" id="main">
<h1>Sign out</h1>
<p>This ends your otaship session in every browser tab, and at your company's sign-in when you came through it.</p>
<form method="post" action="/admin/logout"><button type="submit">Sign out</button></form>
</main>`,
  });
}

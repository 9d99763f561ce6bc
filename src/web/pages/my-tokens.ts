// A signed-in person's own API tokens: they act as the person, with the person's roles (read at
// each request), for the CLI or scripts. Created and revoked through /api/v1/me/tokens by
// public/people.js; a new token's secret is shown once, from the API's answer, and never again.
import { html, type SafeHtml } from '../html.js';
import { formatDate } from '../format.js';
import { tokenStatus } from './admin-tokens.js';
import { myLayout } from './my-apps.js';

export interface MyTokenView {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export interface MyTokensPageView {
  who: string;
  adminLink: boolean;
  tokens: MyTokenView[];
  now: Date;
}

export function renderMyTokensPage(view: MyTokensPageView): SafeHtml {
  const rows = view.tokens.map(
    (t) => html`<tr data-token-id="${t.id}">
  <td class="token-name">${t.name}</td>
  <td>${formatDate(t.createdAt)}</td>
  <td>${t.lastUsedAt ? formatDate(t.lastUsedAt) : html`<span class="muted">never</span>`}</td>
  <td>${t.expiresAt ? formatDate(t.expiresAt) : html`<span class="muted">never</span>`}</td>
  <td>${tokenStatus(t, view.now)}</td>
  <td>${t.revokedAt ? '' : html`<button type="button" class="button button-small button-danger" data-api="/api/v1/me/tokens/${t.id}" data-method="DELETE" data-confirm="Revoke the token ${t.name}? Anything using it stops working at once.">Revoke</button>`}</td>
</tr>`,
  );
  return myLayout({
    title: 'Tokens',
    who: view.who,
    adminLink: view.adminLink,
    current: 'tokens',
    scripts: ['people.js'],
    body: html`<h1>My API tokens</h1>
<p class="muted">A token acts as you, with your roles on each app, for the otaship CLI or your scripts. Removing you from a group limits it at once.</p>
<div class="flash" id="flash" role="status" aria-live="polite"></div>
<form class="card stack" data-api="/api/v1/me/tokens" data-method="POST" id="my-token-form">
  <h2>New token</h2>
  <label for="token-name">Name</label>
  <input id="token-name" name="name" required maxlength="100" placeholder="My laptop">
  <label for="token-days">Expires in days</label>
  <input id="token-days" name="expiresInDays" type="number" min="1" max="3650" placeholder="never">
  <button class="button button-primary" type="submit">Create token</button>
</form>
<div class="table-wrap"><table class="tokens" id="my-tokens">
  <thead><tr><th>Name</th><th>Created</th><th>Last used</th><th>Expires</th><th>Status</th><th></th></tr></thead>
  <tbody>${rows}</tbody>
</table></div>
${view.tokens.length === 0 ? html`<p class="muted empty">No tokens yet.</p>` : ''}`,
  });
}

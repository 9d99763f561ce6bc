// Admin: API tokens. The secret of a new token is shown once (by admin.js, from the API's 201 answer)
// and never again: the server keeps only its hash.
import { html, type SafeHtml } from '../html.js';
import { formatDate } from '../format.js';
import { adminLayout } from './admin-layout.js';
import { actionsCell, labelledCell } from './admin-table.js';
import { cliSnippetsSection } from '../cli-snippets.js';
import type { AdminTokenView, AdminTokensPageView } from '../view-models.js';

/** A token's state as a badge (the admin's tokens and a person's own). */
export function tokenStatus(t: Pick<AdminTokenView, 'revokedAt' | 'expiresAt'>, now: Date): SafeHtml {
  if (t.revokedAt) return html`<span class="badge badge-bad">revoked ${formatDate(t.revokedAt)}</span>`;
  if (t.expiresAt && t.expiresAt.getTime() <= now.getTime()) return html`<span class="badge badge-bad">expired</span>`;
  return html`<span class="badge badge-ok">active</span>`;
}

export function renderAdminTokensPage(view: AdminTokensPageView): SafeHtml {
  const rows = view.tokens.map(
    (t) => html`<tr data-token-id="${t.id}">
  ${labelledCell('Name', t.name, 'token-name')}
  ${labelledCell('Scope', t.admin ? html`<span class="badge">admin</span>` : t.appId ? (t.appName ?? t.appId) : 'all apps')}
  ${labelledCell('Created', formatDate(t.createdAt))}
  ${labelledCell('Last used', t.lastUsedAt ? formatDate(t.lastUsedAt) : html`<span class="muted">never</span>`)}
  ${labelledCell('Expires', t.expiresAt ? formatDate(t.expiresAt) : html`<span class="muted">never</span>`)}
  ${labelledCell('Status', tokenStatus(t, view.now))}
  ${actionsCell(t.revokedAt ? '' : html`<button type="button" class="button button-small button-danger" data-action="revoke-token" data-label="${t.name}">Revoke</button>`)}
</tr>`,
  );
  return adminLayout({
    title: 'Tokens',
    user: view.user,
    section: 'tokens',
    body: html`<h1>API tokens</h1>
<form class="card token-form" id="token-form">
  <h2>New token</h2>
  <div class="grid">
    <label>Name<input name="name" required maxlength="100" placeholder="CI on main"></label>
    <label>App<select name="appId"><option value="">All apps</option>${view.apps.map(
      (a) => html`<option value="${a.id}">${a.name} (${a.platform === 'ios' ? 'iOS' : 'Android'})</option>`,
    )}</select></label>
    <label>Expires in days<input name="expiresInDays" type="number" min="1" max="3650" placeholder="never"></label>
    <label class="check"><input type="checkbox" name="admin"> Admin (manage tokens and every app)</label>
  </div>
  <button class="button button-primary" type="submit">Create token</button>
</form>
<div class="card token-secret" id="token-secret" hidden>
  <p><strong>Copy this token now: it will not be shown again.</strong></p>
  <div class="row"><input type="text" readonly id="token-secret-value" aria-label="New token"><button type="button" class="button button-small" data-action="copy-secret">Copy</button></div>
</div>
<table class="tokens" id="tokens">
  <thead><tr><th>Name</th><th>Scope</th><th>Created</th><th>Last used</th><th>Expires</th><th>Status</th><th></th></tr></thead>
  <tbody>${rows}</tbody>
</table>
<p class="muted empty" id="no-tokens"${view.tokens.length === 0 ? '' : html` hidden`}>No tokens yet.</p>
${view.publicUrl ? cliSnippetsSection(view.publicUrl) : ''}`,
  });
}

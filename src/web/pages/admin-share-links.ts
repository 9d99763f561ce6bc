// Admin: one app's share links (services/share-links.ts). Plain forms (no script needed): make a
// link (the page then shows its URL once, with a copy button and a QR code), revoke one.
import { html, type SafeHtml } from '../html.js';
import { formatDateTime } from '../format.js';
import { qrSvg } from '../qr.js';
import { adminLayout } from './admin-layout.js';
import type { AdminUser } from '../view-models.js';
import type { ShareLinkJson } from '../../services/share-links.js';

export interface AdminShareLinksView {
  user: AdminUser;
  app: { id: string; name: string };
  /** Releases a link may open (newest first), besides "the latest build". */
  releases: Array<{ id: string; label: string }>;
  links: ShareLinkJson[];
  /** Just made: its URL is shown this once. */
  created: { name: string; url: string } | null;
}

const STATE_LABEL: Record<ShareLinkJson['state'], string> = {
  active: 'active',
  revoked: 'revoked',
  expired: 'expired',
  'used-up': 'all installs used',
};

async function createdBox(created: { name: string; url: string }): Promise<SafeHtml> {
  return html`<section class="card notice notice-info" id="share-link-created">
  <h2>Share link “${created.name}” made</h2>
  <p>Copy it now: it is shown only this once (revoke it and make a new one if it is lost).</p>
  <input class="link-field" type="text" readonly value="${created.url}" aria-label="Share link" id="share-link-url">
  <button type="button" class="button button-small" data-action="copy" data-copy="${created.url}">Copy link</button>
  <div class="qr">${await qrSvg(created.url, { label: `QR code of the share link ${created.name}` })}</div>
</section>`;
}

function row(appId: string, l: ShareLinkJson, releases: Map<string, string>): SafeHtml {
  const target = l.releaseId === null ? 'latest build' : (releases.get(l.releaseId) ?? `release ${l.releaseId}`);
  return html`<tr data-link-id="${l.id}" data-state="${l.state}">
  <td><strong>${l.name}</strong><br><span class="muted small">${target}${l.hasPasscode ? ' · passcode' : ''} · by ${l.createdBy}</span></td>
  <td data-role="state">${STATE_LABEL[l.state]}</td>
  <td class="small">${l.expiresAt ? formatDateTime(new Date(l.expiresAt)) : html`<span class="muted">never</span>`}</td>
  <td data-role="views">${String(l.views)}</td>
  <td data-role="installs">${String(l.installs)}${l.installLimit !== null ? ` / ${l.installLimit}` : ''}</td>
  <td>${l.revokedAt
    ? ''
    : html`<form method="post" action="/admin/apps/${appId}/share-links/${l.id}/revoke"><button type="submit" class="button button-small button-danger" data-action="revoke-share-link">Revoke</button></form>`}</td>
</tr>`;
}

export async function renderAdminShareLinksPage(view: AdminShareLinksView): Promise<SafeHtml> {
  const names = new Map(view.releases.map((r) => [r.id, r.label]));
  return adminLayout({
    title: `Share links · ${view.app.name}`,
    user: view.user,
    section: 'apps',
    body: html`<p class="crumbs"><a href="/admin">Apps</a> › <a href="/admin/apps/${view.app.id}">${view.app.name}</a> ›</p>
<h1>Share links of ${view.app.name}</h1>
<p class="muted">Named links for testers outside your team: each has its own expiry, install limit, passcode and counts, and stops working at once when revoked.</p>
${view.created ? await createdBox(view.created) : ''}
<form class="card stack" method="post" action="/admin/apps/${view.app.id}/share-links" id="share-link-form">
  <h2>Make a share link</h2>
  <label for="share-name">Name</label>
  <input id="share-name" name="name" type="text" required maxlength="200" placeholder="e.g. QA team, conference demo">
  <label for="share-release">Opens</label>
  <select id="share-release" name="releaseId"><option value="">The latest build (at each visit)</option>${view.releases.map(
    (r) => html`<option value="${r.id}">${r.label}</option>`,
  )}</select>
  <label for="share-days">Expires after (days) <span class="muted">(empty: never)</span></label>
  <input id="share-days" name="expiresInDays" type="number" min="1" max="3650" inputmode="numeric">
  <label for="share-limit">Install limit <span class="muted">(empty: none)</span></label>
  <input id="share-limit" name="installLimit" type="number" min="1" max="1000000" inputmode="numeric">
  <label for="share-passcode">Passcode <span class="muted">(optional, 4-128 characters; give it to testers separately)</span></label>
  <input id="share-passcode" name="passcode" type="text" minlength="4" maxlength="128" autocomplete="off" spellcheck="false">
  <button class="button button-primary" type="submit">Make link</button>
</form>
${view.links.length === 0
  ? html`<p class="empty muted" id="no-share-links">No share links yet.</p>`
  : html`<div class="table-wrap"><table class="share-links" id="share-links">
<thead><tr><th>Link</th><th>State</th><th>Expires</th><th>Views</th><th>Installs</th><th></th></tr></thead>
<tbody>${view.links.map((l) => row(view.app.id, l, names))}</tbody>
</table></div>`}`,
  });
}

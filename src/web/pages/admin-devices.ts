// Admin: devices registered through /udid, with Apple's bulk-upload file (devices.txt). Renaming and
// removing go through the JSON API (public/admin.js).
import { html, type SafeHtml } from '../html.js';
import { formatDate, formatDateTime } from '../format.js';
import { adminLayout } from './admin-layout.js';
import { actionsCell, labelledCell } from './admin-table.js';
import type { AdminDeviceView, AdminDevicesPageView } from '../view-models.js';

/**
 * Anonymous registrations wait for an admin: a new device until it is marked reviewed (a cap bounds
 * how many may wait), and a known UDID's new report (name, model) until it is accepted or dropped.
 */
function reviewState(d: AdminDeviceView): SafeHtml | string {
  const claim = d.pendingClaim;
  const parts: Array<SafeHtml | string> = [];
  if (!d.reviewed) {
    parts.push(html`<br><span class="badge badge-bad" data-role="unreviewed">New: not reviewed</span>
    <button type="button" class="button button-small" data-action="review-device" data-review="keep">Mark reviewed</button>`);
  }
  if (claim) {
    parts.push(html`<div class="notice small" data-role="pending-claim">A new registration of this UDID reports
    <strong>${claim.deviceName ?? 'no name'}</strong>, ${claim.product}, ${claim.version}${claim.serial ? html`, serial ${claim.serial}` : ''}
    (<span title="${formatDateTime(claim.at)}">${formatDate(claim.at)}</span>).
    <button type="button" class="button button-small" data-action="review-device" data-review="accept">Accept</button>
    <button type="button" class="button button-small" data-action="review-device" data-review="keep">Keep stored</button></div>`);
  }
  return parts.length ? html`${parts}` : '';
}

function deviceRow(d: AdminDeviceView): SafeHtml {
  const name = d.label ?? d.deviceName;
  return html`<tr data-device-id="${d.id}">
  ${labelledCell('Name', html`${name ?? html`<span class="muted">unnamed</span>`}${d.label && d.deviceName ? html`<br><span class="muted small">${d.deviceName}</span>` : ''}${reviewState(d)}`, 'device-name')}
  ${labelledCell('UDID', html`<code class="udid">${d.udid}</code> <button type="button" class="button button-small" data-action="copy" data-copy="${d.udid}">Copy</button>`)}
  ${labelledCell('Model', d.product)}
  ${labelledCell('iOS', d.version)}
  ${labelledCell('Serial', d.serial ?? html`<span class="muted">—</span>`)}
  ${labelledCell('Registered', html`<span title="${formatDateTime(d.firstRegisteredAt)}">${formatDate(d.firstRegisteredAt)}</span>`)}
  ${labelledCell('Last seen', html`<span title="${formatDateTime(d.lastRegisteredAt)}">${formatDate(d.lastRegisteredAt)}</span>`)}
  ${actionsCell(html`<button type="button" class="button button-small" data-action="label-device" data-current="${d.label ?? ''}">Rename</button>
    <button type="button" class="button button-small button-danger" data-action="delete-device" data-label="${name ?? d.udid}">Remove</button>`)}
</tr>`;
}

export function renderAdminDevicesPage(view: AdminDevicesPageView): SafeHtml {
  return adminLayout({
    title: 'Devices',
    user: view.user,
    section: 'devices',
    body: html`<h1>Devices</h1>
<div class="card">
${view.udidPageUrl
    ? html`<p>Testers register an iPhone or iPad by opening <a href="${view.udidPageUrl}"><code>${view.udidPageUrl}</code></a> in Safari on the device.</p>`
    : html`<p>Registration is turned off on this server (<code>OTASHIP_UDID_REGISTRATION=off</code>); the devices below stay listed.</p>`}
<p><a class="button" href="${view.exportUrl}" download="devices.txt">Download devices.txt</a> <span class="muted">for Apple Developer › Devices › Register Multiple Devices. Registration is open to anyone who reaches the server: check the list before uploading it.</span></p>
</div>
<table class="devices" id="devices">
  <thead><tr><th>Name</th><th>UDID</th><th>Model</th><th>iOS</th><th>Serial</th><th>Registered</th><th>Last seen</th><th></th></tr></thead>
  <tbody>${view.devices.map(deviceRow)}</tbody>
</table>
${view.devices.length === 0 ? html`<p class="muted empty">No devices registered yet.</p>` : ''}`,
  });
}

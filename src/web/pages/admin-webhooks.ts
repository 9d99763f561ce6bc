// Admin: webhooks. Creating one shows its signing secret once (admin.js, from the API's 201 answer,
// as tokens are shown); deleting and test pings go through the JSON API. Each webhook lists its most
// recent deliveries with their outcome, so a receiver that stopped answering is seen here.
import { html, type SafeHtml } from '../html.js';
import { formatDate, formatDateTime } from '../format.js';
import { adminLayout } from './admin-layout.js';
import { actionsCell, labelledCell } from './admin-table.js';
import type { AdminWebhookDeliveryView, AdminWebhookView, AdminWebhooksPageView } from '../view-models.js';

function deliveryOutcome(d: AdminWebhookDeliveryView): SafeHtml {
  const answer = d.lastStatus !== null ? `HTTP ${d.lastStatus}` : d.lastError ?? '';
  const badge =
    d.state === 'delivered'
      ? html`<span class="badge badge-ok">delivered</span>`
      : d.state === 'failed'
        ? html`<span class="badge badge-bad">failed</span>`
        : html`<span class="badge badge-warn">pending</span>`;
  const tries = `${d.attemptCount} ${d.attemptCount === 1 ? 'attempt' : 'attempts'}`;
  return html`<li data-role="delivery" data-state="${d.state}">${badge} ${d.event} · <time datetime="${d.createdAt.toISOString()}">${formatDateTime(d.createdAt)}</time> · ${tries}${
    answer ? html` · <span class="muted">${answer}</span>` : ''
  }</li>`;
}

function lastDelivery(h: AdminWebhookView): SafeHtml {
  const last = h.deliveries[0];
  if (!last) return html`<span class="muted">no deliveries yet</span>`;
  return html`<ul class="deliveries">${h.deliveries.map(deliveryOutcome)}</ul>`;
}

function webhookRow(h: AdminWebhookView): SafeHtml {
  return html`<tr data-webhook-id="${h.id}">
  ${labelledCell('URL', html`<code class="webhook-url">${h.url}</code>${h.description ? html`<br><span class="muted small">${h.description}</span>` : ''}`)}
  ${labelledCell('Events', h.events.join(', '))}
  ${labelledCell('App', h.appId ? (h.appName ?? h.appId) : 'all apps')}
  ${labelledCell('Created', formatDate(h.createdAt))}
  ${labelledCell('Recent deliveries', lastDelivery(h))}
  ${actionsCell(html`<button type="button" class="button button-small" data-action="ping-webhook">Send test</button>
    <button type="button" class="button button-small button-danger" data-action="delete-webhook" data-label="${h.url}">Delete</button>`)}
</tr>`;
}

export function renderAdminWebhooksPage(view: AdminWebhooksPageView): SafeHtml {
  return adminLayout({
    title: 'Webhooks',
    user: view.user,
    section: 'webhooks',
    body: html`<h1>Webhooks</h1>
<form class="card webhook-form" id="webhook-form">
  <h2>New webhook</h2>
  <p class="muted small">otaship POSTs a signed JSON event to this URL when a release is published, edited or deleted.</p>
  <div class="grid">
    <label>URL<input name="url" type="url" required maxlength="2000" placeholder="https://ci.example.com/hooks/otaship" autocapitalize="off" spellcheck="false"></label>
    <label>App<select name="appId"><option value="">All apps</option>${view.apps.map(
      (a) => html`<option value="${a.id}">${a.name} (${a.platform === 'ios' ? 'iOS' : 'Android'})</option>`,
    )}</select></label>
    <label>Description<input name="description" maxlength="200" placeholder="QA chat"></label>
  </div>
  <fieldset class="events"><legend>Events</legend>${view.events.map(
    (e) => html`<label class="check"><input type="checkbox" name="events" value="${e}" checked> ${e}</label> `,
  )}</fieldset>
  <button class="button button-primary" type="submit">Create webhook</button>
</form>
<div class="card token-secret" id="webhook-secret" hidden>
  <p><strong>Copy this signing secret now: it will not be shown again.</strong> The receiver checks the X-Otaship-Signature header with it.</p>
  <div class="row"><input type="text" readonly id="webhook-secret-value" aria-label="Signing secret"><button type="button" class="button button-small" data-action="copy-webhook-secret">Copy</button></div>
</div>
<table class="webhooks" id="webhooks">
  <thead><tr><th>URL</th><th>Events</th><th>App</th><th>Created</th><th>Recent deliveries</th><th></th></tr></thead>
  <tbody>${view.webhooks.map(webhookRow)}</tbody>
</table>
<p class="muted empty" id="no-webhooks"${view.webhooks.length === 0 ? '' : html` hidden`}>No webhooks yet.</p>`,
  });
}

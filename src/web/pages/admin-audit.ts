// Admin: the audit log, newest first, with filters (a GET form: it works without script) and a link
// to the next page. Everything shown comes from the entries and is escaped by html``.
import { html, type SafeHtml } from '../html.js';
import { formatDateTime } from '../format.js';
import { adminLayout } from './admin-layout.js';
import { labelledCell } from './admin-table.js';
import type { AdminUser } from '../view-models.js';

export interface AdminAuditEntryView {
  at: Date;
  actor: { kind: string; id: string | null; label: string | null };
  client: string | null;
  action: string;
  target: { type: string; id: string | null; label: string | null } | null;
  app: { id: string; name: string | null } | null;
  outcome: string;
  details: Record<string, unknown>;
}

export interface AdminAuditPageView {
  user: AdminUser;
  entries: AdminAuditEntryView[];
  /** The filters as given (shown back in the form). */
  filter: { actor: string; action: string; appId: string; from: string; to: string };
  /** Apps the reader may filter by. */
  apps: Array<{ id: string; name: string; platform: string }>;
  nextPageUrl: string | null;
}

function actorCell(a: AdminAuditEntryView['actor']): SafeHtml {
  if (a.kind === 'anonymous') return html`<span class="muted">not signed in</span>`;
  const kind = a.kind === 'person' ? '' : html` <span class="muted small">(${a.kind === 'token' ? 'API token' : a.kind})</span>`;
  return html`${a.label ?? a.id ?? a.kind}${kind}`;
}

function targetCell(e: AdminAuditEntryView): SafeHtml | string {
  const t = e.target;
  if (!t) return '';
  return html`<span class="muted small">${t.type}</span> ${t.label ?? html`<code>${t.id ?? '—'}</code>`}`;
}

function detailsCell(details: Record<string, unknown>): SafeHtml | string {
  const pairs = Object.entries(details);
  if (pairs.length === 0) return '';
  return html`<ul class="audit-details">${pairs.map(([k, v]) => html`<li><span class="muted">${k}</span> ${Array.isArray(v) ? v.join(', ') : String(v)}</li>`)}</ul>`;
}

function outcomeBadge(outcome: string): SafeHtml {
  return outcome === 'success' ? html`<span class="badge">${outcome}</span>` : html`<span class="badge badge-bad">${outcome}</span>`;
}

function entryRow(e: AdminAuditEntryView): SafeHtml {
  return html`<tr>
  ${labelledCell('When', formatDateTime(e.at))}
  ${labelledCell('Who', actorCell(e.actor))}
  ${labelledCell('Action', html`<code>${e.action}</code> ${outcomeBadge(e.outcome)}`)}
  ${labelledCell('Target', targetCell(e))}
  ${labelledCell('App', e.app ? html`<a href="/admin/apps/${encodeURIComponent(e.app.id)}">${e.app.name ?? e.app.id}</a>` : '')}
  ${labelledCell('From', e.client ?? '')}
  ${labelledCell('Details', detailsCell(e.details))}
</tr>`;
}

export function renderAdminAuditPage(view: AdminAuditPageView): SafeHtml {
  const f = view.filter;
  return adminLayout({
    title: 'Audit',
    user: view.user,
    section: 'audit',
    body: html`<h1>Audit log</h1>
<form class="card search-fields" method="get" action="/admin/audit" role="search">
  <label>Who <input type="search" name="actor" value="${f.actor}" placeholder="e-mail, token name or id"></label>
  <label>Action <input type="search" name="action" value="${f.action}" placeholder="release, sign-in, token.revoke…"></label>
  <label>App <select name="appId"><option value="">All</option>${view.apps.map(
    (a) => html`<option value="${a.id}"${a.id === f.appId ? html` selected` : ''}>${a.name} (${a.platform})</option>`,
  )}</select></label>
  <label>From <input type="date" name="from" value="${f.from}"></label>
  <label>Before <input type="date" name="to" value="${f.to}"></label>
  <button type="submit" class="button">Filter</button>
</form>
<table class="audit" id="audit">
  <thead><tr><th>When</th><th>Who</th><th>Action</th><th>Target</th><th>App</th><th>From</th><th>Details</th></tr></thead>
  <tbody>${view.entries.map(entryRow)}</tbody>
</table>
${view.entries.length === 0 ? html`<p class="muted empty">No entries match.</p>` : ''}
${view.nextPageUrl ? html`<p><a class="button" href="${view.nextPageUrl}" rel="next">Older entries</a></p>` : ''}`,
  });
}

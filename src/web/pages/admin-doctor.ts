// Admin: the doctor's report for one release ("Check this release"): the verdict, what was
// reached, and each finding with what the phone shows, the fix and any configuration snippet.
import type { DoctorReport, Finding } from '../../core/doctor/index.js';
import { html, type SafeHtml } from '../html.js';
import type { AdminUser } from '../view-models.js';
import { adminLayout } from './admin-layout.js';

export interface AdminDoctorView {
  user: AdminUser;
  appId: string;
  appName: string;
  releaseLabel: string;
  report: DoctorReport;
}

// Existing classes only (base.css): the admin's styles are shared with other pages.
const BADGE = { error: 'badge-bad', warning: '', info: '' } as const;

function findingItem(f: Finding): SafeHtml {
  const snippets = Object.entries(f.snippets ?? {}) as [string, string][];
  return html`<li class="card finding finding-${f.severity}" data-code="${f.code}">
  <p><span class="badge ${BADGE[f.severity]}">${f.severity}</span> <code>${f.code}</code> <span class="muted">(${f.step})</span></p>
  <p>${f.message}</p>
  ${f.url ? html`<p class="muted"><code>${f.url}</code></p>` : ''}
  <p><strong>On the phone:</strong> ${f.phone}</p>
  <p><strong>Fix:</strong> ${f.fix}</p>
  ${snippets.map(([server, text]) => html`<details><summary>${server}</summary><pre><code>${text}</code></pre></details>`)}
</li>`;
}

export function renderAdminDoctorPage(view: AdminDoctorView): SafeHtml {
  const r = view.report;
  const count = (s: Finding['severity']) => r.findings.filter((f) => f.severity === s).length;
  return adminLayout({
    title: `Check ${view.appName} ${view.releaseLabel}`,
    user: view.user,
    section: 'apps',
    body: html`<p><a href="/admin/apps/${encodeURIComponent(view.appId)}">← ${view.appName}</a></p>
<h1>Check of ${view.appName} ${view.releaseLabel}</h1>
<p class="notice ${r.installable ? '' : 'notice-error'}" data-role="verdict">${r.installable ? 'Installable' : 'Not installable'}: ${count('error')} errors, ${count('warning')} warnings, ${count('info')} notes (${r.requests} requests from this server to its public URL).</p>
<dl class="card">
  ${r.pageUrl ? html`<dt>Page</dt><dd><code>${r.pageUrl}</code></dd>` : ''}
  ${r.manifestUrl ? html`<dt>Manifest</dt><dd><code>${r.manifestUrl}</code></dd>` : ''}
  ${r.package ? html`<dt>Package</dt><dd>${r.package.bundleId ?? ''} ${r.package.size ?? '?'} bytes; ${r.package.bytesRead} bytes read to judge it</dd>` : ''}
  ${r.tls.filter((t) => t.protocol).map((t) => html`<dt>TLS</dt><dd>${t.origin}: ${t.protocol} ${t.cipher ?? ''}${t.daysLeft !== null ? `, certificate ${t.daysLeft} days left` : ''}</dd>`)}
</dl>
<ol class="findings">${r.findings.map(findingItem)}</ol>`,
  });
}

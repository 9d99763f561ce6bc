// Shared frame of the admin pages: top bar with navigation and the sign-out form. The admin script
// (public/admin.js) talks to the JSON API with the session cookie and the X-Requested-With header.
import { html, type HtmlValue, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';
import type { AdminUser } from '../view-models.js';

export type AdminSection = 'apps' | 'tokens' | 'devices' | 'webhooks' | 'people' | 'audit';

export function adminLayout(options: {
  title: string;
  user: AdminUser;
  section: AdminSection;
  body: HtmlValue;
  /** Page scripts besides admin.js (files under /assets/). */
  scripts?: string[];
}): SafeHtml {
  const nav = (section: AdminSection, href: string, label: string): SafeHtml =>
    html`<a href="${href}"${options.section === section ? html` aria-current="page"` : ''}>${label}</a>`;
  return layout({
    title: `${options.title} · otaship admin`,
    styles: ['base.css', 'admin.css'],
    scripts: ['admin.js', ...(options.scripts ?? [])],
    bodyClass: 'admin',
    // The admin's plain form posts ("Check this release", Sign out) must carry their Origin, which
    // the server checks (auth.ts); under no-referrer a browser sends `Origin: null`. Admin URLs carry
    // no tokens, and same-origin sends nothing to other sites.
    referrer: 'same-origin',
    body: html`<header class="topbar">
  <a class="brand" href="/admin">otaship</a>
  <nav aria-label="Admin">${nav('apps', '/admin', 'Apps')}${options.user.admin ? [nav('devices', '/admin/devices', 'Devices'), nav('tokens', '/admin/tokens', 'Tokens'), nav('webhooks', '/admin/webhooks', 'Webhooks'), nav('people', '/admin/people', 'People'), nav('audit', '/admin/audit', 'Audit')] : ''}</nav>
  <form class="signout" method="post" action="/admin/logout">
    <span class="muted who">${options.user.name}</span>
    <button type="submit" class="button button-small" id="signout">Sign out</button>
  </form>
</header>
<div class="flash" id="flash" role="status" aria-live="polite"></div>
<main class="page admin-page" id="main">
${options.body}
</main>`,
  });
}

/** Shown above uploads and install links when iOS will refuse installs from this server. */
export function insecureBanner(secure: boolean): SafeHtml | string {
  if (secure) return '';
  return html`<div class="notice notice-error insecure" role="alert"><strong>This server’s public URL is http.</strong> iOS refuses to install apps from http addresses: set OTASHIP_PUBLIC_URL to an https origin (or run with <code>--tls self-signed</code>). Android downloads still work.</div>`;
}

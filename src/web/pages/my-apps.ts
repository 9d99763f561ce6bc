// A signed-in person's home: the apps and builds they may install, newest first, each with its
// install button and notes. Install pages open with the person's session (their own install links).
import { html, type SafeHtml } from '../html.js';
import { formatDateTime } from '../format.js';
import { layout } from '../layout.js';
import { renderMarkdown } from '../markdown.js';
import { versionLabel } from './install.js';

export interface MyBuildView {
  releaseId: string;
  version: string | null;
  build: string;
  notes: string;
  createdAt: Date;
  installPageUrl: string;
}

export interface MyAppView {
  id: string;
  name: string;
  platform: string;
  role: string;
  builds: MyBuildView[];
}

export interface MyAppsPageView {
  who: string;
  /** Shown when the person may also use the admin (an admin, or a manager or developer of an app). */
  adminLink: boolean;
  apps: MyAppView[];
}

export function renderMyAppsPage(view: MyAppsPageView): SafeHtml {
  const apps = view.apps.map(
    (a) => html`<section class="card my-app" id="app-${a.id}" data-app-id="${a.id}">
  <h2>${a.name} <span class="muted small">${a.platform === 'ios' ? 'iOS' : 'Android'} · ${a.role}</span></h2>
  ${a.role === 'manager' ? html`<p class="small"><a href="/admin/apps/${a.id}/access">Testers and roles</a></p>` : ''}
  ${a.builds.length === 0 ? html`<p class="muted">No builds yet.</p>` : ''}
  <ol class="builds">
  ${a.builds.map(
    (b) => html`<li class="build">
    <div><strong>${versionLabel(b.version, b.build)}</strong> <span class="muted small">${formatDateTime(b.createdAt)}</span></div>
    ${b.notes ? html`<div class="notes">${renderMarkdown(b.notes)}</div>` : ''}
    <a class="button button-primary button-small" href="${b.installPageUrl}">Install</a>
  </li>`,
  )}
  </ol>
</section>`,
  );
  return myLayout({
    title: 'My apps',
    who: view.who,
    adminLink: view.adminLink,
    current: 'apps',
    body: html`<h1>My apps</h1>
${view.apps.length === 0 ? html`<p class="muted">No app has been shared with you yet. Ask a manager of the app to add you as a tester.</p>` : apps}`,
  });
}

/** The frame of a signed-in person's own pages (My apps, Tokens): top bar, navigation, sign-out. */
export function myLayout(view: { title: string; who: string; adminLink: boolean; current: 'apps' | 'tokens'; body: SafeHtml; scripts?: string[] }): SafeHtml {
  const here = (page: 'apps' | 'tokens') => (view.current === page ? html` aria-current="page"` : '');
  return layout({
    title: `${view.title} · otaship`,
    styles: ['base.css', 'admin.css'],
    bodyClass: 'admin',
    noindex: true,
    ...(view.scripts ? { scripts: view.scripts } : {}),
    body: html`<header class="topbar">
  <a class="brand" href="/my">otaship</a>
  <nav><a href="/my"${here('apps')}>My apps</a><a href="/my/tokens"${here('tokens')}>Tokens</a>${view.adminLink ? html`<a href="/admin">Admin</a>` : ''}</nav>
  <form class="signout" method="post" action="/admin/logout">
    <span class="muted who">${view.who}</span>
    <button type="submit" class="button button-small" id="signout">Sign out</button>
  </form>
</header>
<main class="page admin-page" id="main">
${view.body}
</main>`,
  });
}

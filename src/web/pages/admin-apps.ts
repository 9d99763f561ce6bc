// Admin: the list of apps (with the upload drop zone) and one app's releases.
import { ERRORS } from '../../core/errors.js';
import { html, raw, type SafeHtml } from '../html.js';
import { formatDate, formatDateTime, humanSize } from '../format.js';
import { renderMarkdown } from '../markdown.js';
import { versionLabel } from './install.js';
import { sourceFragment } from '../source.js';
import { adminLayout, insecureBanner } from './admin-layout.js';
import { missingDevicesSection, releaseInstallsFragment } from './admin-testers.js';
import { profileExpiryBadge } from '../profile-expiry.js';
import { MAX_SEARCH_TEXT } from '../../services/catalog-search.js';
import type {
  AdminAppActions,
  AdminAppPageView,
  AdminAppSearchView,
  AdminAppView,
  AdminAppsPageView,
  AdminBundleView,
  AdminSigningKeyView,
  AdminReleaseFilterView,
  AdminReleaseView,
  CountsView,
} from '../view-models.js';

/**
 * `bundleRefusal`: why this server refuses App Bundles (its tools are missing), said by the page
 * before any byte of an .aab is sent; null: bundles are taken and converted.
 */
export function uploadZone(maxUploadBytes: number, bundleRefusal: string | null = null): SafeHtml {
  return html`<section class="card upload" aria-label="Upload a build">
  <div class="dropzone" id="dropzone" data-max-bytes="${String(maxUploadBytes)}"${
    bundleRefusal ? html` data-aab-refusal="${bundleRefusal}" data-aab-hint="${ERRORS.AAB_NOT_SUPPORTED.hint}"` : ''
  }>
    <p><strong>Drop an .ipa, .apk or .aab here</strong> or <label class="file-label">choose a file<input type="file" id="upload-file" accept=".ipa,.apk,.aab,application/octet-stream,application/vnd.android.package-archive"></label></p>
    <p class="muted small">Up to ${humanSize(maxUploadBytes)}. The app is created from the package on its first upload.${
      bundleRefusal ? '' : ' An App Bundle (.aab) becomes an APK testers install, built by the server after the upload.'
    }</p>
  </div>
  <label for="upload-notes">Release notes <span class="muted">(Markdown, optional)</span></label>
  <textarea id="upload-notes" rows="3" placeholder="What changed in this build?"></textarea>
  <label class="check"><input type="checkbox" id="upload-force"> Publish even if the provisioning profile or signing certificate has expired</label>
  <div class="progress" id="upload-progress" hidden>
    <progress max="100" value="0"></progress>
    <span class="progress-text" id="upload-progress-text"></span>
    <button type="button" class="button button-small" id="upload-cancel">Cancel</button>
  </div>
  <div id="upload-result" role="status" aria-live="polite"></div>
</section>`;
}

function countsLine(c: CountsView | null): SafeHtml | string {
  if (!c) return '';
  return html`<span class="counts" title="latest release: page views · downloads started · downloads completed"><span>${c.pageViews} views</span> · <span>${c.downloadsStarted} downloads</span> · <span>${c.downloadsCompleted} completed</span></span>`;
}

function appIcon(app: AdminAppView, size = 48): SafeHtml {
  return app.iconUrl
    ? html`<img class="app-icon" src="${app.iconUrl}" alt="" width="${size}" height="${size}" loading="lazy">`
    : html`<div class="app-icon app-icon-placeholder" aria-hidden="true">${(app.name.trim()[0] ?? '?').toUpperCase()}</div>`;
}

function platformBadge(platform: string): SafeHtml {
  return html`<span class="badge badge-${platform}">${platform === 'ios' ? 'iOS' : 'Android'}</span>`;
}

export function renderAdminAppsPage(view: AdminAppsPageView): SafeHtml {
  const rows = view.apps.map(
    (app) => html`<li class="app-row" data-app-id="${app.id}">
  <a class="app-link" href="${app.adminUrl}">${appIcon(app)}
    <span class="app-name">${app.name}</span></a>
  <span class="app-meta">${platformBadge(app.platform)} <span class="muted bundle">${app.bundleId}</span></span>
  <span class="app-latest">${app.latestBuild !== null ? versionLabel(app.latestVersion, app.latestBuild) : html`<span class="muted">no releases</span>`}${
    app.latestAt ? html` <span class="muted">${formatDate(app.latestAt)}</span>` : ''
  }${app.profileExpiresAt ? html` ${profileExpiryBadge(app.profileExpiresAt, view.now)}` : ''}</span>
  ${countsLine(app.counts)}
</li>`,
  );
  const search = view.search;
  const searching = search !== undefined && (search.text !== '' || search.platform !== null);
  return adminLayout({
    title: 'Apps',
    user: view.user,
    section: 'apps',
    body: html`${insecureBanner(view.secure)}
<h1>Apps</h1>
${uploadZone(view.maxUploadBytes, view.bundleRefusal ?? null)}
${search && search.totalApps > 0 ? appSearchForm(search) : ''}
${view.apps.length > 0
  ? html`<ul class="app-list" id="apps">${rows}</ul>`
  : searching
    ? html`<p class="empty muted" id="no-matches">No app matches this search. <a href="/admin">Show all apps</a></p>`
    : html`<p class="empty muted" id="no-apps">No apps yet: upload a build to create the first one.</p>`}`,
  });
}

/** A GET form: the search works without script, and its URL can be bookmarked or shared. */
function appSearchForm(search: AdminAppSearchView): SafeHtml {
  const option = (value: string, label: string) =>
    html`<option value="${value}"${(search.platform ?? '') === value ? raw(' selected') : ''}>${label}</option>`;
  return html`<form class="card search" method="get" action="/admin" role="search" id="app-search">
  <div class="search-fields">
    <label>Search<input type="search" name="q" value="${search.text}" maxlength="${String(MAX_SEARCH_TEXT)}" placeholder="Name or bundle id"></label>
    <label>Platform<select name="platform">${option('', 'All')}${option('ios', 'iOS')}${option('android', 'Android')}</select></label>
    <button type="submit" class="button">Search</button>
  </div>
</form>`;
}

function releaseFilterForm(appUrl: string, filter: AdminReleaseFilterView): SafeHtml {
  return html`<form class="card search" method="get" action="${appUrl}" role="search" id="release-filter">
  <div class="search-fields">
    <label>Find<input type="search" name="q" value="${filter.text}" maxlength="${String(MAX_SEARCH_TEXT)}" placeholder="Version, build, notes, branch"></label>
    ${filter.profileOptions.length === 0
      ? ''
      : html`<label>Signed with<select name="profile"><option value="">Any profile</option>${filter.profileOptions.map(
          ([value, label]) => html`<option value="${value}"${filter.profile === value ? raw(' selected') : ''}>${label}</option>`,
        )}</select></label>`}
    <button type="submit" class="button">Filter</button>
    ${filter.active ? html`<a class="button" href="${appUrl}">Clear</a>` : ''}
  </div>
</form>`;
}

function visibilityLabel(r: AdminReleaseView): string {
  return `${r.isPublic ? 'Public' : 'Private'}${r.inherited ? ' (as app)' : ''}`;
}

function releaseRow(r: AdminReleaseView, platform: string, now: Date, may: AdminAppActions, installs?: AdminAppPageView['installs']): SafeHtml {
  const notes = renderMarkdown(r.notes);
  return html`<li class="card release" id="release-${r.id}" data-release-id="${r.id}">
  <div class="release-head">
    <h3 class="release-version"><a href="${r.installPageUrl}" target="_blank" rel="noopener">${versionLabel(r.version, r.build)}</a></h3>
    <span class="muted"><time datetime="${r.createdAt.toISOString()}">${formatDateTime(r.createdAt)}</time> · ${humanSize(r.size)}${
      r.profileType ? html` · ${r.profileType}` : ''
    }${r.profileExpiresAt ? html` · profile until ${formatDate(r.profileExpiresAt)}` : ''}</span>
    ${profileExpiryBadge(r.profileExpiresAt, now)}
    ${r.source ? html`<span class="muted">Built by ${sourceFragment(r.source, true)}</span>` : ''}
  </div>
  ${r.bundle ? bundleLine(r.bundle) : ''}
  <p class="counts-full muted">${r.counts.pageViews} page views · ${r.counts.manifestFetches} manifest fetches · ${r.counts.downloadsStarted} downloads started · ${r.counts.downloadsCompleted} completed</p>
  ${releaseInstallsFragment(installs?.get(r.id))}
  <div class="release-notes markdown" data-role="notes-view">${notes.value === '' ? html`<p class="muted">No release notes.</p>` : notes}</div>
  <form class="notes-edit" data-role="notes-form" hidden>
    <label for="notes-${r.id}">Release notes (Markdown)</label>
    <textarea id="notes-${r.id}" name="notes" rows="4">${r.notes}</textarea>
    <div class="row"><button type="submit" class="button button-primary button-small">Save notes</button><button type="button" class="button button-small" data-action="cancel-notes">Cancel</button></div>
  </form>
  <div class="row actions">
    <input class="link-field" type="text" readonly value="${r.installLink}" aria-label="Install link" data-role="install-link">
    <button type="button" class="button button-small" data-action="copy" data-copy="${r.installLink}">Copy ${platform === 'ios' ? 'install link' : 'download link'}</button>
    <button type="button" class="button button-small" data-action="copy" data-copy="${r.installPageUrl}">Copy page link</button>
    ${may.visibility
      ? html`<label class="check"><input type="checkbox" data-action="toggle-release-public"${r.isPublic ? raw(' checked') : ''}> <span data-role="visibility">${visibilityLabel(r)}</span></label>`
      : html`<span class="muted" data-role="visibility">${visibilityLabel(r)}</span>`}
    ${may.editNotes ? html`<button type="button" class="button button-small" data-action="edit-notes">Edit notes</button>` : ''}
    ${may.deleteRelease ? html`<button type="button" class="button button-small button-danger" data-action="delete-release" data-label="${versionLabel(r.version, r.build)}">Delete</button>` : ''}
    ${platform === 'ios' && may.check ? html`<form method="post" action="/admin/releases/${r.id}/doctor"><button type="submit" class="button button-small">Check this release</button></form>` : ''}
  </div>
</li>`;
}

const CONVERSION: Record<AdminBundleView['state'], string> = {
  queued: 'waiting for the server to build the APK',
  running: 'the server is building the APK',
  done: 'APK ready',
  failed: 'the APK could not be built',
};

/** A bundle release: what the conversion is doing (or why it failed) and the .aab for managers. */
function bundleLine(b: AdminBundleView): SafeHtml {
  const level = b.state === 'failed' ? 'error' : b.state === 'done' ? 'info' : 'warning';
  return html`<div class="notice notice-${level} bundle-state" data-role="bundle" data-state="${b.state}">
  <p>App Bundle (${humanSize(b.size)}): <strong>${CONVERSION[b.state]}</strong>${b.attempts > 1 ? ` (attempt ${b.attempts})` : ''}${
    b.state === 'queued' || b.state === 'running' ? ' — reload the page to see it change' : ''
  }${b.downloadUrl ? html` · <a href="${b.downloadUrl}" data-role="bundle-download">Download the .aab</a>` : ''}</p>
  ${b.error && b.state !== 'done' ? html`<p class="small">${b.error}</p>` : ''}
</div>`;
}

/** The Android app's APK signing key: its certificate, and a form to upload the team's own keystore. */
function signingKeySection(key: AdminSigningKeyView | null): SafeHtml {
  return html`<section class="card signing-key" id="signing-key" aria-label="APK signing key">
  <h2>APK signing key</h2>
  ${key
    ? html`<p>${key.origin === 'generated' ? 'A key otaship made for this app' : 'The keystore uploaded by a manager'} (alias <code>${key.alias}</code>) signs the APKs built from its bundles. Certificate SHA-256: <code class="cert" data-role="certificate">${key.certificateSha256}</code></p>`
    : html`<p class="muted">No key yet: otaship makes one for this app when it builds the APK of its first bundle.</p>`}
  <p class="muted small">APKs signed by otaship's own key cannot update a copy installed from Google Play. Upload the keystore whose key signs the copies your testers already have (see the App Bundles section of the docs); it is kept encrypted and never shown again.</p>
  <form id="signing-key-form" class="stack">
    <label>Keystore (.p12, .jks, .keystore)<input type="file" name="keystore" required></label>
    <label>Key alias<input type="text" name="alias" required maxlength="1024" autocomplete="off"></label>
    <label>Keystore password<input type="password" name="storePassword" required maxlength="1024" autocomplete="off"></label>
    <label>Key password <span class="muted">(if it differs)</span><input type="password" name="keyPassword" maxlength="1024" autocomplete="off"></label>
    <button type="submit" class="button button-small">Upload keystore</button>
  </form>
</section>`;
}

export function renderAdminAppPage(view: AdminAppPageView): SafeHtml {
  const { app, may } = view;
  return adminLayout({
    title: app.name,
    user: view.user,
    section: 'apps',
    body: html`${insecureBanner(view.secure)}
<p class="crumbs"><a href="/admin">Apps</a> ›</p>
<header class="app-header" data-app-id="${app.id}" id="app">
  ${appIcon(app, 64)}
  <div class="app-title">
    <h1>${app.name}</h1>
    <p class="muted">${platformBadge(app.platform)} ${app.bundleId}</p>
  </div>
</header>
<div class="row app-actions">
  <a class="button button-small" href="${app.latestPageUrl}" target="_blank" rel="noopener">Open latest-release page</a>
  <button type="button" class="button button-small" data-action="copy" data-copy="${app.latestPageUrl}">Copy latest-release link</button>
  ${may.rename
    ? html`<label class="check"><input type="checkbox" id="app-public" data-action="toggle-app-public"${app.isPublic ? raw(' checked') : ''}> Public app (install pages need no token)</label>
  <button type="button" class="button button-small" data-action="rename-app" data-current="${app.name}">Rename app</button>`
    : ''}
  ${may.access ? html`<a class="button button-small" href="/admin/apps/${app.id}/access" id="app-access">Access</a>` : ''}
  ${may.access /* the same people read its audit entries */ ? html`<a class="button button-small" href="/admin/audit?appId=${app.id}" id="app-audit">Audit</a>` : ''}
  ${may.shareLinks ? html`<a class="button button-small" href="/admin/apps/${app.id}/share-links" id="app-share-links">Share links</a>` : ''}
  ${may.deleteApp ? html`<button type="button" class="button button-small button-danger" data-action="delete-app" data-label="${app.name}">Delete app</button>` : ''}
</div>
${may.publish ? uploadZone(view.maxUploadBytes, view.bundleRefusal ?? null) : ''}
${view.signingKey !== undefined ? signingKeySection(view.signingKey) : ''}
<h2>Releases</h2>
${view.filter ? releaseFilterForm(app.adminUrl, view.filter) : ''}
${view.releases.length === 0
  ? html`<p class="empty muted" id="no-releases">${view.filter?.active ? 'No release matches this filter.' : 'No releases.'}</p>`
  : html`<ul class="release-list-admin" id="releases">${view.releases.map((r) => releaseRow(r, app.platform, view.now, may, view.installs))}</ul>`}
${view.nextPageUrl ? html`<p><a class="button" href="${view.nextPageUrl}" id="older-releases">${view.filter?.active ? 'Search older releases →' : 'Older releases →'}</a></p>` : ''}
${view.missingDevices ? missingDevicesSection(view.missingDevices, `/api/v1/apps/${app.id}/missing-devices.txt`) : ''}`,
  });
}

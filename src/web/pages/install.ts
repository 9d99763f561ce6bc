// The install page (/i/:releaseId) and the latest-release page (/apps/:appId). One renderer: the latest
// page is the same page for the newest release, with a stable URL to bookmark or print as a QR code.
//
// The server never sniffs the User-Agent (ota-notes §3-4). The page ships every hint, and its own script
// (public/install.js) decides on the device which ones to show: iPhone/iPad (including iPadOS Safari in
// desktop mode, which claims to be a Mac), Android, desktop, or an in-app browser that cannot open
// itms-services links. Without script everything stays visible, which is still correct, only longer.
import { html, raw, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';
import { renderMarkdown } from '../markdown.js';
import { qrSvg } from '../qr.js';
import { sourceFragment } from '../source.js';
import { daysUntil, formatDate, formatDateTime, humanSize, relativeDays } from '../format.js';
import type { InstallPageView, ProfileView } from '../view-models.js';

/** A profile that expires within this many days gets a warning. */
export const EXPIRY_WARNING_DAYS = 14;

const PROFILE_LABELS: Record<ProfileView['type'], string> = {
  development: 'Development',
  'ad-hoc': 'Ad hoc',
  enterprise: 'Enterprise (in-house)',
  'app-store': 'App Store',
};

const FAMILY_LABELS: Record<string, string> = {
  iphone: 'iPhone',
  ipad: 'iPad',
  tv: 'Apple TV',
  watch: 'Apple Watch',
  vision: 'Apple Vision',
  mac: 'Mac',
  phone: 'Phone',
};

export function versionLabel(version: string | null, build: string): string {
  if (version === null || version === '') return `build ${build}`;
  return version === build ? version : `${version} (${build})`;
}

type Level = 'error' | 'warning' | 'info';

function notice(level: Level, body: SafeHtml, extra: { cls?: string; hidden?: boolean } = {}): SafeHtml {
  const role = level === 'error' ? 'alert' : 'note';
  return html`<div class="notice notice-${level}${extra.cls ? ` ${extra.cls}` : ''}" role="${role}"${
    extra.hidden ? raw(' hidden') : ''
  }>${body}</div>`;
}

/** Profile-based warnings shown to everyone (expiry and store builds block the install). */
export function profileNotices(profile: ProfileView | null, now: Date): SafeHtml[] {
  if (!profile) return [];
  const out: SafeHtml[] = [];
  if (profile.type === 'app-store') {
    out.push(
      notice(
        'error',
        html`<strong>This build is signed for the App Store and cannot be installed over the air.</strong> Ask the developer for an ad-hoc, development or enterprise build.`,
      ),
    );
  }
  if (profile.expiresAt) {
    const days = daysUntil(profile.expiresAt, now);
    if (profile.expiresAt.getTime() <= now.getTime()) {
      out.push(
        notice(
          'error',
          html`<strong>The provisioning profile expired on ${formatDate(profile.expiresAt)}.</strong> iOS will refuse to install this build (“Unable to Download App”) and an installed copy will no longer open. Ask the developer for a re-signed build.`,
          { cls: 'profile-expired' },
        ),
      );
    } else if (days < EXPIRY_WARNING_DAYS) {
      out.push(
        notice(
          'warning',
          html`<strong>The provisioning profile expires ${relativeDays(profile.expiresAt, now)}</strong> (${formatDate(
            profile.expiresAt,
          )}). After that the app will no longer open.`,
          { cls: 'profile-expiring' },
        ),
      );
    }
  }
  return out;
}

function iosHelp(view: InstallPageView): SafeHtml[] {
  const items: SafeHtml[] = [];
  const profile = view.profile;
  const type = profile?.type ?? null;
  items.push(
    html`<li class="hint-safari"><strong>Use Safari.</strong> In-app browsers (Gmail, Slack, WeChat, Facebook, Instagram, LinkedIn, LINE, Telegram…) cannot start an install: tap <em>Share</em> or <em>•••</em> and choose <em>Open in Safari</em>.</li>`,
  );
  if (type === 'ad-hoc' || type === 'development' || type === null) {
    const count = profile ? html` (${profile.deviceCount} ${profile.deviceCount === 1 ? 'device' : 'devices'})` : '';
    const ask = view.registerDeviceUrl
      ? html`<a class="register-device" href="${view.registerDeviceUrl}">Register this device</a> to send its UDID to the developer, then ask for a new build.`
      : html`Send the developer your device’s UDID (on a Mac: connect the device, select it in Finder and click the line under its name until the UDID shows) and ask for a new build.`;
    items.push(
      html`<li class="hint-udid"><strong>“Unable to Download App”?</strong> This build only installs on devices listed in its provisioning profile${count}. ${ask}</li>`,
    );
    items.push(
      html`<li class="hint-devmode"><strong>iOS 16 or later:</strong> turn on <em>Developer Mode</em> (Settings › Privacy &amp; Security › Developer Mode), restart, and confirm. The switch appears after you first try to open the app.</li>`,
    );
  }
  if (type === 'enterprise') {
    const team = profile?.teamName ? html` “${profile.teamName}”` : '';
    items.push(
      html`<li class="hint-enterprise"><strong>“Untrusted Enterprise Developer”?</strong> Open Settings › General › VPN &amp; Device Management, tap the developer${team} and choose <em>Trust</em>. On iOS 18 the device may ask you to restart before the trust takes effect.</li>`,
    );
  }
  items.push(
    html`<li class="hint-same-version"><strong>Nothing happens after tapping Install?</strong> If this same version is already installed, iOS may show no prompt: delete the app first, or ask for a build with a new build number. Also check the Home Screen: the app downloads there, not in the browser.</li>`,
  );
  items.push(
    html`<li class="hint-ipad"><strong>iPad:</strong> Safari may request the desktop site; the install still works — use the Install button.</li>`,
  );
  return items;
}

function androidHelp(): SafeHtml[] {
  return [
    html`<li><strong>Allow the install.</strong> When Android asks, allow your browser to install unknown apps (Settings › Apps › Special app access › Install unknown apps), then open the downloaded file.</li>`,
    html`<li><strong>“App not installed”?</strong> An app with the same package name signed with a different key is already installed: uninstall it first. A lower version code than the installed one is also refused.</li>`,
    html`<li><strong>In-app browsers</strong> (Gmail, Slack, WeChat…) may block downloads: open this page in Chrome.</li>`,
  ];
}

function details(view: InstallPageView): SafeHtml {
  const rows: [string, SafeHtml | string][] = [
    [view.platform === 'ios' ? 'Bundle ID' : 'Package', view.bundleId],
    ['Version', view.version ?? '—'],
    [view.platform === 'ios' ? 'Build' : 'Version code', view.build],
    ['Size', humanSize(view.size)],
    ['Published', formatDateTime(view.createdAt)],
  ];
  if (view.source) rows.push(['Built by', sourceFragment(view.source, false)]);
  if (view.minOsVersion) rows.push([view.platform === 'ios' ? 'Requires iOS' : 'Min SDK', view.minOsVersion]);
  if (view.deviceFamilies.length > 0) {
    rows.push(['Devices', view.deviceFamilies.map((f) => FAMILY_LABELS[f] ?? f).join(', ')]);
  }
  const p = view.profile;
  if (p) {
    rows.push(['Profile', html`${PROFILE_LABELS[p.type]} <span class="muted">${p.name}</span>`]);
    if (p.teamName) rows.push(['Team', p.teamName]);
    if (p.type === 'ad-hoc' || p.type === 'development') rows.push(['Devices in profile', String(p.deviceCount)]);
    if (p.expiresAt) {
      const expired = p.expiresAt.getTime() <= view.now.getTime();
      rows.push([
        'Profile expires',
        html`<span class="${expired ? 'bad' : daysUntil(p.expiresAt, view.now) < EXPIRY_WARNING_DAYS ? 'warn' : ''}">${formatDate(
          p.expiresAt,
        )} (${expired ? 'expired' : relativeDays(p.expiresAt, view.now)})</span>`,
      ]);
    }
  }
  return html`<dl class="facts">${rows.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`;
}

export async function renderInstallPage(view: InstallPageView): Promise<SafeHtml> {
  const ios = view.platform === 'ios';
  const label = versionLabel(view.version, view.build);
  const qr = await qrSvg(view.pageUrl, { label: `QR code: open this page on your phone` });
  const notes = renderMarkdown(view.notes);
  const title = `${view.appName} ${label}`;
  const blocked =
    view.profile?.type === 'app-store' ||
    (view.profile?.expiresAt != null && view.profile.expiresAt.getTime() <= view.now.getTime());

  const body = html`<main class="page install-page" id="main">
${!view.secure && ios
    ? notice(
        'error',
        html`<strong>This server is not using https.</strong> iOS installs apps only from https addresses with a trusted certificate, so the Install button will fail (“Cannot connect”). The administrator must set an https public URL (OTASHIP_PUBLIC_URL) — see the server documentation.`,
        { cls: 'insecure' },
      )
    : ''}
<header class="app-header">
  ${view.iconUrl
    ? html`<img class="app-icon" src="${view.iconUrl}" alt="" width="96" height="96">`
    : html`<div class="app-icon app-icon-placeholder" aria-hidden="true">${(view.appName.trim()[0] ?? '?').toUpperCase()}</div>`}
  <div class="app-title">
    <h1>${view.appName}</h1>
    <p class="version">Version ${label}</p>
    <p class="meta"><span>${ios ? 'iOS' : 'Android'}</span> · <span>${humanSize(view.size)}</span> · <time datetime="${view.createdAt.toISOString()}">${formatDate(view.createdAt)}</time></p>
  </div>
</header>
${view.kind === 'latest' ? html`<p class="muted latest-note">This page always offers the newest release of ${view.appName}.</p>` : ''}
${notice(
  'warning',
  ios
    ? html`<strong>Open this page in Safari to install.</strong> This in-app browser cannot install apps: tap <em>•••</em> or <em>Share</em> and choose <em>Open in Safari</em> (or copy the link into Safari).`
    : html`<strong>Open this page in Chrome to install.</strong> This in-app browser may block the download: tap <em>⋮</em> and choose <em>Open in browser</em>.`,
  { cls: 'hint-inapp', hidden: true },
)}
${ios
    ? notice(
        'info',
        html`<strong>If nothing happens, open this page in Safari.</strong> Other browsers on iOS may not start app installs.`,
        { cls: 'hint-other-browser', hidden: true },
      )
    : ''}
${notice(
  'warning',
  ios
    ? html`<strong>This is an iOS build.</strong> It cannot be installed on Android: open this page on an iPhone or iPad.`
    : html`<strong>This is an Android build (.apk).</strong> iPhones and iPads cannot install it: open this page on an Android device.`,
  { cls: 'hint-mismatch', hidden: true },
)}
${ios
    ? notice('warning', html`<strong>This build does not list your device type</strong> (it is for ${view.deviceFamilies.map((f) => FAMILY_LABELS[f] ?? f).join(', ')}). iOS may refuse to install it.`, {
        cls: 'hint-family',
        hidden: true,
      })
    : ''}
${profileNotices(view.profile, view.now)}
${view.warnings.map((w) => notice('error', html`${w}`, { cls: 'package-problem' }))}
${view.caPageUrl
    ? notice(
        'info',
        html`This server uses its own certificate authority. Before installing, <a href="${view.caPageUrl}">trust the otaship certificate</a> on your device.`,
        { cls: 'hint-ca' },
      )
    : ''}
<section class="actions" aria-label="Install">
  <div class="install-box">
    <a class="button button-primary install-button${blocked ? ' button-blocked' : ''}" id="install" href="${view.installHref}"${
      ios ? '' : raw(' download')
    }>${ios ? 'Install' : 'Download APK'}</a>
    <p class="install-after muted">${ios
      ? html`Tap <em>Install</em> when iOS asks, then go to the Home Screen to watch the download.`
      : html`${humanSize(view.size)} · open the file when the download finishes.`}</p>
    <p class="desktop-hint">Open this page on your ${ios ? 'iPhone or iPad' : 'Android device'} to install: scan the code with the camera.</p>
  </div>
  <figure class="qr">
    ${qr}
    <figcaption>Scan with your ${ios ? 'iPhone or iPad' : 'phone'}’s camera to open this page.</figcaption>
  </figure>
</section>
${notes.value === '' ? '' : html`<section class="notes"><h2>Release notes</h2><div class="markdown">${notes}</div></section>`}
<section class="details"><h2>Details</h2>${details(view)}</section>
<section class="help">
  <h2>Trouble installing?</h2>
  <ul class="hints">${ios ? iosHelp(view) : androidHelp()}</ul>
</section>
${view.older.length > 0
    ? html`<section class="older"><h2>Other releases</h2><ul class="release-list">${view.older.map(
        (r) =>
          html`<li><a href="${r.pageUrl}">${versionLabel(r.version, r.build)}</a> <span class="muted">${formatDate(r.createdAt)} · ${humanSize(r.size)}</span></li>`,
      )}</ul></section>`
    : ''}
${view.kind === 'release' && view.latestPageUrl
    ? html`<p class="latest-link"><a href="${view.latestPageUrl}">Always the latest release of ${view.appName} →</a></p>`
    : ''}
<footer class="footer muted">Distributed with otaship</footer>
</main>`;

  return layout({
    title,
    body,
    styles: ['base.css', 'install.css'],
    scripts: ['install.js'],
    bodyClass: 'install',
    data: {
      platform: view.platform,
      families: view.deviceFamilies.join(' '),
      profile: view.profile?.type ?? 'none',
    },
  });
}

// The install page (/i/:releaseId) and the latest-release page (/apps/:appId). One renderer: the latest
// page is the same page for the newest release, with a stable URL to bookmark or print as a QR code.
//
// The server never sniffs the User-Agent (ota-notes §3-4). The page ships every hint, and its own script
// (public/install.js) decides on the device which ones to show: iPhone/iPad (including iPadOS Safari in
// desktop mode, which claims to be a Mac), Android, desktop, or an in-app browser that cannot open
// itms-services links. Without script everything stays visible, which is still correct, only longer.
//
// Every text comes from the visitor's language catalogue (src/web/i18n); sizes, counts and dates are
// formatted for that language, and dates are rewritten in the browser's time zone by local-time.js.
import { html, raw, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';
import { renderMarkdown } from '../markdown.js';
import { qrSvg } from '../qr.js';
import { sourceFragment } from '../source.js';
import { daysUntil } from '../format.js';
import { DEFAULT_PAGE_LANGUAGE, i18n, type I18n, type PageLanguage } from '../i18n/index.js';
import { languageSwitcher, SWITCHER_STYLE } from '../language-switcher.js';
import type { InstallPageView, ProfileView } from '../view-models.js';

/** A profile that expires within this many days gets a warning. */
export const EXPIRY_WARNING_DAYS = 14;

/** Apple's product names are the same in every language; only the generic "phone" is translated. */
const FAMILY_LABELS: Record<string, string> = {
  iphone: 'iPhone',
  ipad: 'iPad',
  tv: 'Apple TV',
  watch: 'Apple Watch',
  vision: 'Apple Vision',
  mac: 'Mac',
};

const DAY_MS = 24 * 60 * 60 * 1000;

export function versionLabel(version: string | null, build: string, language: I18n = i18n('en')): string {
  if (version === null || version === '') return language.t.buildOnly(build);
  return version === build ? version : `${version} (${build})`;
}

function families(view: InstallPageView, { t, f }: I18n): string {
  return f.list(view.deviceFamilies.map((fam) => (fam === 'phone' ? t.phone : (FAMILY_LABELS[fam] ?? fam))));
}

/** "in 3 days", "within a day", "2 days ago", "today", in the page's language. */
export function relativeDays(date: Date, now: Date, { t, f }: I18n): string {
  const ms = date.getTime() - now.getTime();
  const days = Math.trunc(ms / DAY_MS);
  if (days === 0) return ms >= 0 ? t.withinDay : t.today;
  return days > 0 ? f.plural(t.inDays, days) : f.plural(t.daysAgo, -days);
}

type Level = 'error' | 'warning' | 'info';

function notice(level: Level, body: SafeHtml, extra: { cls?: string; hidden?: boolean } = {}): SafeHtml {
  const role = level === 'error' ? 'alert' : 'note';
  return html`<div class="notice notice-${level}${extra.cls ? ` ${extra.cls}` : ''}" role="${role}"${
    extra.hidden ? raw(' hidden') : ''
  }>${body}</div>`;
}

/** Profile-based warnings shown to everyone (expiry and store builds block the install). */
export function profileNotices(profile: ProfileView | null, now: Date, language: I18n = i18n('en')): SafeHtml[] {
  if (!profile) return [];
  const { t, f } = language;
  const out: SafeHtml[] = [];
  if (profile.type === 'app-store') out.push(notice('error', t.appStore));
  if (profile.expiresAt) {
    const days = daysUntil(profile.expiresAt, now);
    if (profile.expiresAt.getTime() <= now.getTime()) {
      out.push(notice('error', t.profileExpired(f.time(profile.expiresAt, 'date')), { cls: 'profile-expired' }));
    } else if (days < EXPIRY_WARNING_DAYS) {
      out.push(
        notice('warning', t.profileExpiring(relativeDays(profile.expiresAt, now, language), f.time(profile.expiresAt, 'date')), {
          cls: 'profile-expiring',
        }),
      );
    }
  }
  return out;
}

/** The page's own address in a read-only field: selectable without script, copied by the button with it. */
function pageLinkField(view: InstallPageView, { t }: I18n, id: string, withButton: boolean): SafeHtml {
  return html`<span class="page-link"><input type="text" class="page-link-field" id="${id}" readonly value="${view.pageUrl}" aria-label="${t.pageLink}">${
    withButton
      ? html` <button type="button" class="button button-small copy-link" data-copy-from="${id}" data-copied="${t.copied}" data-copy-by-hand="${t.copyByHand}" hidden>${t.copyLink}</button>`
      : ''
  }</span>`;
}

function iosHelp(view: InstallPageView, language: I18n): SafeHtml[] {
  const { t, f } = language;
  const items: SafeHtml[] = [];
  const profile = view.profile;
  const type = profile?.type ?? null;
  items.push(html`<li class="hint-safari">${t.hintSafari} ${pageLinkField(view, language, 'page-link-help', false)}</li>`);
  if (type === 'ad-hoc' || type === 'development' || type === null) {
    const count = profile ? f.plural(t.deviceCount, profile.deviceCount) : null;
    const ask = view.registerDeviceUrl ? t.registerAsk(view.registerDeviceUrl) : t.sendUdidAsk;
    items.push(html`<li class="hint-udid">${t.hintUdid(count, ask)}</li>`);
    items.push(html`<li class="hint-devmode">${t.hintDevMode}</li>`);
  }
  if (type === 'enterprise') {
    items.push(html`<li class="hint-enterprise">${t.hintEnterprise(profile?.teamName || null)}</li>`);
  }
  items.push(html`<li class="hint-same-version">${t.hintSameVersion}</li>`);
  items.push(html`<li class="hint-ipad">${t.hintIpad}</li>`);
  return items;
}

function androidHelp({ t }: I18n): SafeHtml[] {
  return [html`<li>${t.androidAllow}</li>`, html`<li>${t.androidNotInstalled}</li>`, html`<li>${t.androidInApp}</li>`];
}

function details(view: InstallPageView, language: I18n): SafeHtml {
  const { t, f } = language;
  const ios = view.platform === 'ios';
  const rows: [string, SafeHtml | string][] = [
    [ios ? t.bundleId : t.packageName, view.bundleId],
    [t.version, view.version ?? '—'],
    [ios ? t.build : t.versionCode, view.build],
    [t.size, f.size(view.size)],
    [t.published, f.time(view.createdAt, 'datetime')],
  ];
  if (view.source) rows.push([t.builtBy, sourceFragment(view.source, false)]);
  if (view.minOsVersion) rows.push([ios ? t.requiresIos : t.minSdk, view.minOsVersion]);
  if (view.deviceFamilies.length > 0) rows.push([t.devices, families(view, language)]);
  const p = view.profile;
  if (p) {
    rows.push([t.profile, html`${t.profileTypes[p.type]} <span class="muted">${p.name}</span>`]);
    if (p.teamName) rows.push([t.team, p.teamName]);
    if (p.type === 'ad-hoc' || p.type === 'development') rows.push([t.devicesInProfile, f.number(p.deviceCount)]);
    if (p.expiresAt) {
      const expired = p.expiresAt.getTime() <= view.now.getTime();
      const cls = expired ? 'bad' : daysUntil(p.expiresAt, view.now) < EXPIRY_WARNING_DAYS ? 'warn' : '';
      rows.push([
        t.profileExpires,
        html`<span class="${cls}">${f.time(p.expiresAt, 'date')} (${expired ? t.expired : relativeDays(p.expiresAt, view.now, language)})</span>`,
      ]);
    }
  }
  return html`<dl class="facts">${rows.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`;
}

/** App Bundle releases: the APK being made or not made, or (once made by otaship) the Play-signer caveat. */
function bundleNotices(view: InstallPageView, { t }: I18n): SafeHtml | '' {
  const state = view.bundle?.state;
  if (state === 'converting') return notice('info', html`${t.bundleConverting}`, { cls: 'bundle-converting' });
  if (state === 'failed') return notice('error', html`${t.bundleFailed}`, { cls: 'bundle-failed' });
  if (state === 'ready' && view.bundle?.otashipSigned) return notice('warning', t.bundlePlaySigner, { cls: 'bundle-play-signer' });
  return '';
}

export async function renderInstallPage(view: InstallPageView, language: PageLanguage = DEFAULT_PAGE_LANGUAGE): Promise<SafeHtml> {
  const l10n = i18n(language.locale);
  const { t, f } = l10n;
  const ios = view.platform === 'ios';
  const label = versionLabel(view.version, view.build, l10n);
  const qr = await qrSvg(view.pageUrl, { label: t.qrLabel });
  const notes = renderMarkdown(view.notes);
  const title = `${view.appName} ${label}`;
  // A bundle whose APK is not made yet (or could not be): no button that would only fail.
  const pending = view.bundle?.state === 'converting' || view.bundle?.state === 'failed';
  const blocked =
    view.profile?.type === 'app-store' ||
    (view.profile?.expiresAt != null && view.profile.expiresAt.getTime() <= view.now.getTime());

  const body = html`<main class="page install-page" id="main">
${!view.secure && ios ? notice('error', t.insecure, { cls: 'insecure' }) : ''}
<header class="app-header">
  ${view.iconUrl
    ? html`<img class="app-icon" src="${view.iconUrl}" alt="" width="96" height="96">`
    : html`<div class="app-icon app-icon-placeholder" aria-hidden="true">${(view.appName.trim()[0] ?? '?').toUpperCase()}</div>`}
  <div class="app-title">
    <h1>${view.appName}</h1>
    <p class="version">${t.versionLine(label)}</p>
    <p class="meta"><span>${ios ? 'iOS' : 'Android'}</span> · <span>${f.size(view.size)}</span> · ${f.time(view.createdAt, 'date')}</p>
  </div>
</header>
${view.kind === 'latest' ? html`<p class="muted latest-note">${t.latestNote(view.appName)}</p>` : ''}
${notice('warning', html`<p>${ios ? t.inAppIos : t.inAppAndroid}</p>${pageLinkField(view, l10n, 'page-link', true)}`, {
  cls: 'hint-inapp',
  hidden: true,
})}
${ios ? notice('info', t.otherBrowser, { cls: 'hint-other-browser', hidden: true }) : ''}
${notice('warning', ios ? t.mismatchIos : t.mismatchAndroid, { cls: 'hint-mismatch', hidden: true })}
${ios ? notice('warning', t.wrongFamily(families(view, l10n)), { cls: 'hint-family', hidden: true }) : ''}
${profileNotices(view.profile, view.now, l10n)}
${view.warnings.map((w) => notice('error', html`<span lang="en">${w}</span>`, { cls: 'package-problem' }))}
${view.caPageUrl ? notice('info', t.caHint(view.caPageUrl), { cls: 'hint-ca' }) : ''}
${bundleNotices(view, l10n)}
<section class="actions" aria-label="${t.installSection}">
  <div class="install-box">
    ${pending
      ? ''
      : html`<a class="button button-primary install-button${blocked ? ' button-blocked' : ''}" id="install" href="${view.installHref}"${
          ios ? '' : raw(' download')
        }>${ios ? t.installButton : t.downloadApk}</a>
    <p class="install-after muted">${ios ? t.installAfterIos : t.installAfterAndroid(f.size(view.size))}</p>`}
    <p class="desktop-hint">${ios ? t.desktopHintIos : t.desktopHintAndroid}</p>
  </div>
  <figure class="qr">
    ${qr}
    <figcaption>${ios ? t.qrCaptionIos : t.qrCaptionAndroid}</figcaption>
  </figure>
</section>
${notes.value === '' ? '' : html`<section class="notes"><h2>${t.releaseNotes}</h2><div class="markdown">${notes}</div></section>`}
<section class="details"><h2>${t.details}</h2>${details(view, l10n)}</section>
<section class="help">
  <h2>${t.trouble}</h2>
  <ul class="hints">${ios ? iosHelp(view, l10n) : androidHelp(l10n)}</ul>
</section>
${view.older.length > 0
    ? html`<section class="older"><h2>${t.otherReleases}</h2><ul class="release-list">${view.older.map(
        (r) =>
          html`<li><a href="${r.pageUrl}">${versionLabel(r.version, r.build, l10n)}</a> <span class="muted">${f.time(r.createdAt, 'date')} · ${f.size(r.size)}</span></li>`,
      )}</ul></section>`
    : ''}
${view.kind === 'release' && view.latestPageUrl
    ? html`<p class="latest-link"><a href="${view.latestPageUrl}">${t.latestLink(view.appName)}</a></p>`
    : ''}
<footer class="footer muted">${t.footer}</footer>
</main>`;

  return layout({
    title,
    lang: language.locale,
    banner: languageSwitcher(language),
    body,
    styles: ['base.css', 'install.css', ...(language.switcher.length > 0 ? [SWITCHER_STYLE] : [])],
    scripts: ['install.js'],
    bodyClass: 'install',
    data: {
      platform: view.platform,
      families: view.deviceFamilies.join(' '),
      profile: view.profile?.type ?? 'none',
    },
  });
}

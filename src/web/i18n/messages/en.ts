// The English catalogue: the source of every key. Its type is `Messages`, so each other locale's
// module must give every key (TypeScript refuses a missing or misspelt one; there is no runtime
// fallback to English). Texts with markup are html`` fragments: parameters are escaped like anywhere
// else on the pages.
import { html, type SafeHtml } from '../../html.js';
import type { Plural } from '../plural.js';

type ProfileType = 'development' | 'ad-hoc' | 'enterprise' | 'app-store';

export const en = {
  // --- shared --------------------------------------------------------------------------------
  language: 'Language',
  footer: 'Distributed with otaship',
  copy: 'Copy',
  copied: 'Copied',

  // --- install page: header and notices ------------------------------------------------------
  buildOnly: (build: string): string => `build ${build}`,
  versionLine: (label: string): string => `Version ${label}`,
  qrLabel: 'QR code: open this page on your phone',
  latestNote: (app: string): SafeHtml => html`This page always offers the newest release of ${app}.`,
  inAppIos: html`<strong>Open this page in Safari to install.</strong> This in-app browser cannot install apps: tap <em>•••</em> or <em>Share</em> and choose <em>Open in Safari</em>, or copy the link and paste it into Safari.`,
  inAppAndroid: html`<strong>Open this page in Chrome to install.</strong> This in-app browser may block the download: tap <em>⋮</em> and choose <em>Open in browser</em>, or copy the link and paste it into Chrome.`,
  pageLink: 'Link to this page',
  copyLink: 'Copy link',
  copyByHand: 'Selected: copy it with your keyboard or long-press',
  otherBrowser: html`<strong>If nothing happens, open this page in Safari.</strong> Other browsers on iOS may not start app installs.`,
  mismatchIos: html`<strong>This is an iOS build.</strong> It cannot be installed on Android: open this page on an iPhone or iPad.`,
  mismatchAndroid: html`<strong>This is an Android build (.apk).</strong> iPhones and iPads cannot install it: open this page on an Android device.`,
  wrongFamily: (families: string): SafeHtml =>
    html`<strong>This build does not list your device type</strong> (it is for ${families}). iOS may refuse to install it.`,
  appStore: html`<strong>This build is signed for the App Store and cannot be installed over the air.</strong> Ask the developer for an ad-hoc, development or enterprise build.`,
  profileExpired: (date: SafeHtml): SafeHtml =>
    html`<strong>The provisioning profile expired on ${date}.</strong> iOS will refuse to install this build (“Unable to Download App”) and an installed copy will no longer open. Ask the developer for a re-signed build.`,
  profileExpiring: (when: string, date: SafeHtml): SafeHtml =>
    html`<strong>The provisioning profile expires ${when}</strong> (${date}). After that the app will no longer open.`,
  insecure: html`<strong>This server is not using https.</strong> iOS installs apps only from https addresses with a trusted certificate, so the Install button will fail (“Cannot connect”). The administrator must set an https public URL (OTASHIP_PUBLIC_URL) — see the server documentation.`,
  caHint: (url: string): SafeHtml =>
    html`This server uses its own certificate authority. Before installing, <a href="${url}">trust the otaship certificate</a> on your device.`,

  // --- install page: actions ------------------------------------------------------------------
  installSection: 'Install',
  installButton: 'Install',
  downloadApk: 'Download APK',
  installAfterIos: html`Tap <em>Install</em> when iOS asks, then go to the Home Screen to watch the download.`,
  installAfterAndroid: (size: string): string => `${size} · open the file when the download finishes.`,
  desktopHintIos: 'Open this page on your iPhone or iPad to install: scan the code with the camera.',
  desktopHintAndroid: 'Open this page on your Android device to install: scan the code with the camera.',
  qrCaptionIos: 'Scan with your iPhone’s or iPad’s camera to open this page.',
  qrCaptionAndroid: 'Scan with your phone’s camera to open this page.',
  releaseNotes: 'Release notes',
  details: 'Details',
  trouble: 'Trouble installing?',
  otherReleases: 'Other releases',
  latestLink: (app: string): string => `Always the latest release of ${app} →`,

  // --- install page: help ---------------------------------------------------------------------
  hintSafari: html`<strong>Use Safari.</strong> In-app browsers (Gmail, Slack, WeChat, Facebook, Instagram, LinkedIn, LINE, Telegram…) cannot start an install: tap <em>Share</em> or <em>•••</em> and choose <em>Open in Safari</em>, or copy this page’s link into Safari:`,
  hintUdid: (count: string | null, ask: SafeHtml): SafeHtml =>
    html`<strong>“Unable to Download App”?</strong> This build only installs on devices listed in its provisioning profile${count === null ? '' : ` (${count})`}. ${ask}`,
  registerAsk: (url: string): SafeHtml =>
    html`<a class="register-device" href="${url}">Register this device</a> to send its UDID to the developer, then ask for a new build.`,
  sendUdidAsk: html`Send the developer your device’s UDID (on a Mac: connect the device, select it in Finder and click the line under its name until the UDID shows) and ask for a new build.`,
  hintDevMode: html`<strong>iOS 16 or later:</strong> turn on <em>Developer Mode</em> (Settings › Privacy &amp; Security › Developer Mode), restart, and confirm. The switch appears after you first try to open the app.`,
  hintEnterprise: (team: string | null): SafeHtml =>
    html`<strong>“Untrusted Enterprise Developer”?</strong> Open Settings › General › VPN &amp; Device Management, tap the developer${team === null ? '' : ` “${team}”`} and choose <em>Trust</em>. On iOS 18 the device may ask you to restart before the trust takes effect.`,
  hintSameVersion: html`<strong>Nothing happens after tapping Install?</strong> If this same version is already installed, iOS may show no prompt: delete the app first, or ask for a build with a new build number. Also check the Home Screen: the app downloads there, not in the browser.`,
  hintIpad: html`<strong>iPad:</strong> Safari may request the desktop site; the install still works — use the Install button.`,
  androidAllow: html`<strong>Allow the install.</strong> When Android asks, allow your browser to install unknown apps (Settings › Apps › Special app access › Install unknown apps), then open the downloaded file.`,
  androidNotInstalled: html`<strong>“App not installed”?</strong> An app with the same package name signed with a different key is already installed: uninstall it first. A lower version code than the installed one is also refused.`,
  androidInApp: html`<strong>In-app browsers</strong> (Gmail, Slack, WeChat…) may block downloads: open this page in Chrome.`,
  bundleConverting: 'This build is being prepared: the server is making the APK from the app bundle. Reload this page in a minute or two.',
  bundleFailed: "This build could not be prepared for install (the APK could not be made from the app bundle). Ask the app's team for another build.",
  bundlePlaySigner: html`<strong>Installed from Google Play?</strong> This APK is signed by the team's test key, not by Google Play's: it cannot update a copy of the app installed from Google Play. Uninstall that copy first.`,

  // --- install page: details ------------------------------------------------------------------
  bundleId: 'Bundle ID',
  packageName: 'Package',
  version: 'Version',
  build: 'Build',
  versionCode: 'Version code',
  size: 'Size',
  published: 'Published',
  builtBy: 'Built by',
  requiresIos: 'Requires iOS',
  minSdk: 'Min SDK',
  devices: 'Devices',
  profile: 'Profile',
  team: 'Team',
  devicesInProfile: 'Devices in profile',
  profileExpires: 'Profile expires',
  expired: 'expired',
  phone: 'Phone',
  profileTypes: {
    development: 'Development',
    'ad-hoc': 'Ad hoc',
    enterprise: 'Enterprise (in-house)',
    'app-store': 'App Store',
  } satisfies Record<ProfileType, string>,
  deviceCount: { one: '{n} device', other: '{n} devices' } as Plural,
  inDays: { one: 'in {n} day', other: 'in {n} days' } as Plural,
  daysAgo: { one: '{n} day ago', other: '{n} days ago' } as Plural,
  withinDay: 'within a day',
  today: 'today',

  // --- device registration (/udid) ------------------------------------------------------------
  udidTitle: 'Register this device',
  udidHeading: 'Register this iPhone or iPad',
  udidIntro: 'Test builds signed for development or ad hoc install only on devices listed in their provisioning profile. Register this device here, and the team can add it to the next build.',
  udidSafari: html`Open this page in <strong>Safari on the device you want to register</strong>: other browsers and in-app browsers cannot install profiles.`,
  udidStepDownload: (url: string): SafeHtml =>
    html`<strong>Download the profile:</strong> <a class="button button-primary" href="${url}">Download registration profile</a> and tap <em>Allow</em>.`,
  udidStepInstall: html`<strong>Install it within a few minutes:</strong> open Settings, tap <em>Profile Downloaded</em> near the top (or General › VPN &amp; Device Management), then <em>Install</em>. iOS marks the profile <em>Unverified</em> because it is not signed; that is expected.`,
  udidStepDone: (host: string): SafeHtml =>
    html`<strong>Done:</strong> iOS sends the device’s identifiers to ${host} and opens Safari on a page showing its UDID.`,
  udidWhatSent: 'What is sent',
  udidWhatSentBody: (host: string): SafeHtml =>
    html`The device’s UDID, model (for example iPhone16,1), iOS version, serial number and device name, to ${host} only. Nothing stays installed on the device: the profile only asks for these details once.`,
  udidDoneTitle: 'Device registered',
  udidDoneHeading: 'This device is registered',
  udidDoneBody: 'Thank you. The team can now add this device to their test builds; you will be able to install them once a build that includes it is published.',
  model: 'Model',
  deviceName: 'Name',
  nothingInstalled: 'Nothing was installed on this device.',

  // --- CA trust page (/ca) --------------------------------------------------------------------
  caTitle: 'Trust this server',
  caHeading: 'Trust this server’s certificate',
  caIntro: (url: string): SafeHtml =>
    html`This otaship server (<code>${url}</code>) uses its own certificate authority. iPhones and iPads install apps only from servers they trust, so do this once per device:`,
  caStepDownload: (url: string): SafeHtml =>
    html`<strong>Download the profile</strong> in Safari: <a class="button button-primary" href="${url}">Download CA profile</a> and tap <em>Allow</em>.`,
  caStepInstall: html`<strong>Install it:</strong> open Settings › General › VPN &amp; Device Management (or the <em>Profile Downloaded</em> entry at the top of Settings), tap the profile and <em>Install</em>.`,
  caStepTrust: html`<strong>Enable full trust:</strong> Settings › General › About › Certificate Trust Settings, switch on the otaship CA. Without this step installs still fail.`,
  caOther: (url: string): SafeHtml =>
    html`On a computer or Android device, download the certificate instead: <a href="${url}">ca.crt</a>.`,
  caFingerprint: 'Check the certificate’s SHA-256 fingerprint before trusting it:',

  // --- error pages ----------------------------------------------------------------------------
  errorTitles: {
    400: 'Bad request',
    401: 'Sign-in required',
    403: 'Link not valid',
    404: 'Not found',
    413: 'Too large',
    422: 'Cannot be processed',
    429: 'Too many requests',
    500: 'Server error',
    503: 'Temporarily unavailable',
  },
  errorOther: 'Request failed',
  errorCode: (status: number, code: string): string => `Error ${status} · ${code}`,
  /** What a tester should do, for the errors testers meet; other codes show the server's message only. */
  errorAdvice: {
    TOKEN_INVALID: 'This link is not valid. Ask the person who sent it for a fresh install link.',
    TOKEN_MISSING: 'This link is incomplete. Open the install page again from the link you were sent.',
    TOKEN_EXPIRED: 'This link has expired. Open the install page again from the link you were sent to get a fresh one.',
    NOT_FOUND: 'There is nothing at this address. The build may have been removed: ask for a current link.',
    DEVICE_REGISTRATION: 'The device could not be registered. Open the registration page in Safari on the iPhone or iPad and install the profile again.',
    TOO_MANY_REQUESTS: 'Too many attempts in a short time. Wait a minute, then try again.',
    UNAVAILABLE: 'The server is busy or under maintenance. Try again in a few minutes.',
  },
  /** Heading of the server's own (English) explanation under the translated advice. */
  errorDetails: 'Details',

  // --- share link passcode page ---------------------------------------------------------------
  passcodeIntro: 'This link is protected by a passcode: enter the one you were given to see the build.',
  passcodeLabel: 'Passcode',
  passcodeOpen: 'Open',
  passcodeWrong: 'That passcode is not right. Check it and try again.',
};

export type Messages = typeof en;

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseInstallLink } from '../../src/core/link/index.js';
import { renderInstallPage, profileNotices } from '../../src/web/pages/install.js';
import { parseHtml } from './dom.js';
import { VERSION } from '../../src/version.js';
import { androidView, DAY, HOSTILE_NAME, iosView, NOW, profile } from './fixtures.js';

describe('install page (iOS)', () => {
  test('install button carries the itms-services link; &amp; appears exactly once in the markup', async () => {
    const view = iosView();
    const out = (await renderInstallPage(view)).value;
    const dom = parseHtml(out);
    const button = dom.byId('install');
    assert.ok(button);
    const href = dom.attr(button, 'href')!;
    assert.equal(href, view.installHref);
    // As a browser reads it: one `&` between action and url, and the manifest URL survives whole.
    const parsed = parseInstallLink(href);
    assert.equal(parsed.url, view.manifestUrl);
    // In the raw markup the separator is written &amp; exactly once (never double-escaped).
    const rawHref = /id="install" href="([^"]*)"/.exec(out)?.[1] ?? '';
    assert.equal(rawHref.split('&amp;').length - 1, 1, rawHref);
    assert.ok(!out.includes('&amp;amp;url'));
    assert.equal(dom.text(button), 'Install');
  });

  test('hostile app name, bundle id, version, notes and URLs are escaped', async () => {
    const out = (await renderInstallPage(iosView())).value;
    assert.ok(!out.includes('<script>alert'), 'no live script from user data');
    const dom = parseHtml(out);
    // The only script element is the page's own module.
    const scripts = dom.byTag('script');
    assert.deepEqual(
      scripts.map((s) => dom.attr(s, 'src')),
      [`/assets/install.js?v=${VERSION}`],
    );
    assert.equal(dom.text(dom.byTag('h1')[0]!), HOSTILE_NAME.replace(/\s+/g, ' '));
    assert.equal(dom.byTag('title').length, 1);
    assert.ok(dom.text(dom.byTag('title')[0]!).startsWith('<script>'));
    const icon = dom.byClass('app-icon')[0]!;
    assert.equal(dom.attr(icon, 'src'), 'https://ota.example.com/i/rel1/icon.png?t=eyJhIjoxfQ.sig-_&y="2"');
    const older = dom.byClass('older')[0]!;
    assert.equal(dom.attr(dom.byTag('a').find((a) => older.children.length > 0 && dom.text(a).startsWith('1.1'))!, 'href'), 'https://ota.example.com/i/rel0?t=other&z=<1>');
    // Notes: markdown rendered, the unsafe link dropped.
    const notes = dom.byClass('markdown')[0]!;
    assert.equal(dom.byTag('h2').some((h) => dom.text(h) === 'Changes'), true);
    assert.ok(dom.text(notes).includes('<script>alert(1)</script>'));
    assert.ok(!dom.all((el) => (el.attribs['href'] ?? '').toLowerCase().startsWith('javascript')).length);
  });

  test('shows version, build, human size, date, profile type and expiry', async () => {
    const dom = parseHtml((await renderInstallPage(iosView())).value);
    const version = dom.text(dom.byClass('version')[0]!);
    assert.equal(version, 'Version 1.2<3> (45")');
    const meta = dom.text(dom.byClass('meta')[0]!);
    assert.ok(meta.includes('48.2 MB'), meta);
    // Dates in the page's language (English by default), in UTC until the page script applies the
    // browser's time zone; the exact instant is in <time datetime>.
    assert.ok(meta.includes('Feb 20, 2026'), meta);
    const published = dom.byClass('meta')[0]!.children.find((c) => (c as { name?: string }).name === 'time');
    assert.equal(dom.attr(published as never, 'datetime'), '2026-02-20T08:30:00.000Z');
    const facts = Object.fromEntries(
      dom.byTag('dt').map((dt) => [dom.text(dt), dom.text(dom.byTag('dd').find((dd) => dd.parent === dt.parent)!)]),
    );
    assert.equal(facts['Bundle ID'], 'com.example.<app>');
    assert.equal(facts['Build'], '45"');
    assert.equal(facts['Size'], '48.2 MB');
    assert.equal(facts['Profile'], 'Ad hoc Hostile <b>profile</b>');
    assert.equal(facts['Team'], 'Team & <Co>');
    assert.equal(facts['Devices in profile'], '3');
    assert.equal(facts['Profile expires'], 'Sep 17, 2026 (in 200 days)');
    assert.match(facts['Published']!, /^Feb 20, 2026, 8:30\sAM UTC$/);
    assert.equal(facts['Requires iOS'], '15.0');
    assert.equal(facts['Devices'], 'iPhone, iPad');
  });

  test('QR code of the page URL is inline SVG', async () => {
    const dom = parseHtml((await renderInstallPage(iosView())).value);
    const qr = dom.byClass('qr')[0]!;
    assert.ok(qr);
    assert.equal(dom.byTag('svg').length, 1);
    assert.equal(dom.byTag('img').filter((i) => (dom.attr(i, 'src') ?? '').includes('qr')).length, 0);
  });

  test('every hint from the OTA notes is present for an ad-hoc build', async () => {
    const dom = parseHtml((await renderInstallPage(iosView())).value);
    for (const cls of ['hint-safari', 'hint-udid', 'hint-devmode', 'hint-same-version', 'hint-inapp', 'hint-mismatch', 'hint-family']) {
      assert.equal(dom.byClass(cls).length, 1, cls);
    }
    // Device-specific hints start hidden; the page script reveals them.
    for (const cls of ['hint-inapp', 'hint-mismatch', 'hint-family', 'hint-other-browser']) {
      assert.equal(dom.attr(dom.byClass(cls)[0]!, 'hidden'), '', cls);
    }
    assert.equal(dom.byClass('hint-enterprise').length, 0);
    const udid = dom.text(dom.byClass('hint-udid')[0]!);
    assert.ok(udid.includes('Unable to Download App') && udid.includes('UDID') && udid.includes('(3 devices)'), udid);
  });

  test('enterprise builds explain trusting the developer (iOS 18 restart), not Developer Mode', async () => {
    const dom = parseHtml(
      (await renderInstallPage(iosView({ profile: profile({ type: 'enterprise', deviceCount: 0, provisionsAllDevices: true }) }))).value,
    );
    const text = dom.text(dom.byClass('hint-enterprise')[0]!);
    assert.ok(text.includes('VPN & Device Management'), text);
    assert.ok(text.includes('iOS 18'), text);
    assert.ok(text.includes('Team & <Co>'), text);
    assert.equal(dom.byClass('hint-devmode').length, 0);
    assert.equal(dom.byClass('hint-udid').length, 0);
  });

  test('http public URL: a prominent warning that iOS refuses the install', async () => {
    const insecure = parseHtml((await renderInstallPage(iosView({ secure: false }))).value);
    const warning = insecure.byClass('insecure')[0];
    assert.ok(warning);
    assert.equal(insecure.attr(warning, 'role'), 'alert');
    assert.ok(insecure.text(warning).includes('https'));
    const secure = parseHtml((await renderInstallPage(iosView({ secure: true }))).value);
    assert.equal(secure.byClass('insecure').length, 0);
  });

  test('expired and expiring profiles are flagged; the button is marked blocked when expired', async () => {
    const expired = parseHtml(
      (await renderInstallPage(iosView({ profile: profile({ expiresAt: new Date(NOW.getTime() - 2 * DAY) }) }))).value,
    );
    assert.equal(expired.byClass('profile-expired').length, 1);
    assert.ok(expired.text(expired.byClass('profile-expired')[0]!).includes('expired on Feb 27, 2026'));
    assert.ok((expired.attr(expired.byId('install')!, 'class') ?? '').includes('button-blocked'));
    const soon = parseHtml(
      (await renderInstallPage(iosView({ profile: profile({ expiresAt: new Date(NOW.getTime() + 5 * DAY + 3600_000) }) }))).value,
    );
    assert.equal(soon.byClass('profile-expiring').length, 1);
    assert.ok(soon.text(soon.byClass('profile-expiring')[0]!).includes('in 5 days'));
    assert.equal(soon.byClass('profile-expired').length, 0);
    const fine = parseHtml((await renderInstallPage(iosView())).value);
    assert.equal(fine.byClass('profile-expiring').length + fine.byClass('profile-expired').length, 0);
  });

  test('app-store profile: says it cannot be installed over the air', () => {
    const notices = profileNotices(profile({ type: 'app-store', deviceCount: 0 }), NOW).map((n) => n.value).join('');
    assert.ok(notices.includes('App Store'));
    assert.deepEqual(profileNotices(null, NOW), []);
  });

  test('older releases are listed with their own links; the CA hint appears when set', async () => {
    const dom = parseHtml((await renderInstallPage(iosView({ caPageUrl: 'https://ota.example.com/ca' }))).value);
    const items = dom.byClass('older')[0]!;
    assert.ok(dom.text(items).includes('1.1 (44)'));
    const ca = dom.byClass('hint-ca')[0]!;
    assert.equal(dom.attr(dom.byTag('a').find((a) => dom.text(a).includes('trust the otaship certificate'))!, 'href'), 'https://ota.example.com/ca');
    assert.ok(ca);
    const none = parseHtml((await renderInstallPage(iosView({ older: [] }))).value);
    assert.equal(none.byClass('older').length, 0);
  });

  test('latest page says it always offers the newest release', async () => {
    const dom = parseHtml((await renderInstallPage(iosView({ kind: 'latest' }))).value);
    assert.equal(dom.byClass('latest-note').length, 1);
    assert.equal(dom.byClass('latest-link').length, 0);
  });

  test('html root carries platform and families for the page script', async () => {
    const dom = parseHtml((await renderInstallPage(iosView())).value);
    const root = dom.byTag('html')[0]!;
    assert.equal(dom.attr(root, 'data-platform'), 'ios');
    assert.equal(dom.attr(root, 'data-families'), 'iphone ipad');
    assert.equal(dom.attr(root, 'data-profile'), 'ad-hoc');
  });

  test('no external resources: every stylesheet, script and image is same-origin or the public URL', async () => {
    const dom = parseHtml((await renderInstallPage(iosView())).value);
    for (const el of dom.all((e) => ['link', 'script', 'img'].includes(e.name))) {
      const url = dom.attr(el, 'src') ?? dom.attr(el, 'href') ?? '';
      assert.ok(url.startsWith('/assets/') || url.startsWith('https://ota.example.com/'), url);
    }
  });
});

describe('install page (Android)', () => {
  test('direct download link to the APK, Android hints, no iOS hints', async () => {
    const view = androidView();
    const dom = parseHtml((await renderInstallPage(view)).value);
    const button = dom.byId('install')!;
    assert.equal(dom.attr(button, 'href'), view.downloadUrl);
    assert.equal(dom.attr(button, 'download'), '');
    assert.equal(dom.text(button), 'Download APK');
    assert.equal(dom.byClass('hint-devmode').length, 0);
    assert.equal(dom.byClass('hint-udid').length, 0);
    assert.ok(dom.text(dom.byClass('help')[0]!).includes('Install unknown apps'));
    const mismatch = dom.text(dom.byClass('hint-mismatch')[0]!);
    assert.ok(mismatch.includes('Android build'), mismatch);
    // An http server is fine for Android downloads: no iOS https warning.
    const insecure = parseHtml((await renderInstallPage(androidView({ secure: false }))).value);
    assert.equal(insecure.byClass('insecure').length, 0);
  });
});

// The install page's client-side device detection (public/detect.js), run in Node.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { detectDevice, installHints } from '../../public/detect.js';

const UA = {
  iphoneSafari:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  ipadSafari:
    'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
  macSafari:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  iphoneChrome:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/123.0.6312.52 Mobile/15E148 Safari/604.1',
  iphoneWebView:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  android:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Mobile Safari/537.36',
  androidWebView:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/123.0.0.0 Mobile Safari/537.36',
  linuxChrome: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36',
};

const IN_APP: [string, string][] = [
  ['Gmail', `${UA.iphoneWebView} GmailApp/6.0`],
  ['Slack', `${UA.iphoneWebView} Slack/23.10`],
  ['WeChat', `${UA.iphoneWebView} MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/en`],
  ['Facebook', `${UA.iphoneWebView} [FBAN/FBIOS;FBAV/450.0.0.0;FBBV/1]`],
  ['Instagram', `${UA.iphoneWebView} Instagram 320.0.0.0 (iPhone15,2; iOS 17_4; en_US)`],
  ['LinkedIn', `${UA.iphoneWebView} [LinkedInApp]/9.29`],
  ['LINE', `${UA.iphoneWebView} Safari Line/14.3.0`],
  ['Telegram', `${UA.iphoneSafari} Telegram-iOS/10.9`],
  ['Facebook', `${UA.iphoneWebView} [FBAN/FBIOS;FBAV/450.0.0.0]`],
  ['X', `${UA.iphoneWebView} Twitter for iPhone/10.34`],
  ['Google', `${UA.iphoneSafari.replace(' Safari/604.1', '')} GSA/300.0.612345678 Safari/604.1`],
];

describe('detectDevice', () => {
  test('iPhone Safari', () => {
    assert.deepEqual(detectDevice({ userAgent: UA.iphoneSafari, platform: 'iPhone', maxTouchPoints: 5 }), {
      os: 'ios',
      family: 'iphone',
      ipadDesktopMode: false,
      inApp: null,
      otherBrowser: false,
    });
  });

  test('iPad in desktop mode (Mac UA, MacIntel, touch points) is an iPad', () => {
    const d = detectDevice({ userAgent: UA.macSafari, platform: 'MacIntel', maxTouchPoints: 5 });
    assert.equal(d.os, 'ios');
    assert.equal(d.family, 'ipad');
    assert.equal(d.ipadDesktopMode, true);
    assert.equal(d.inApp, null);
  });

  test('a real Mac (no touch) is a desktop', () => {
    const d = detectDevice({ userAgent: UA.macSafari, platform: 'MacIntel', maxTouchPoints: 0 });
    assert.equal(d.os, 'desktop');
    assert.equal(d.family, null);
  });

  test('iPad UA, Android, desktop', () => {
    assert.equal(detectDevice({ userAgent: UA.ipadSafari }).family, 'ipad');
    assert.equal(detectDevice({ userAgent: UA.android, platform: 'Linux armv8l', maxTouchPoints: 5 }).os, 'android');
    assert.equal(detectDevice({ userAgent: UA.linuxChrome, platform: 'Linux x86_64', maxTouchPoints: 0 }).os, 'desktop');
  });

  for (const [name, ua] of IN_APP) {
    test(`in-app browser: ${name}`, () => {
      const d = detectDevice({ userAgent: ua, platform: 'iPhone', maxTouchPoints: 5 });
      assert.equal(d.os, 'ios');
      assert.equal(d.inApp, name);
    });
  }

  test('unknown WKWebView (no Safari token) and Android WebView count as in-app', () => {
    assert.equal(detectDevice({ userAgent: UA.iphoneWebView }).inApp, 'an in-app browser');
    assert.equal(detectDevice({ userAgent: UA.androidWebView }).inApp, 'an in-app browser');
    assert.equal(detectDevice({ userAgent: UA.android }).inApp, null);
  });

  test('Chrome on iOS is another browser, not in-app', () => {
    const d = detectDevice({ userAgent: UA.iphoneChrome });
    assert.equal(d.inApp, null);
    assert.equal(d.otherBrowser, true);
  });
});

describe('installHints', () => {
  const ios = { platform: 'ios', families: ['iphone'] };
  test('Android device on an iOS build: mismatch, no in-app hint', () => {
    const h = installHints(detectDevice({ userAgent: `${UA.androidWebView}` }), ios);
    assert.equal(h.mismatch, true);
    assert.equal(h.inApp, false);
  });
  test('iPhone on an Android build: mismatch', () => {
    assert.equal(installHints(detectDevice({ userAgent: UA.iphoneSafari }), { platform: 'android', families: [] }).mismatch, true);
  });
  test('iPad on an iPhone-only build: wrong family; iPhone on it: fine', () => {
    assert.equal(installHints(detectDevice({ userAgent: UA.ipadSafari }), ios).wrongFamily, true);
    assert.equal(installHints(detectDevice({ userAgent: UA.iphoneSafari }), ios).wrongFamily, false);
    assert.equal(installHints(detectDevice({ userAgent: UA.ipadSafari }), { platform: 'ios', families: ['iphone', 'ipad'] }).wrongFamily, false);
  });
  test('Gmail on iPhone for an iOS build: in-app hint', () => {
    assert.equal(installHints(detectDevice({ userAgent: IN_APP[0]![1] }), ios).inApp, true);
  });
  test('desktop', () => {
    const h = installHints(detectDevice({ userAgent: UA.linuxChrome }), ios);
    assert.deepEqual(h, { mismatch: false, inApp: false, otherBrowser: false, wrongFamily: false, desktop: true });
  });
});

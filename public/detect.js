// Device detection for the install page, run in the visitor's browser (the server never sniffs the
// User-Agent). Pure function of { userAgent, platform, maxTouchPoints } so it can be unit-tested in Node.

/** In-app browsers that cannot open itms-services: links (and often block downloads). */
export const IN_APP_BROWSERS = [
  ['Gmail', /GmailApp|\bGmail\b/],
  ['Google', /\bGSA\//],
  ['Slack', /\bSlack(_SSB)?\b/],
  ['WeChat', /MicroMessenger/i],
  ['Facebook', /FBAN|FBAV|FB_IAB|FBIOS|FB4A/],
  ['Messenger', /MessengerForiOS|Orca-Android/],
  ['Instagram', /Instagram/],
  ['LinkedIn', /LinkedInApp/],
  ['LINE', /\bLine\//],
  ['Telegram', /Telegram/i],
  ['X', /Twitter(Android)?\b/],
  ['TikTok', /musical_ly|BytedanceWebview|TikTok/],
  ['Snapchat', /Snapchat/],
  ['Discord', /Discord/],
  ['Microsoft Teams', /\bTeams\//],
  ['WhatsApp', /WhatsApp/],
];

/** Third-party browsers on iOS: installs may do nothing there; Safari is the safe bet. */
const IOS_OTHER_BROWSERS = /CriOS|FxiOS|EdgiOS|OPiOS|OPT\/|YaBrowser|DuckDuckGo|Brave/;

/**
 * @param {{ userAgent?: string, platform?: string, maxTouchPoints?: number }} nav
 * @returns {{ os: 'ios' | 'android' | 'desktop', family: 'iphone' | 'ipad' | null, ipadDesktopMode: boolean,
 *   inApp: string | null, otherBrowser: boolean }}
 */
export function detectDevice(nav) {
  const ua = String(nav.userAgent || '');
  const platform = String(nav.platform || '');
  const touch = Number(nav.maxTouchPoints || 0);

  let os = 'desktop';
  let family = null;
  let ipadDesktopMode = false;
  if (/iPad/.test(ua)) {
    os = 'ios';
    family = 'ipad';
  } else if (/iPhone|iPod/.test(ua)) {
    os = 'ios';
    family = 'iphone';
  } else if (/Android/.test(ua)) {
    os = 'android';
  } else if (platform === 'MacIntel' && touch > 1) {
    // iPadOS Safari "Request Desktop Website" (the default on iPad) sends a Mac User-Agent; no Mac has a
    // touch screen, so a Mac with several touch points is an iPad.
    os = 'ios';
    family = 'ipad';
    ipadDesktopMode = true;
  }

  let inApp = null;
  for (const [name, pattern] of IN_APP_BROWSERS) {
    if (pattern.test(ua)) {
      inApp = name;
      break;
    }
  }
  if (inApp === null && os === 'ios' && !ipadDesktopMode && !/Safari\//.test(ua)) {
    // WKWebView-based in-app browsers omit the "Safari/…" token that Safari and the other browsers send.
    inApp = 'an in-app browser';
  }
  if (inApp === null && os === 'android' && /; wv\)/.test(ua)) {
    inApp = 'an in-app browser';
  }
  const otherBrowser = os === 'ios' && inApp === null && IOS_OTHER_BROWSERS.test(ua);
  return { os, family, ipadDesktopMode, inApp, otherBrowser };
}

/**
 * Which hints of the install page apply.
 * @param {ReturnType<typeof detectDevice>} device
 * @param {{ platform: string, families: string[] }} build  platform 'ios' | 'android'; families like ['iphone','ipad']
 */
export function installHints(device, build) {
  const mismatch =
    (build.platform === 'ios' && device.os === 'android') || (build.platform === 'android' && device.os === 'ios');
  const sameOs = device.os === build.platform;
  const wrongFamily =
    sameOs &&
    build.platform === 'ios' &&
    device.family !== null &&
    build.families.length > 0 &&
    !build.families.includes(device.family);
  return {
    mismatch,
    inApp: sameOs && device.inApp !== null,
    otherBrowser: sameOs && device.otherBrowser,
    wrongFamily,
    desktop: device.os === 'desktop',
  };
}

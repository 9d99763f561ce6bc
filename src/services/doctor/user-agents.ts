// The clients iOS uses for each step of an install. Servers that sniff the User-Agent (or demand a
// cookie) on the manifest and package routes break installs, so the doctor asks as iOS asks.

/** Mobile Safari on iOS 17: opens the install page. */
export const SAFARI_USER_AGENT =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

/**
 * The install daemon, which fetches the manifest, the package and the icons with no cookies and no
 * Safari session. iOS 14 and later send appstored's agent in this form; iOS 13 and earlier sent
 * `itunesstored/1.0 iOS/12.4 model/iPhone10,3 hwp/t8015 build/16G77 (6; dt:158)`.
 */
export const INSTALLER_USER_AGENT = 'com.apple.appstored/1.0 iOS/17.4 model/iPhone15,2 hwp/t8120 build/21E219 (6; dt:268) AMS/1';

/** CFNetwork's default request headers, which the install daemon sends with its agent. */
export const INSTALLER_HEADERS: Readonly<Record<string, string>> = {
  'user-agent': INSTALLER_USER_AGENT,
  accept: '*/*',
  'accept-language': 'en-GB,en;q=0.9',
  'accept-encoding': 'gzip, deflate, br',
};

export const SAFARI_HEADERS: Readonly<Record<string, string>> = {
  'user-agent': SAFARI_USER_AGENT,
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'accept-language': 'en-GB,en;q=0.9',
  'accept-encoding': 'gzip, deflate, br',
};

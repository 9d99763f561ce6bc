// The catalogue of problems `lintInstallLink` can report. Codes are stable (scripts match on them);
// the severity is the default one. docs/link.md documents every code (a test checks it).

export type LinkProblemSeverity = 'error' | 'warning' | 'info';

export interface LinkProblemSpec {
  readonly severity: LinkProblemSeverity;
  readonly description: string;
}

export const LINK_PROBLEMS = {
  'not-itms-link': {
    severity: 'error',
    description: 'The text is not an itms-services link (for example a bare https:// manifest URL).',
  },
  'store-scheme': {
    severity: 'error',
    description: 'itms://, itms-apps://, itmss:// (and TestFlight/Books schemes) open a store app and install nothing.',
  },
  'scheme-typo': { severity: 'error', description: 'The scheme is a misspelling of itms-services (itms-service:, itms-servces:…).' },
  'scheme-case': {
    severity: 'warning',
    description: 'The scheme is not lower-case; iOS accepts it, but linkifiers and sanitisers may not.',
  },
  'scheme-slashes': {
    severity: 'error',
    description: 'The scheme is not followed by exactly two slashes (itms-services:/?… or itms-services:?…).',
  },
  'scheme-three-slashes': {
    severity: 'warning',
    description:
      'itms-services:/// (three slashes, an explicitly empty host): pages that work in production use it; ' +
      'the canonical form has two.',
  },
  'missing-question-mark': {
    severity: 'error',
    description: 'The parameters do not start with ?, so iOS reads them as a host name.',
  },
  'unexpected-host': {
    severity: 'warning',
    description: 'The link has a host (itms-services://host?…); install links have an empty host.',
  },
  'missing-action': { severity: 'error', description: 'There is no action parameter.' },
  'duplicate-action': { severity: 'error', description: 'The action parameter appears more than once.' },
  'unknown-action': {
    severity: 'error',
    description: 'The action is neither download-manifest nor purchaseIntent (often a typo).',
  },
  'missing-url': { severity: 'error', description: 'There is no url parameter, or it is empty.' },
  'duplicate-url': { severity: 'error', description: 'The url parameter appears more than once.' },
  'doubled-prefix': {
    severity: 'error',
    description: 'The url parameter holds another itms-services link (the prefix was added twice).',
  },
  'html-escaped': {
    severity: 'error',
    description: 'The link holds HTML escapes (&amp;, &#38;, &#x26;) where nothing decodes them: iOS sees amp;url, not url.',
  },
  'bad-percent-encoding': {
    severity: 'error',
    description: 'A % is not followed by two hex digits, so the link cannot be decoded.',
  },
  'double-encoded': {
    severity: 'error',
    description: 'The manifest URL was percent-encoded twice (https%253A…); iOS decodes it only once.',
  },
  'url-unencoded-query': {
    severity: 'error',
    description: 'The manifest URL was not encoded and its own & became a stray parameter, cutting the URL short.',
  },
  'url-not-encoded': {
    severity: 'warning',
    description:
      'The manifest URL was not encoded but holds %-escapes that iOS decodes once, so it fetches a different URL ' +
      'than the one written (no fix is guessed when both are valid URLs).',
  },
  'url-partly-encoded': {
    severity: 'info',
    description: 'The manifest URL is only partly encoded (https%3A//…, m.plist%3Ft%3D1); decoded once it works.',
  },
  'url-placeholder': {
    severity: 'error',
    description:
      'The manifest URL holds a template placeholder ({domain}, <your-server>, ${HOST}, %s): ' +
      'a template to fill in, so no fix is offered.',
  },
  'url-not-absolute': { severity: 'error', description: 'The manifest URL is relative or not a valid absolute URL.' },
  'url-not-https': {
    severity: 'error',
    description: 'The manifest URL does not use https: (required since iOS 7.1).',
  },
  'url-invalid-characters': {
    severity: 'error',
    description: 'The manifest URL iOS receives holds spaces or other characters NSURL rejects.',
  },
  'url-has-credentials': {
    severity: 'warning',
    description: 'The manifest URL holds user:password@; the install daemon does not reuse them for the assets.',
  },
  'url-is-package': {
    severity: 'error',
    description: 'The url points at a package (.ipa, .apk…) instead of a manifest (.plist).',
  },
  'url-unexpected-extension': {
    severity: 'warning',
    description: 'The url ends in an extension a manifest never has (.html, .json, .mobileconfig…).',
  },
  'host-unreachable': {
    severity: 'error',
    description: 'The manifest host is localhost or a loopback/unspecified address, which a phone cannot reach.',
  },
  'host-private-network': {
    severity: 'warning',
    description: 'The manifest host is a private, link-local or .local/intranet name: reachable only on that network.',
  },
  'unknown-parameter': {
    severity: 'warning',
    description: 'The link has a parameter iOS does not use (a typo such as URL= or a leftover).',
  },
  'not-install-link': {
    severity: 'info',
    description: 'A valid itms-services purchaseIntent link (StoreKit promoted purchase): it installs nothing.',
  },
  'purchase-intent-incomplete': {
    severity: 'error',
    description: 'A purchaseIntent link lacks bundleId or productIdentifier.',
  },
} as const satisfies Record<string, LinkProblemSpec>;

export type LinkProblemCode = keyof typeof LINK_PROBLEMS;

export interface LinkProblem {
  code: LinkProblemCode;
  severity: LinkProblemSeverity;
  message: string;
}

export function problem(code: LinkProblemCode, message: string): LinkProblem {
  return { code, severity: LINK_PROBLEMS[code].severity, message };
}

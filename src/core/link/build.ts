// Builds an itms-services install link from a manifest URL. The URL is percent-encoded with
// encodeURIComponent: iOS decodes the value once, so an unencoded '&' in the manifest URL's own query
// would otherwise become a stray itms-services parameter and cut the URL short.
import { OtashipError } from '../errors.js';
import { encodeRejectedCharacters, nsurlRejectedCharacters } from './nsurl.js';

export const INSTALL_LINK_PREFIX = 'itms-services://?action=download-manifest&url=';

export interface BuildInstallLinkOptions {
  /** Accept http:// manifest URLs (local testing only: iOS refuses them since 7.1). Default false. */
  readonly allowHttp?: boolean;
}

/** The link for a URL that is already known to be good (no checks). */
export function formatInstallLink(manifestUrl: string): string {
  return INSTALL_LINK_PREFIX + encodeURIComponent(manifestUrl);
}

export function buildInstallLink(manifestUrl: string | URL, options: BuildInstallLinkOptions = {}): string {
  const text = String(manifestUrl).trim();
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new OtashipError('BAD_URL', `The manifest URL "${text}" is not an absolute URL`);
  }
  const httpAllowed = options.allowHttp === true && parsed.protocol === 'http:';
  if (parsed.protocol !== 'https:' && !httpAllowed) {
    const extra = parsed.protocol === 'http:' ? ' (iOS refuses http:// manifests; allow http only for local tests with --allow-http / allowHttp)' : '';
    throw new OtashipError('BAD_URL', `The manifest URL "${text}" uses ${parsed.protocol} instead of https:${extra}`);
  }
  if (parsed.hostname === '') {
    throw new OtashipError('BAD_URL', `The manifest URL "${text}" has no host`);
  }
  // Keep the caller's URL as written when NSURL would accept it; otherwise take the WHATWG form
  // (spaces and non-ASCII percent-encoded, IDN host in punycode) and encode what is still rejected.
  const url = nsurlRejectedCharacters(text).length === 0 ? text : encodeRejectedCharacters(parsed.href);
  return formatInstallLink(url);
}

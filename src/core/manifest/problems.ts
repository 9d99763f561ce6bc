// Stable problem codes of the manifest validator and cross-check, with their severity. 'error' means
// iOS will refuse or fail the install (or the manifest cannot be read); 'warning' means it may work
// but is suspicious or weak. Codes are public (CLI --json, server API): never rename one.
import type { ManifestProblem, ProblemSeverity } from './types.js';

export const MANIFEST_PROBLEMS = {
  // --- the document ---------------------------------------------------------------------------
  TOO_LARGE: 'error', // far bigger than any manifest; not read further
  BOM: 'error', // a byte-order mark before <?xml
  LEADING_BYTES: 'error', // whitespace or other bytes before <?xml
  NO_XML_DECLARATION: 'warning', // starts with <plist or <!DOCTYPE: well-formed, but not what Xcode writes
  ENCODING: 'error', // not UTF-8 (declared or actual)
  BINARY_PLIST: 'error', // bplist00: iOS is served XML manifests (text/xml)
  MALFORMED_XML: 'error',
  NOT_A_PLIST: 'error', // XML, but not a property list (or a broken one)
  DUPLICATE_KEY: 'warning', // the same key twice in one dict; the last one counts
  // --- structure ------------------------------------------------------------------------------
  ROOT_NOT_DICT: 'error',
  MISSING_ITEMS: 'error',
  NO_ITEMS: 'error',
  SEVERAL_ITEMS: 'error',
  ITEM_NOT_DICT: 'error',
  MISSING_ASSETS: 'error',
  MISSING_METADATA: 'error',
  WRONG_TYPE: 'error', // a known key holds the wrong plist type
  ASSET_NOT_DICT: 'error',
  MISSING_ASSET_KIND: 'error',
  MISSING_ASSET_URL: 'error',
  UNKNOWN_ASSET_KIND: 'warning',
  MISSING_SOFTWARE_PACKAGE: 'error',
  SEVERAL_SOFTWARE_PACKAGES: 'error',
  DUPLICATE_ASSET: 'warning',
  // --- URLs -----------------------------------------------------------------------------------
  URL_NOT_ABSOLUTE: 'error',
  URL_NOT_HTTPS: 'error', // required since iOS 7.1
  URL_INVALID_CHARACTERS: 'error', // spaces, non-ASCII…: NSURL refuses the URL
  URL_LOOPBACK: 'error', // localhost / 127.0.0.1 / [::1]: a phone cannot reach it (lint: host-unreachable)
  URL_PRIVATE_NETWORK: 'warning', // 10/8, 192.168/16, .local…: reachable only on that network (lint: host-private-network)
  PACKAGE_URL_IS_MANIFEST: 'error', // the software-package URL ends in .plist: iOS would download the manifest as the app
  URL_CREDENTIALS: 'warning', // user:password@ in the URL: the install daemon re-prompts, logs leak it
  IMAGE_NOT_PNG: 'warning',
  // --- metadata -------------------------------------------------------------------------------
  MISSING_BUNDLE_IDENTIFIER: 'error',
  BUNDLE_IDENTIFIER_CHARACTERS: 'warning', // outside A-Z a-z 0-9 . -
  MISSING_TITLE: 'error',
  MISSING_KIND: 'error',
  KIND_NOT_SOFTWARE: 'error',
  // --- hashes ---------------------------------------------------------------------------------
  BAD_HASH: 'error', // not 64 (SHA-256) / 32 (MD5) hex digits
  BAD_CHUNK_SIZE: 'error',
  CHUNK_HASHES_WITHOUT_SIZE: 'error',
  CHUNK_SIZE_WITHOUT_HASHES: 'error',
  MD5_ONLY: 'warning', // Apple: use SHA-256
  // --- cross-check against the package --------------------------------------------------------
  BUNDLE_ID_MISMATCH: 'error',
  VERSION_MISMATCH: 'warning',
  HASH_MISMATCH: 'error',
  CHUNK_COUNT_MISMATCH: 'error',
  CHUNK_HASH_MISMATCH: 'error',
  HASH_NOT_CHECKED: 'warning', // the manifest has hashes but no file hashes were given to compare
} as const satisfies Record<string, ProblemSeverity>;

export type ManifestProblemCode = keyof typeof MANIFEST_PROBLEMS;

export function problem(code: ManifestProblemCode, message: string, path?: string): ManifestProblem {
  return path === undefined
    ? { code, severity: MANIFEST_PROBLEMS[code], message }
    : { code, severity: MANIFEST_PROBLEMS[code], message, path };
}

export function hasErrors(problems: readonly ManifestProblem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

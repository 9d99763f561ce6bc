// What the doctor reports: one finding per problem, with a stable code, a severity, what the person
// holding the phone sees, and the fix. Codes are public (`otaship doctor --json`, the API): never
// rename one. 'error' means iOS will not install the app; 'warning' means it may fail for some
// devices, networks or later; 'info' is worth knowing and never blocks.
import { SNIPPETS, type Snippets } from './snippets.js';

export type FindingSeverity = 'error' | 'warning' | 'info';
/** Which request the finding is about, in the order iOS makes them. */
export type DoctorStep = 'page' | 'link' | 'manifest' | 'package' | 'icon';

export interface Finding {
  code: string;
  severity: FindingSeverity;
  step: DoctorStep;
  /** The URL the finding is about. */
  url: string | null;
  /** What is wrong here, with the values found. */
  message: string;
  /** What the person on the phone sees. */
  phone: string;
  /** What to change. */
  fix: string;
  /** Configuration that makes the fix, keyed by server (nginx, caddy, s3). */
  snippets?: Snippets;
}

interface Spec {
  severity: FindingSeverity;
  phone: string;
  fix: string;
  snippets?: Snippets;
}

const CANNOT_CONNECT = 'An alert: "Cannot connect to <host>"; the app is not installed.';
const UNABLE = 'The icon appears, then an alert: "Unable to Download App — could not be installed at this time".';
const NOTHING = 'Nothing happens when Install is tapped, or "Cannot connect".';

export const DOCTOR_FINDINGS = {
  // --- reaching the server ------------------------------------------------------------------
  UNREACHABLE: { severity: 'error', phone: CANNOT_CONNECT, fix: 'Make the host resolvable and reachable from the phone\'s network on this port (DNS, firewall, the server running).' },
  TIMEOUT: { severity: 'error', phone: CANNOT_CONNECT, fix: 'The server did not answer in time: check that it (and any proxy in front of it) is up and not overloaded.' },
  RESPONSE_TOO_LARGE: { severity: 'error', phone: NOTHING, fix: 'Serve the manifest or page itself at this URL, not a large file.' },
  TOO_MANY_REDIRECTS: { severity: 'error', phone: CANNOT_CONNECT, fix: 'Remove the redirect loop: serve the file at one URL.' },
  REDIRECT_TO_HTTP: { severity: 'error', phone: CANNOT_CONNECT, fix: 'Every redirect must stay on https. Usually a proxy builds Location from the scheme it sees: tell the application it is behind TLS.', snippets: SNIPPETS.forwardedProto },
  REDIRECT_NOT_HTTPS: { severity: 'error', phone: CANNOT_CONNECT, fix: 'Use https URLs only: App Transport Security refuses plain http.' },
  REDIRECT_OTHER_HOST: { severity: 'info', phone: 'Nothing by itself; that host must pass every TLS check too.', fix: 'None needed if intended (e.g. a CDN or object storage).' },
  MANIFEST_REDIRECTED: { severity: 'warning', phone: 'Works on most iOS versions; some refuse a redirected manifest.', fix: 'Serve the manifest itself with 200 at the URL in the link (redirect the package, not the manifest).' },
  // --- TLS as App Transport Security requires ---------------------------------------------
  TLS_HANDSHAKE_FAILED: { severity: 'error', phone: CANNOT_CONNECT, fix: 'Serve TLS 1.2 or 1.3 with an ECDHE cipher suite and a valid certificate for this name.', snippets: SNIPPETS.tlsProtocols },
  TLS_OLD_PROTOCOL: { severity: 'error', phone: CANNOT_CONNECT, fix: 'Enable TLS 1.2 and 1.3 (App Transport Security refuses TLS 1.0 and 1.1).', snippets: SNIPPETS.tlsProtocols },
  TLS_NO_FORWARD_SECRECY: { severity: 'error', phone: CANNOT_CONNECT, fix: 'Offer ECDHE cipher suites (forward secrecy), which App Transport Security requires.', snippets: SNIPPETS.tlsProtocols },
  TLS_UNKNOWN_CA: { severity: 'error', phone: CANNOT_CONNECT, fix: 'Use a certificate from a public CA (e.g. Let\'s Encrypt), or install this CA on every phone (profile + Settings › General › About › Certificate Trust Settings) and run the doctor with --ca.', snippets: SNIPPETS.certificate },
  TLS_SELF_SIGNED_LEAF: { severity: 'error', phone: CANNOT_CONNECT, fix: 'A self-signed server certificate cannot be trusted for installs: issue it from a CA (a public one, or a local CA whose certificate the phones install and fully trust; `otaship serve` makes one).', snippets: SNIPPETS.certificate },
  TLS_INCOMPLETE_CHAIN: { severity: 'error', phone: CANNOT_CONNECT, fix: 'Send the intermediate certificates with the server certificate (the "fullchain" file, not "cert").', snippets: SNIPPETS.certificate },
  TLS_UNTRUSTED: { severity: 'error', phone: CANNOT_CONNECT, fix: 'Serve a certificate chain that a phone trusts.', snippets: SNIPPETS.certificate },
  TLS_EXPIRED: { severity: 'error', phone: CANNOT_CONNECT, fix: 'Renew the certificate (and automate renewal).', snippets: SNIPPETS.certificate },
  TLS_NOT_YET_VALID: { severity: 'error', phone: CANNOT_CONNECT, fix: 'The certificate starts in the future: check the clock of the machine that issued it.' },
  TLS_EXPIRES_SOON: { severity: 'warning', phone: 'Installs work until the certificate expires, then "Cannot connect".', fix: 'Renew the certificate now and automate renewal.' },
  TLS_NAME_MISMATCH: { severity: 'error', phone: CANNOT_CONNECT, fix: 'Issue the certificate for the host name in the URL (as a subjectAltName), or use the name the certificate is for.', snippets: SNIPPETS.certificate },
  TLS_NO_SAN: { severity: 'error', phone: CANNOT_CONNECT, fix: 'Since iOS 13 the name must be in subjectAltName; the common name alone is ignored. Reissue the certificate with a SAN.', snippets: SNIPPETS.certificate },
  TLS_WEAK_KEY: { severity: 'error', phone: CANNOT_CONNECT, fix: 'Use an RSA key of 2048 bits or more, or an EC key of 256 bits or more.' },
  TLS_WEAK_SIGNATURE: { severity: 'error', phone: CANNOT_CONNECT, fix: 'Reissue the certificate (and any intermediate) signed with SHA-256 or better; SHA-1 and MD5 are refused.' },
  TLS_NO_SERVER_AUTH: { severity: 'error', phone: CANNOT_CONNECT, fix: 'The certificate\'s extended key usage must include serverAuth: reissue it.' },
  TLS_VALIDITY_TOO_LONG: { severity: 'error', phone: CANNOT_CONNECT, fix: 'iOS refuses server certificates valid for more than 825 days (398 days from a public CA): reissue a shorter one.' },
  CA_NOT_A_CA: { severity: 'error', phone: 'The CA profile installs but the server is still not trusted: "Cannot connect".', fix: 'The certificate given with --ca is not a CA (basicConstraints CA:TRUE is missing): make a real CA and issue the server certificate from it.' },
  CA_NOT_ISSUER: { severity: 'error', phone: CANNOT_CONNECT, fix: 'The certificate given with --ca did not sign this server\'s chain: give the CA that did, or use the right certificate on the server.' },
  // --- the link and the page ----------------------------------------------------------------
  LINK_PROBLEM: { severity: 'error', phone: NOTHING, fix: 'Rebuild the link: itms-services://?action=download-manifest&url=<the manifest URL, percent-encoded> (`otaship link`).' },
  SEVERAL_LINKS: { severity: 'info', phone: 'Each link installs its own app.', fix: 'The doctor checked the first one; run it on each link to check the others.' },
  PAGE_STATUS: { severity: 'error', phone: 'The page does not open in Safari.', fix: 'Serve the install page with 200.' },
  // --- the manifest -------------------------------------------------------------------------
  MANIFEST_NOT_HTTPS: { severity: 'error', phone: NOTHING, fix: 'Serve the manifest over https and put its https URL in the link (required since iOS 7.1).' },
  MANIFEST_STATUS: { severity: 'error', phone: CANNOT_CONNECT, fix: 'Serve the manifest with 200 at the URL in the link, without cookies or a login (the install daemon sends none).' },
  MANIFEST_CONTENT_TYPE: { severity: 'error', phone: NOTHING, fix: 'Serve .plist manifests as text/xml (or application/xml).', snippets: SNIPPETS.plistType },
  MANIFEST_COMPRESSED: { severity: 'error', phone: NOTHING, fix: 'Turn compression off for the manifest (and the package): the install daemon may not decode it.', snippets: SNIPPETS.noCompression },
  MANIFEST_INVALID: { severity: 'error', phone: NOTHING, fix: 'Regenerate the manifest from the package (`otaship manifest`).' },
  MANIFEST_WEAK: { severity: 'warning', phone: 'It may install, but it is not what Xcode writes.', fix: 'Regenerate the manifest from the package (`otaship manifest`).' },
  // --- the package --------------------------------------------------------------------------
  PACKAGE_STATUS: { severity: 'error', phone: UNABLE, fix: 'Serve the package with 200 (or a redirect to 200) to a request with no cookies.' },
  PACKAGE_NO_LENGTH: { severity: 'warning', phone: 'No progress while downloading; a cut download cannot be detected.', fix: 'Send Content-Length (do not stream the package chunked).' },
  PACKAGE_LENGTH_MISMATCH: { severity: 'error', phone: UNABLE, fix: 'Content-Length and Content-Range disagree on the package size: a proxy is changing the body. Serve it untouched.', snippets: SNIPPETS.noCompression },
  PACKAGE_CONTENT_TYPE: { severity: 'warning', phone: 'Usually installs; some proxies and scanners treat the body as a page.', fix: 'Serve .ipa files as application/octet-stream.', snippets: SNIPPETS.ipaType },
  PACKAGE_COMPRESSED: { severity: 'error', phone: UNABLE, fix: 'Never compress or transform the package (Cache-Control: no-transform; compression off).', snippets: SNIPPETS.noCompression },
  PACKAGE_NO_RANGES: { severity: 'warning', phone: 'A large download that is interrupted restarts from zero, and may never finish on a weak network.', fix: 'Answer Range requests with 206 and send Accept-Ranges: bytes.', snippets: SNIPPETS.ranges },
  PACKAGE_NO_ETAG: { severity: 'warning', phone: 'A resumed download cannot tell whether the file changed.', fix: 'Send an ETag (or Last-Modified) with the package.' },
  PACKAGE_IF_RANGE_IGNORED: { severity: 'warning', phone: 'A download resumed after the file changed mixes two builds: "Unable to Download App".', fix: 'Honour If-Range: answer 200 with the whole file when the ETag no longer matches.' },
  PACKAGE_UNREADABLE: { severity: 'error', phone: UNABLE, fix: 'The package at this URL is not a readable .ipa: upload it again.' },
  PACKAGE_NOT_INSPECTED: { severity: 'info', phone: 'Nothing by itself.', fix: 'The package could not be read without downloading it whole (no Range support), so the bundle id, version and profile were not checked.' },
  PRESIGNED_EXPIRED: { severity: 'error', phone: UNABLE, fix: 'The signed URL has expired: sign package URLs when the manifest is served, not when it is written.', snippets: SNIPPETS.presigned },
  PRESIGNED_TOO_SHORT: { severity: 'error', phone: 'The download stops part way: "Unable to Download App".', fix: 'Give signed package URLs a lifetime well past the slowest download (hours, not minutes), or serve the package yourself.', snippets: SNIPPETS.presigned },
  BUNDLE_ID_MISMATCH: { severity: 'error', phone: UNABLE, fix: 'Set bundle-identifier in the manifest to the package\'s CFBundleIdentifier (regenerate it from the package).' },
  BUNDLE_VERSION_MISMATCH: { severity: 'warning', phone: 'The phone may show the wrong version, or install and keep offering the update.', fix: 'Set bundle-version in the manifest to the package\'s CFBundleVersion (regenerate it from the package).' },
  PACKAGE_NOT_INSTALLABLE: { severity: 'error', phone: UNABLE, fix: 'The package cannot be installed over the air as built: see the message.' },
  // Facts of the build itself (ad-hoc needs Developer Mode, only listed devices…): worth telling testers, not a deployment fault.
  PACKAGE_NOTE: { severity: 'info', phone: 'It may not install on some devices.', fix: 'See the message.' },
  LOCAL_HOST: { severity: 'info', phone: 'A phone cannot reach this host; the doctor reached it from this computer.', fix: 'Publish under a public https origin before sending the link to testers.' },
  PROFILE_APP_STORE: { severity: 'error', phone: UNABLE, fix: 'App Store builds never install over the air: export for Ad Hoc, Development or Enterprise.' },
  PROFILE_EXPIRED: { severity: 'error', phone: UNABLE, fix: 'The provisioning profile has expired: renew it and re-sign the app.' },
  PROFILE_EXPIRES_SOON: { severity: 'warning', phone: 'Installs work until the profile expires; installed copies stop opening then.', fix: 'Renew the profile and re-sign the app.' },
  DEVICE_NOT_IN_PROFILE: { severity: 'error', phone: UNABLE, fix: 'Add the device\'s UDID to the profile in the Apple Developer portal, regenerate the profile and re-sign the app.' },
  DEVICE_IN_PROFILE: { severity: 'info', phone: 'Nothing: this device may install the app.', fix: 'Nothing to change for this device.' },
  // --- icons --------------------------------------------------------------------------------
  ICON_STATUS: { severity: 'warning', phone: 'A blank icon while installing.', fix: 'Serve the icon with 200 at the URL in the manifest.' },
  ICON_NOT_PNG: { severity: 'warning', phone: 'A blank icon while installing.', fix: 'Serve a PNG at the icon URL.' },
  ICON_CGBI: { severity: 'warning', phone: 'A blank or garbled icon while installing.', fix: 'Serve a standard PNG, not Xcode\'s CgBI-optimised file from inside the .ipa (`otaship` converts them).' },
  ICON_WRONG_SIZE: { severity: 'warning', phone: 'A blurred or blank icon while installing.', fix: 'display-image is 57×57 and full-size-image 512×512 pixels.' },
} as const satisfies Record<string, Spec>;

export type DoctorCode = keyof typeof DOCTOR_FINDINGS;

/** A finding from the catalogue; `severity` overrides the catalogue's for codes whose weight depends on context. */
export function finding(
  code: DoctorCode,
  step: DoctorStep,
  url: string | null,
  message: string,
  severity?: FindingSeverity,
): Finding {
  const spec: Spec = DOCTOR_FINDINGS[code];
  return {
    code,
    severity: severity ?? spec.severity,
    step,
    url,
    message,
    phone: spec.phone,
    fix: spec.fix,
    ...(spec.snippets ? { snippets: spec.snippets } : {}),
  };
}

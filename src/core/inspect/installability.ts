// Can this iOS build be installed over the air? Stable reason codes; 'error' blocks every device,
// 'warning' explains something testers will meet. Expiry is judged against an injectable `now`.
import { findXmlIllegal } from '../manifest/xml-chars.js';
import type { InstallReason, Installability, ProfileInfo } from '../types.js';

/** What Apple allows in a bundle identifier: letters, digits, hyphens and periods. */
const BUNDLE_ID = /^[A-Za-z0-9.-]+$/;

export interface IpaFacts {
  bundleId: string;
  /** CFBundleShortVersionString and CFBundleVersion, written into the manifest exactly. */
  version?: string | null;
  build?: string;
  platforms: string[];
  signed: boolean;
  profile: ProfileInfo | null;
  otherApps?: string[];
  /** Why the app has no usable CFBundleVersion (null or absent when it has one). */
  buildProblem?: string | null;
}

export function assessIpa(facts: IpaFacts, now: number): Installability {
  const reasons: InstallReason[] = [];
  const add = (code: string, severity: InstallReason['severity'], message: string): void => {
    reasons.push({ code, severity, message });
  };
  if (facts.platforms.includes('iPhoneSimulator')) {
    add('SIMULATOR_BUILD', 'error', 'This is a Simulator build (CFBundleSupportedPlatforms: iPhoneSimulator); devices cannot run it');
  }
  if (!BUNDLE_ID.test(facts.bundleId)) {
    add('INVALID_BUNDLE_ID', 'error', `The bundle identifier ${JSON.stringify(facts.bundleId.slice(0, 120))} holds characters iOS does not allow (only letters, digits, "-" and "."); iOS refuses to install it`);
  }
  for (const [field, value] of [['CFBundleShortVersionString', facts.version], ['CFBundleVersion', facts.build]] as const) {
    const bad = typeof value === 'string' ? findXmlIllegal(value) : null;
    if (bad) add('INVALID_VERSION', 'error', `${field} holds ${bad.codePoint}, which an install manifest cannot carry: fix it in Info.plist and re-export`);
  }
  if (facts.buildProblem) {
    add('NO_BUNDLE_VERSION', 'error', `${facts.buildProblem}: iOS refuses to install an app without one; set the build number (CURRENT_PROJECT_VERSION) and re-export`);
  }
  const p = facts.profile;
  if (!p) {
    if (facts.signed) add('NO_PROFILE', 'error', 'The app has no embedded.mobileprovision, so no device is allowed to install it');
    else add('UNSIGNED', 'error', 'The app is not code-signed (no _CodeSignature and no embedded.mobileprovision); unsigned builds cannot be installed over the air');
  } else {
    if (p.type === 'app-store') {
      add('APP_STORE_PROFILE', 'error', `Signed for App Store distribution ("${p.name}"); such builds only install through the App Store or TestFlight`);
    }
    if (p.platforms.length > 0 && p.platforms.every((x) => x === 'OSX')) {
      add('MACOS_PROFILE', 'error', `The embedded profile "${p.name}" is for macOS only`);
    }
    if (p.expiresAt && Date.parse(p.expiresAt) <= now) {
      add('PROFILE_EXPIRED', 'error', `The provisioning profile "${p.name}" expired on ${p.expiresAt}`);
    }
    if (p.certificates.length > 0 && p.certificates.every((c) => Date.parse(c.notAfter) <= now)) {
      add('CERTIFICATE_EXPIRED', 'error', 'Every signing certificate in the profile has expired');
    }
    const appId = p.entitlements.applicationIdentifier;
    if (appId && !appIdMatches(appId, facts.bundleId)) {
      add('BUNDLE_ID_MISMATCH', 'error', `The profile is for ${appId}, not for ${facts.bundleId}`);
    }
    if (p.type === 'development' || p.type === 'ad-hoc') {
      add('DEVELOPER_MODE', 'warning', `${p.type} builds need Developer Mode on devices with iOS 16 or later (Settings › Privacy & Security)`);
      add('REGISTERED_DEVICES_ONLY', 'warning', `Only the ${p.devices.length} device(s) listed in the profile can install this build`);
    }
    if (p.type === 'enterprise') {
      add('ENTERPRISE_TRUST', 'warning', 'Testers must trust the enterprise developer in Settings › General › VPN & Device Management');
    }
  }
  if (facts.otherApps && facts.otherApps.length > 0) {
    add('MULTIPLE_APPS', 'warning', `Payload/ holds more than one app; inspected the first, ignored ${facts.otherApps.join(', ')}`);
  }
  return { ok: !reasons.some((r) => r.severity === 'error'), reasons };
}

/**
 * The refusals `force` overrides, the same in the CLI's local check, the API and the web upload: an
 * expired profile or certificate. The build did install once and may still be wanted (for the
 * record, or on devices whose clock is behind); everything else can never install, so force
 * cannot help.
 */
export const FORCEABLE_REASONS: ReadonlySet<string> = new Set(['PROFILE_EXPIRED', 'CERTIFICATE_EXPIRED']);

/** The error-severity reasons, split into those that force overrides and those nothing overrides. */
export function blockingReasons(reasons: readonly InstallReason[]): { forceable: InstallReason[]; hard: InstallReason[] } {
  const errors = reasons.filter((r) => r.severity === 'error');
  return {
    forceable: errors.filter((r) => FORCEABLE_REASONS.has(r.code)),
    hard: errors.filter((r) => !FORCEABLE_REASONS.has(r.code)),
  };
}

/** application-identifier is "<prefix>.<bundle id>" where the id part may end in a wildcard. */
export function appIdMatches(applicationIdentifier: string, bundleId: string): boolean {
  const dot = applicationIdentifier.indexOf('.');
  const pattern = dot >= 0 ? applicationIdentifier.slice(dot + 1) : applicationIdentifier;
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return bundleId.startsWith(pattern.slice(0, -1));
  return pattern === bundleId;
}

// The remote package's own facts (read through Range requests by the same inspector as a local
// file) against the manifest: bundle id and version, the profile's type and expiry, and with a UDID
// whether that device may install it.
import { canonicalUdid } from '../device/udid.js';
import { checkManifestAgainstPackage, type Manifest } from '../manifest/index.js';
import type { PackageInfo } from '../types.js';
import { finding, type Finding } from './findings.js';

const DAY_MS = 86_400_000;
export const PROFILE_WARN_DAYS = 14;

export function checkPackageFacts(manifest: Manifest, pkg: PackageInfo, url: string, now: number, udid: string | null): Finding[] {
  const out: Finding[] = [];
  if (pkg.kind !== 'ipa') {
    out.push(finding('PACKAGE_UNREADABLE', 'package', url, 'The software-package is an Android package, not an .ipa'));
    return out;
  }
  for (const p of checkManifestAgainstPackage(manifest, pkg)) {
    if (p.code === 'BUNDLE_ID_MISMATCH') out.push(finding('BUNDLE_ID_MISMATCH', 'package', url, p.message));
    else if (p.code === 'VERSION_MISMATCH') out.push(finding('BUNDLE_VERSION_MISMATCH', 'package', url, p.message));
  }
  for (const r of pkg.installable.reasons) {
    if (r.code === 'APP_STORE_PROFILE') out.push(finding('PROFILE_APP_STORE', 'package', url, r.message));
    else if (r.code === 'PROFILE_EXPIRED') out.push(finding('PROFILE_EXPIRED', 'package', url, r.message));
    else out.push(finding(r.severity === 'error' ? 'PACKAGE_NOT_INSTALLABLE' : 'PACKAGE_NOTE', 'package', url, `${r.message} (${r.code})`));
  }
  const profile = pkg.profile;
  if (profile?.expiresAt && !profile.expired) {
    const left = Math.floor((Date.parse(profile.expiresAt) - now) / DAY_MS);
    if (left < PROFILE_WARN_DAYS) out.push(finding('PROFILE_EXPIRES_SOON', 'package', url, `The ${profile.type} profile "${profile.name}" expires in ${left} days (${profile.expiresAt})`));
  }
  if (udid !== null && profile && profile.type !== 'app-store') {
    const want = canonicalUdid(udid) ?? udid.toLowerCase();
    const listed = profile.devices.some((d) => (canonicalUdid(d) ?? d.toLowerCase()) === want);
    if (profile.provisionsAllDevices || listed) {
      out.push(finding('DEVICE_IN_PROFILE', 'package', url, profile.provisionsAllDevices ? `The ${profile.type} profile provisions every device` : `${udid} is in the ${profile.type} profile "${profile.name}"`));
    } else {
      out.push(finding('DEVICE_NOT_IN_PROFILE', 'package', url, `${udid} is not among the ${profile.devices.length} devices of the ${profile.type} profile "${profile.name}"`));
    }
  }
  return out;
}

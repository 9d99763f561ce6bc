// Provisioning profile plist → ProfileInfo. The type rules follow ota-notes §5, checked against
// real profiles: ProvisionsAllDevices → enterprise; devices with get-task-allow false → ad-hoc;
// devices with get-task-allow true OR absent (macOS development profiles lack the key) →
// development; no devices → app-store.
import { X509Certificate } from 'node:crypto';
import { isParseBudgetError } from '../../budget.js';
import { OtashipError } from '../../errors.js';
import type { CertificateInfo, EntitlementsSummary, ProfileInfo, ProfileType } from '../../types.js';
import { bool, date, dict, readPlistDict, str, strList } from '../../plist/read.js';
import type { PlistDict } from '../../plist/read.js';
import { isoSeconds } from '../iso.js';
import { certificateName } from './certificate-name.js';

/**
 * Apple registers at most 100 devices per device family a year (five families), and a team's
 * development profile names its developers' certificates (dozens at most). Far past these a profile
 * was made to make its readers work (or its stored details huge); it is refused rather than trimmed.
 */
export const MAX_PROFILE_DEVICES = 5_000;
export const MAX_PROFILE_CERTIFICATES = 1_000;

export interface DecodeOptions {
  /** Reference time for expiry, in ms since the epoch (default Date.now()). */
  now?: number;
}

export function decodeProfilePlist(bytes: Uint8Array, what: string, options: DecodeOptions = {}): ProfileInfo {
  let plist: PlistDict;
  try {
    plist = readPlistDict(bytes, what).value;
  } catch (err) {
    if (isParseBudgetError(err)) throw err;
    throw new OtashipError('BAD_PROFILE', `${what} holds no readable profile plist`, { cause: err, details: { notAProfile: true } });
  }
  return profileFromPlist(plist, what, options);
}

export function profileFromPlist(p: PlistDict, what: string, options: DecodeOptions = {}): ProfileInfo {
  const now = options.now ?? Date.now();
  const uuid = str(p, 'UUID');
  const name = str(p, 'Name');
  if (!uuid && !name) {
    throw new OtashipError('BAD_PROFILE', `${what} is a property list but not a provisioning profile (no UUID or Name)`, {
      details: { notAProfile: true },
    });
  }
  // Apple writes these three in every profile; without them there is no identity, expiry or team to
  // judge, and a verdict such as "app-store, never expires" would be invented.
  const missing = [
    uuid?.trim() ? null : 'UUID',
    date(p, 'ExpirationDate') ? null : 'ExpirationDate',
    strList(p, 'TeamIdentifier').some((t) => t.trim() !== '') ? null : 'TeamIdentifier',
  ].filter((k): k is string => k !== null);
  if (missing.length > 0) {
    throw new OtashipError(
      'BAD_PROFILE',
      `${what} is not a complete provisioning profile: it has no ${missing.join(', ')} (every profile from Apple has them)`,
    );
  }
  const ent = dict(p, 'Entitlements') ?? {};
  const devices = strList(p, 'ProvisionedDevices');
  if (devices.length > MAX_PROFILE_DEVICES) {
    throw new OtashipError('PARSE_BUDGET', `${what} lists ${devices.length} provisioned devices, more than Apple lets a profile hold (at most ${MAX_PROFILE_DEVICES} are read)`);
  }
  const provisionsAllDevices = bool(p, 'ProvisionsAllDevices') === true;
  const entitlements = summariseEntitlements(ent);
  const expires = date(p, 'ExpirationDate');
  return {
    type: profileType(provisionsAllDevices, devices.length, entitlements.getTaskAllow),
    name: name ?? '',
    teamId: strList(p, 'TeamIdentifier')[0] ?? entitlements.teamIdentifier,
    teamName: str(p, 'TeamName'),
    uuid: uuid ?? '',
    appIdName: str(p, 'AppIDName'),
    createdAt: isoSeconds(date(p, 'CreationDate')),
    expiresAt: isoSeconds(expires),
    expired: expires !== null && expires.getTime() <= now,
    devices,
    provisionsAllDevices,
    platforms: strList(p, 'Platform'),
    entitlements,
    certificates: certificates(p, now, what),
  };
}

export function profileType(allDevices: boolean, deviceCount: number, getTaskAllow: boolean | null): ProfileType {
  if (allDevices) return 'enterprise';
  if (deviceCount === 0) return 'app-store';
  return getTaskAllow === false ? 'ad-hoc' : 'development';
}

function summariseEntitlements(ent: PlistDict): EntitlementsSummary {
  // iOS keys first, then their macOS spellings.
  return {
    applicationIdentifier: str(ent, 'application-identifier') ?? str(ent, 'com.apple.application-identifier'),
    getTaskAllow: bool(ent, 'get-task-allow') ?? bool(ent, 'com.apple.security.get-task-allow'),
    apsEnvironment: str(ent, 'aps-environment') ?? str(ent, 'com.apple.developer.aps-environment'),
    teamIdentifier: str(ent, 'com.apple.developer.team-identifier'),
    keychainAccessGroups: strList(ent, 'keychain-access-groups'),
  };
}

function certificates(p: PlistDict, now: number, what: string): CertificateInfo[] {
  const raw = p.DeveloperCertificates;
  if (!Array.isArray(raw)) return [];
  if (raw.length > MAX_PROFILE_CERTIFICATES) {
    throw new OtashipError('PARSE_BUDGET', `${what} lists ${raw.length} developer certificates, far more than any team has (at most ${MAX_PROFILE_CERTIFICATES} are read)`);
  }
  const out: CertificateInfo[] = [];
  // The same certificate listed twice (a binary plist can reference one object many times) is one.
  const seen = new Set<string>();
  for (const der of raw) {
    if (!(der instanceof Uint8Array)) continue;
    const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
    if (seen.has(key)) continue;
    seen.add(key);
    const cert = decodeCertificate(der, now);
    // Hand-made profiles carry placeholder bytes here; such entries are not certificates at all.
    if (cert) out.push(cert);
  }
  return out;
}

function decodeCertificate(der: Uint8Array, now: number): CertificateInfo | null {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
  } catch {
    return null;
  }
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  const { subject, commonName } = certificateName(cert);
  return {
    subject,
    commonName,
    serialNumber: cert.serialNumber.toUpperCase(),
    sha1: cert.fingerprint.replace(/:/g, '').toLowerCase(),
    notBefore: isoSeconds(notBefore) ?? '',
    notAfter: isoSeconds(notAfter) ?? '',
    expired: notAfter.getTime() <= now,
  };
}

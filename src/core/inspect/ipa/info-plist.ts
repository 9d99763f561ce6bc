// The identity facts of an iOS app from its Info.plist (ota-notes §5).
import { cleanDisplayName } from '../display-name.js';
import { OtashipError } from '../../errors.js';
import type { DeviceFamily } from '../../types.js';
import { str, strList } from '../../plist/read.js';
import type { PlistDict } from '../../plist/read.js';

export interface AppFacts {
  bundleId: string;
  version: string | null;
  /** CFBundleVersion; '' when it is missing (then `buildProblem` says why). */
  build: string;
  /** Why there is no usable CFBundleVersion, or null. iOS refuses to install such an app. */
  buildProblem: string | null;
  name: string;
  minOsVersion: string | null;
  deviceFamilies: DeviceFamily[];
  platforms: string[];
}

const FAMILIES: Record<number, DeviceFamily> = { 1: 'iphone', 2: 'ipad', 3: 'tv', 4: 'watch', 6: 'mac', 7: 'vision' };

/** "an array", "a dictionary"…: for messages about a value of the wrong plist type. */
function describeType(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Date) return 'a date';
  if (v instanceof Uint8Array) return 'data';
  if (v !== null && typeof v === 'object') return 'a dictionary';
  return `a ${typeof v}`;
}

export function appFacts(plist: PlistDict, entry: string): AppFacts {
  const rawId = plist.CFBundleIdentifier;
  if (rawId !== undefined && typeof rawId !== 'string') {
    throw new OtashipError('BAD_PLIST', `${entry}: CFBundleIdentifier is ${describeType(rawId)}, not a string`);
  }
  const bundleId = rawId?.trim();
  if (!bundleId) throw new OtashipError('BAD_PLIST', `${entry} has no CFBundleIdentifier`);
  const version = nonEmpty(str(plist, 'CFBundleShortVersionString'));
  const build = nonEmpty(str(plist, 'CFBundleVersion'));
  const rawBuild = plist.CFBundleVersion;
  const buildProblem =
    build !== null
      ? null
      : rawBuild === undefined || typeof rawBuild === 'string'
        ? 'Info.plist has no CFBundleVersion (the build number)'
        : `Info.plist's CFBundleVersion is ${describeType(rawBuild)}, not a string`;
  return {
    bundleId,
    version,
    // No fallback to the marketing version: a build number iOS never sees would hide the problem.
    build: build ?? '',
    buildProblem,
    name:
      cleanDisplayName(str(plist, 'CFBundleDisplayName')) ??
      cleanDisplayName(str(plist, 'CFBundleName')) ??
      cleanDisplayName(str(plist, 'CFBundleExecutable')) ??
      bundleId,
    minOsVersion: nonEmpty(str(plist, 'MinimumOSVersion')) ?? nonEmpty(str(plist, 'LSMinimumSystemVersion')),
    deviceFamilies: deviceFamilies(plist.UIDeviceFamily),
    platforms: strList(plist, 'CFBundleSupportedPlatforms'),
  };
}

function nonEmpty(s: string | null): string | null {
  const t = s?.trim();
  return t ? t : null;
}

function deviceFamilies(raw: unknown): DeviceFamily[] {
  // A number, a numeric string, or an array of either; absent means iPhone (pre-iPad default).
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const codes = new Set<number>();
  for (const v of list) {
    const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
    if (FAMILIES[n]) codes.add(n);
  }
  if (codes.size === 0) return ['iphone'];
  return [...codes].sort((a, b) => a - b).map((n) => FAMILIES[n] as DeviceFamily);
}

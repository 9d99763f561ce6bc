// The identity facts of an iOS app from its Info.plist (ota-notes §5).
import { OtashipError } from '../../errors.js';
import type { DeviceFamily } from '../../types.js';
import { str, strList } from '../../plist/read.js';
import type { PlistDict } from '../../plist/read.js';

export interface AppFacts {
  bundleId: string;
  version: string | null;
  build: string;
  name: string;
  minOsVersion: string | null;
  deviceFamilies: DeviceFamily[];
  platforms: string[];
}

const FAMILIES: Record<number, DeviceFamily> = { 1: 'iphone', 2: 'ipad', 3: 'tv', 4: 'watch', 6: 'mac', 7: 'vision' };

export function appFacts(plist: PlistDict, entry: string): AppFacts {
  const bundleId = str(plist, 'CFBundleIdentifier')?.trim();
  if (!bundleId) throw new OtashipError('BAD_PLIST', `${entry} has no CFBundleIdentifier`);
  const version = nonEmpty(str(plist, 'CFBundleShortVersionString'));
  return {
    bundleId,
    version,
    build: nonEmpty(str(plist, 'CFBundleVersion')) ?? version ?? '',
    name:
      nonEmpty(str(plist, 'CFBundleDisplayName')) ??
      nonEmpty(str(plist, 'CFBundleName')) ??
      nonEmpty(str(plist, 'CFBundleExecutable')) ??
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

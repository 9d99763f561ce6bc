// IPA inspection over an open zip: main app, Info.plist facts, nested bundles, embedded profile,
// best icon and the installability verdict.
import { OtashipError } from '../../errors.js';
import type { IconInfo, IpaInfo } from '../../types.js';
import type { ZipArchive } from '../../zip/archive.js';
import { readPlistDict } from '../../plist/read.js';
import type { PlistDict } from '../../plist/read.js';
import { readPngHeader } from '../../png/size.js';
import { decodeProfile } from '../profile/index.js';
import { assessIpa } from '../installability.js';
import type { InspectLimits } from '../limits.js';
import { iconCandidates } from './icons.js';
import { appFacts } from './info-plist.js';
import type { IpaLayout } from './layout.js';

export interface IpaContext {
  archive: ZipArchive;
  layout: IpaLayout;
  size: number;
  limits: InspectLimits;
  now: number;
  /** Receives the bytes of the chosen icon (read anyway to size it), so readIcon() need not read them again. */
  onIconBytes?: (bytes: Buffer) => void;
}

/** Reading at most this many candidate PNGs keeps a hostile plist from making us inflate thousands. */
const MAX_ICON_CANDIDATES = 48;

export async function inspectIpaArchive(ctx: IpaContext): Promise<IpaInfo> {
  const { archive, layout, limits, now } = ctx;
  const { value: plist, format } = readPlistDict(await archive.read(layout.infoPlist, limits.infoPlistBytes), layout.infoPlist);
  const facts = appFacts(plist, layout.infoPlist);
  let profile = null;
  if (layout.profileEntry) {
    const bytes = await archive.read(layout.profileEntry, limits.profileBytes);
    profile = decodeProfile(bytes, layout.profileEntry, { now }).profile;
  }
  const signed = profile !== null || archive.entry(`${layout.appPath}/_CodeSignature/CodeResources`) !== undefined;
  const best = await bestIcon(archive, layout, plist, limits);
  const icon = best?.icon ?? null;
  if (best) ctx.onIconBytes?.(best.bytes);
  return {
    kind: 'ipa',
    bundleId: facts.bundleId,
    version: facts.version,
    build: facts.build,
    name: facts.name,
    minOsVersion: facts.minOsVersion,
    deviceFamilies: facts.deviceFamilies,
    icon,
    installable: assessIpa(
      { bundleId: facts.bundleId, platforms: facts.platforms, signed, profile, otherApps: layout.otherApps, buildProblem: facts.buildProblem },
      now,
    ),
    size: ctx.size,
    appPath: layout.appPath,
    platforms: facts.platforms,
    extensions: layout.extensions,
    infoPlistFormat: format,
    profile,
    signed,
  };
}

async function bestIcon(
  archive: ZipArchive,
  layout: IpaLayout,
  plist: PlistDict,
  limits: InspectLimits,
): Promise<{ icon: IconInfo; bytes: Buffer } | null> {
  let best: { icon: IconInfo; bytes: Buffer } | null = null;
  for (const file of iconCandidates(plist, layout.rootFiles).slice(0, MAX_ICON_CANDIDATES)) {
    const entry = `${layout.appPath}/${file}`;
    let header;
    let bytes: Buffer;
    try {
      bytes = await archive.read(entry, limits.iconBytes);
      header = readPngHeader(bytes);
    } catch (err) {
      // A damaged icon must not hide the app's identity; a bomb or truncation still fails loudly.
      if (err instanceof OtashipError && err.code !== 'CORRUPT_ZIP') throw err;
      continue;
    }
    if (!header) continue;
    if (!best || header.width * header.height > best.icon.width * best.icon.height) {
      best = { icon: { entry, width: header.width, height: header.height }, bytes };
    }
  }
  return best;
}

// IPA inspection over an open zip: main app, Info.plist facts, nested bundles, embedded profile,
// best icon and the installability verdict.
import { OtashipError } from '../../errors.js';
import type { IconInfo, InstallReason, IpaInfo } from '../../types.js';
import type { ZipArchive } from '../../zip/archive.js';
import { readPlistDict } from '../../plist/read.js';
import type { PlistDict } from '../../plist/read.js';
import { withinIconBudget } from '../../png/budget.js';
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
  const { best, damaged } = await bestIcon(archive, layout, plist, limits);
  const icon = best?.icon ?? null;
  if (best) ctx.onIconBytes?.(best.bytes);
  const installable = assessIpa(
    { bundleId: facts.bundleId, version: facts.version, build: facts.build, platforms: facts.platforms, signed, profile, otherApps: layout.otherApps, buildProblem: facts.buildProblem },
    now,
  );
  if (damaged.length > 0) installable.reasons.push(damagedIconReason(damaged, icon));
  return {
    kind: 'ipa',
    bundleId: facts.bundleId,
    version: facts.version,
    build: facts.build,
    name: facts.name,
    minOsVersion: facts.minOsVersion,
    deviceFamilies: facts.deviceFamilies,
    icon,
    installable,
    size: ctx.size,
    appPath: layout.appPath,
    platforms: facts.platforms,
    extensions: layout.extensions,
    infoPlistFormat: format,
    profile,
    signed,
  };
}

/**
 * A damaged icon entry is reported, not skipped in silence: it may be the best icon, and an archive
 * with a damaged entry may not install at all (iOS checks every file it extracts).
 */
function damagedIconReason(damaged: readonly { entry: string; why: string }[], icon: IconInfo | null): InstallReason {
  const list = damaged.map((d) => `${d.entry} (${d.why})`).join(', ');
  const shown = icon ? `the icon shown is ${icon.entry}` : 'no readable icon is left';
  return {
    code: 'ICON_DAMAGED',
    severity: 'warning',
    message: `Icon file ${list} is damaged in the archive, so ${shown}; the package may not install: re-export it`,
  };
}

/**
 * The larger icon wins, except that one within the pixel budget beats one past it: a single bogus
 * 12000×12000 file must not leave the app with no icon when proper ones exist.
 */
function outranks(a: { width: number; height: number }, b: { width: number; height: number }): boolean {
  const aFits = withinIconBudget(a.width, a.height);
  if (aFits !== withinIconBudget(b.width, b.height)) return aFits;
  return a.width * a.height > b.width * b.height;
}

async function bestIcon(
  archive: ZipArchive,
  layout: IpaLayout,
  plist: PlistDict,
  limits: InspectLimits,
): Promise<{ best: { icon: IconInfo; bytes: Buffer } | null; damaged: { entry: string; why: string }[] }> {
  let best: { icon: IconInfo; bytes: Buffer } | null = null;
  const damaged: { entry: string; why: string }[] = [];
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
      damaged.push({ entry, why: /CRC/i.test(err instanceof Error ? err.message : '') ? 'CRC check failed' : 'cannot be inflated' });
      continue;
    }
    if (!header) continue;
    if (!best || outranks(header, best.icon)) {
      best = { icon: { entry, width: header.width, height: header.height }, bytes };
    }
  }
  return { best, damaged };
}

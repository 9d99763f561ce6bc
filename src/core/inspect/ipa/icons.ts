// Which PNG in the .app folder is the app icon. Names come from Info.plist (CFBundleIcons(~ipad),
// legacy CFBundleIconFiles/CFBundleIconFile, CFBundleIconName); Xcode writes files such as
// AppIcon60x60@2x.png or Icon@2x~ipad.png beside Assets.car. Apps whose icons live only inside
// Assets.car have no candidate, and that is fine (icon: null).
import { dict, str, strList } from '../../plist/read.js';
import type { PlistDict } from '../../plist/read.js';

/** What may follow an icon name: size, scale, device suffix, then .png. */
const ICON_SUFFIX = /^(?:\d+(?:\.\d+)?x\d+(?:\.\d+)?)?(?:@\d(?:\.\d+)?x)?(?:~ipad|~iphone)?\.png$/i;

export function iconNames(plist: PlistDict): string[] {
  const names: string[] = [];
  for (const key of ['CFBundleIcons', 'CFBundleIcons~ipad']) {
    const icons = dict(plist, key);
    const primary = icons && dict(icons, 'CFBundlePrimaryIcon');
    if (primary) {
      names.push(...strList(primary, 'CFBundleIconFiles'));
      const iconName = str(primary, 'CFBundleIconName');
      if (iconName) names.push(iconName);
    } else if (icons) {
      names.push(...strList(icons, 'CFBundlePrimaryIcon'));
    }
  }
  names.push(...strList(plist, 'CFBundleIconFiles'));
  const legacy = str(plist, 'CFBundleIconFile');
  if (legacy) names.push(legacy);
  const iconName = str(plist, 'CFBundleIconName');
  if (iconName) names.push(iconName);
  return [...new Set(names.map((n) => n.trim()).filter(Boolean))];
}

/** The longest suffix ICON_SUFFIX can match ("1024.5x1024.5@3.5x~iphone.png" and then some). */
const MAX_SUFFIX = 48;

/**
 * Root files of the app that match the icon names, in name order (or AppIcon…, Icon… when none are
 * named). One pass over the files: each file's possible names (the file minus a suffix ICON_SUFFIX
 * accepts, at most MAX_SUFFIX split points) are looked up among the names, so a package listing
 * 100,000 names beside 100,000 files costs a few hundred thousand lookups, not 10^10 comparisons.
 */
export function iconCandidates(plist: PlistDict, rootFiles: readonly string[]): string[] {
  const named = iconNames(plist);
  const bases = (named.length > 0 ? named : ['AppIcon', 'Icon']).map((n) => n.replace(/\.png$/i, '').toLowerCase());
  const order = new Map<string, number>();
  bases.forEach((b, i) => {
    if (!order.has(b)) order.set(b, i);
  });
  // For each file, the first name (in name order) it matches.
  const byName = new Map<number, string[]>();
  const seen = new Set<string>();
  for (const file of rootFiles) {
    const lower = file.toLowerCase();
    if (seen.has(file) || !lower.endsWith('.png')) continue;
    let first = Number.POSITIVE_INFINITY;
    for (let at = Math.max(0, lower.length - MAX_SUFFIX); at <= lower.length - 4; at++) {
      const index = order.get(lower.slice(0, at));
      if (index !== undefined && index < first && ICON_SUFFIX.test(lower.slice(at))) first = index;
    }
    if (first === Number.POSITIVE_INFINITY) continue;
    seen.add(file);
    const list = byName.get(first);
    if (list) list.push(file);
    else byName.set(first, [file]);
  }
  return [...byName.entries()].sort(([a], [b]) => a - b).flatMap(([, files]) => files);
}

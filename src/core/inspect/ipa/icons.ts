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

/** Root files of the app that match the icon names, in name order (or AppIcon…, Icon… when none are named). */
export function iconCandidates(plist: PlistDict, rootFiles: readonly string[]): string[] {
  const named = iconNames(plist);
  const bases = (named.length > 0 ? named : ['AppIcon', 'Icon']).map((n) => n.replace(/\.png$/i, '').toLowerCase());
  const out: string[] = [];
  const seen = new Set<string>();
  for (const base of bases) {
    for (const file of rootFiles) {
      const lower = file.toLowerCase();
      if (seen.has(file) || !lower.startsWith(base)) continue;
      if (ICON_SUFFIX.test(lower.slice(base.length))) {
        seen.add(file);
        out.push(file);
      }
    }
  }
  return out;
}

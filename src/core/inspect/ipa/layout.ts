// One pass over the zip's entry names finds everything IPA inspection needs: the main app, its
// nested bundles, its root files (icons), its profile and code signature. Zip order varies (nested
// Info.plists often come first), so the main app is decided only by the exact path pattern.

const ANY_APP_PLIST = /(?:^|\/)[^/]+\.app\/Info\.plist$/;

export interface IpaLayout {
  appPath: string;
  /** Other Payload/*.app bundles that also had an Info.plist (not chosen). */
  otherApps: string[];
  extensions: string[];
  /** File names directly inside the .app folder, for icon lookup. */
  rootFiles: string[];
  infoPlist: string;
  profileEntry: string | null;
  codeSignature: boolean;
}

export interface ZipSurvey {
  /** Main-app candidates, in zip order. */
  apps: string[];
  nested: Map<string, Set<string>>;
  rootFiles: Map<string, string[]>;
  /** Facts for a helpful NO_APP_BUNDLE message. */
  strayAppPlist: string | null;
  payloadEntries: number;
  payloadApps: Set<string>;
  androidManifest: boolean;
}

export function isIgnored(name: string): boolean {
  return name.startsWith('__MACOSX/') || name === '.DS_Store' || name.endsWith('/.DS_Store');
}

export function surveyZip(names: Iterable<string>): ZipSurvey {
  const s: ZipSurvey = {
    apps: [],
    nested: new Map(),
    rootFiles: new Map(),
    strayAppPlist: null,
    payloadEntries: 0,
    payloadApps: new Set(),
    androidManifest: false,
  };
  // Index arithmetic instead of regular expressions: this loop runs once per entry (tens of
  // thousands in large apps) and must not allocate for the common case, a file deep inside the app.
  let app = ''; // "Payload/<Name>.app" of the previous entry, reused while entries stay in it
  let appName = ''; // "<Name>.app"
  let nestedKey = ''; // last nested bundle path, likewise
  for (const name of names) {
    if (isIgnored(name)) continue;
    if (!name.startsWith(PAYLOAD)) {
      if (name === 'AndroidManifest.xml') s.androidManifest = true;
      else if (s.strayAppPlist === null && ANY_APP_PLIST.test(name)) s.strayAppPlist = name;
      continue;
    }
    s.payloadEntries++;
    const slash = name.indexOf('/', PAYLOAD.length);
    // Payload/<Name>.app/ with a non-empty <Name>.
    if (slash < PAYLOAD.length + 5 || !name.endsWith('.app', slash)) {
      if (s.strayAppPlist === null && ANY_APP_PLIST.test(name)) s.strayAppPlist = name;
      continue;
    }
    if (app.length !== slash || !name.startsWith(app)) {
      app = name.slice(0, slash);
      appName = app.slice(PAYLOAD.length);
    }
    const rest = slash + 1;
    const next = name.indexOf('/', rest);
    if (next < 0 && rest < name.length) {
      // A file directly inside the .app folder.
      if (name.length - rest === INFO_PLIST.length && name.endsWith(INFO_PLIST)) s.apps.push(app);
      else {
        let list = s.rootFiles.get(app);
        if (!list) s.rootFiles.set(app, (list = []));
        list.push(name.slice(rest));
      }
      continue;
    }
    const bundleEnd = next < 0 ? -1 : nestedBundleEnd(name, rest, next);
    if (bundleEnd > 0) {
      if (nestedKey.length !== bundleEnd || !name.startsWith(nestedKey)) {
        nestedKey = name.slice(0, bundleEnd);
        let set = s.nested.get(app);
        if (!set) s.nested.set(app, (set = new Set()));
        set.add(nestedKey);
      }
      continue;
    }
    s.payloadApps.add(appName);
  }
  return s;
}

const PAYLOAD = 'Payload/';
const INFO_PLIST = 'Info.plist';

/**
 * End of "<app>/PlugIns|Extensions/<X>.appex" or "<app>/Watch|AppClips/<X>.app" when the entry lies
 * INSIDE such a bundle (something after its slash); -1 otherwise.
 */
function nestedBundleEnd(name: string, rest: number, next: number): number {
  const dir = next - rest;
  let suffix: string;
  if ((dir === 7 && name.startsWith('PlugIns', rest)) || (dir === 10 && name.startsWith('Extensions', rest))) suffix = '.appex';
  else if ((dir === 5 && name.startsWith('Watch', rest)) || (dir === 8 && name.startsWith('AppClips', rest))) suffix = '.app';
  else return -1;
  const end = name.indexOf('/', next + 1);
  if (end < 0 || end === name.length - 1 || end - (next + 1) <= suffix.length || !name.endsWith(suffix, end)) return -1;
  return end;
}

/** The main app of a surveyed IPA, or null when there is none. */
export function ipaLayout(s: ZipSurvey): IpaLayout | null {
  // Every candidate has the same depth (Payload/X.app), so "fewest segments" ties: first in zip order.
  const unique = [...new Set(s.apps)];
  const appPath = unique[0];
  if (appPath === undefined) return null;
  const rootFiles = s.rootFiles.get(appPath) ?? [];
  return {
    appPath,
    otherApps: unique.slice(1),
    extensions: [...(s.nested.get(appPath) ?? [])].sort(),
    rootFiles,
    infoPlist: `${appPath}/Info.plist`,
    profileEntry: rootFiles.includes('embedded.mobileprovision') ? `${appPath}/embedded.mobileprovision` : null,
    codeSignature: false, // decided by the caller with one map lookup
  };
}

/** Says what the zip holds instead of an app, for the NO_APP_BUNDLE message. */
export function describeMissingApp(s: ZipSurvey, entryCount: number): string {
  if (s.strayAppPlist) {
    return `found ${s.strayAppPlist}, but an app's Info.plist must sit at Payload/<Name>.app/Info.plist`;
  }
  const app = [...s.payloadApps][0];
  if (app) return `Payload/${app}/ has no Info.plist`;
  if (s.payloadEntries > 0) return 'Payload/ holds no .app bundle';
  return `none of its ${entryCount} entries is in a Payload/ folder`;
}
